"""Runs a large batch of work fast: over two cores, with a forked child
process, and without cycle collection meanwhile.

Checking and rendering thousands of entries is pure Python, so threads would
not run it in parallel; a forked child starts with everything this process
has already built (schema, graph, templates) and only its results travel
back, pickled through a pipe, chunk by chunk as they are ready. Small
batches, machines with one core, platforms without fork and processes that
run other threads (forking those can deadlock the child) do all the work
here, in the same order. Work needed later rather than now (the site's data
files) can run in a child on its own while this process goes on; work that
other code goes through item by item (MkDocs converting pages) can have a
child do items from the back until the two meet.
"""
from __future__ import annotations

import copyreg
import functools
import gc
import io
import multiprocessing
import os
import pickle
import sys
import threading
import traceback
from contextlib import contextmanager
from typing import Callable, Mapping, Sequence, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

# Below this many items a fork costs more than the second core saves.
MINIMUM_ITEMS = 500
# Work is handed out in chunks of this many items, to whichever process is
# free: small enough that both finish together, large enough that taking a
# chunk and sending its results cost little.
CHUNK = 32
PIPE_BYTES = 1 << 20


def can_fork() -> bool:
    return (sys.platform.startswith("linux") and threading.active_count() == 1
            and not multiprocessing.current_process().daemon  # which may not have children
            and len(os.sched_getaffinity(0)) > 1)


def map_items(function: Callable[[Item], Result], items: Sequence[Item],
              travel: Mapping[type, Callable] | None = None) -> list[Result]:
    """[function(item) for item in items], shared with a child process when worth it.

    This process and the child take chunks of items in turn until none is
    left, so one that got cheaper items, or started first, does more: both
    finish together, whatever the mix. The child takes chunks from the
    front, this process from the back. Results must be picklable; an error
    in the child is raised here as a RuntimeError carrying its traceback.

    travel says how values of some types are pickled on their way from the
    child ({type: reduce function}, as in copyreg): results the child worked
    out arrive in that form, the others as function returned them.
    """
    with gc_paused():
        if len(items) < MINIMUM_ITEMS or not can_fork():
            return [function(item) for item in items]
        return _map_shared(function, items, travel or {})


@contextmanager
def gc_paused():
    """Pauses the cycle collector for the length of a batch (nested uses are fine).

    Every container a batch creates (parsed values, page views, unpickled
    results) counts towards the next collection, and each full collection
    walks every object the process holds: over 10,000 entries that was a
    fifth of the time. What a batch leaves behind is kept, or plain garbage
    that reference counting frees; the few cycles (Jinja's) wait for a
    later full collection.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        _promote_young_objects()
        if was_enabled:
            gc.enable()


def _promote_young_objects():
    """Moves what the batch kept into the oldest generation at once.

    Otherwise the young generation, now holding everything the batch made,
    is walked at the next collection, and again when it moves up a
    generation. Freezing and unfreezing every object puts all of them (and
    whatever else was young) in the oldest generation, walked only by full
    collections. Skipped if the program froze objects itself, which
    unfreezing would undo.
    """
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()


def _map_shared(function: Callable[[Item], Result], items: Sequence[Item], travel: Mapping[type, Callable]) -> list[Result]:
    chunks = [items[start:start + CHUNK] for start in range(0, len(items), CHUNK)]
    context = multiprocessing.get_context("fork")
    # [first, end): the chunks nobody has taken yet
    untaken = context.Array("l", [0, len(chunks)])
    results: list = [None] * len(chunks)
    receiver, child = _start_child(context, _run_child, lambda index: [function(item) for item in chunks[index]],
                                   untaken, False, travel)
    try:
        child_working = True
        # This process takes chunks from the back. The first ones may hold
        # the costliest items (rendering puts the pages listing every entry
        # first): while this process worked on those, the child, whose
        # results it reads only between chunks, would fill its pipe and stand
        # still (a third of a second at 10,000 entries).
        while (index := _take(untaken, from_back=True)) is not None:
            results[index] = [function(item) for item in chunks[index]]
            # Unpickling results here, between chunks, lets the child
            # take more chunks meanwhile rather than wait at the end.
            if child_working:
                child_working = _collect(receiver, child, results, wait=False)
        while child_working:
            child_working = _collect(receiver, child, results, wait=True)
    except BaseException:
        child.terminate()  # nothing if it has ended
        raise
    finally:
        receiver.close()
        child.join()
    return [result for chunk in results for result in chunk]


def _start_child(context, target, *args):
    """Forks a worker running target(*args, sender); returns (the end of its
    pipe this process reads, the child)."""
    receiver, sender = context.Pipe(duplex=False)
    _widen(sender)
    child = context.Process(target=target, args=(*args, sender), daemon=True)
    child.start()
    sender.close()  # the child holds the only sending end, so its death ends the pipe
    return receiver, child


def _collect(receiver, child, results: list, wait: bool) -> bool:
    """Stores every chunk of results that has arrived, after waiting for one
    if asked; returns whether the child is still working."""
    while wait or receiver.poll():
        if not _store(_receive(receiver, child), results):
            return False
        wait = False
    return True


def _take(untaken, from_back: bool = False) -> int | None:
    """The index of the first (or last) chunk nobody has taken yet; None once all are taken."""
    with untaken.get_lock():
        first, end = untaken[0], untaken[1]
        if first >= end:
            return None
        if from_back:
            untaken[1] = end - 1
            return end - 1
        untaken[0] = first + 1
        return first


def _widen(connection) -> None:
    """Makes the pipe hold several chunks of results (pages are tens of kB each),
    so that the child seldom waits for this process to read."""
    import fcntl  # Unix only; this path runs on Linux only (can_fork)

    try:
        fcntl.fcntl(connection.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except OSError:  # above the system's limit: the default size works, with more waiting
        pass


def _receive(receiver, child):
    try:
        return receiver.recv()
    except EOFError:
        child.join()
        raise RuntimeError(f"worker process ended without a result (exit code {child.exitcode})") from None


def _failed(child_traceback: str) -> RuntimeError:
    """The error that stands for one raised in the child."""
    return RuntimeError(f"worker process failed:\n{child_traceback}")


def _store(message, results: list) -> bool:
    """Puts a chunk of the child's results in place; False once the child is done."""
    status, index, payload = message
    if status == "error":
        raise _failed(payload)
    if status == "done":
        return False
    results[index] = payload
    return True


def in_background(function: Callable[[], Result]) -> Callable[[], Result]:
    """Starts function() in a forked child; returns a call that waits for its result.

    For work whose result this process needs later, not now: the child runs
    on the second core while this process goes on. The call returns the same
    result each time; an error in the child is raised by it as a RuntimeError
    carrying the child's traceback. Where a child cannot be forked (see
    can_fork), function runs here, at once, and the call returns its result.
    """
    if not can_fork():
        with gc_paused():
            value = function()
        return lambda: value
    receiver, child = _start_child(multiprocessing.get_context("fork"), _run_in_background, function)

    @functools.cache
    def outcome() -> tuple[bool, object]:
        """(whether the child succeeded, its result or the error to raise), read once."""
        try:
            status, _, payload = _receive(receiver, child)
        except RuntimeError as ended:
            return False, ended
        finally:
            receiver.close()
            child.join()
        if status == "error":
            return False, _failed(payload)
        return True, payload

    def result() -> Result:
        succeeded, value = outcome()
        if not succeeded:
            raise value
        return value

    return result


def _run_in_background(function: Callable[[], Result], sender) -> None:
    try:
        with gc_paused():
            reply = ("ok", None, function())
    except BaseException:  # reported to the parent, which raises it
        reply = ("error", None, traceback.format_exc())
    sender.send(reply)
    sender.close()


def _run_child(work: Callable[[int], object], untaken, from_back: bool, travel: Mapping[type, Callable],
               sender) -> None:
    """Sends ("ok", index, work(index)) for each index it takes, pickled as
    travel says, then "done", or "error" with the traceback."""
    # Objects inherited from the parent are never garbage here: freezing them
    # keeps collections from walking (and copying) the parent's whole heap.
    gc.freeze()
    dispatch_table = {**copyreg.dispatch_table, **travel}
    try:
        while (index := _take(untaken, from_back)) is not None:
            sender.send_bytes(_pickled(("ok", index, work(index)), dispatch_table))
        reply = ("done", None, None)
    except BaseException:  # reported to the parent
        reply = ("error", None, traceback.format_exc())
    sender.send(reply)
    sender.close()


def _pickled(message, dispatch_table: dict) -> memoryview:
    """The message pickled with the reduce functions of dispatch_table."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = dispatch_table
    pickler.dump(message)
    return buffer.getbuffer()


class SharedFromTheBack:
    """Items this process goes through in order, while a forked child does
    them from the back.

    For work done one item at a time by code that is not ours to change
    (MkDocs converting pages): before each item, this process asks
    `claim(index)`. None means the item is its own to do, because the child
    has not taken it; otherwise the answer is the child's result (function
    must never return None). The two meet where this process, going
    forwards, reaches an item the child, going backwards, took: from there
    on every answer is ready or nearly so.

    If the child fails or dies, the items whose results have not arrived
    fall back to this process (claim returns None) and `failure` says why:
    the work gets done either way. No child is started for fewer than
    `minimum` items or where none can be forked (see can_fork).
    """

    def __init__(self, function: Callable[[Item], Result], items: Sequence[Item], minimum: int = MINIMUM_ITEMS):
        self.failure: str | None = None
        self.received_count = 0
        self._results: dict[int, Result] = {}
        self._receiver = self._child = None
        self.started = len(items) >= minimum and can_fork()
        if self.started:
            context = multiprocessing.get_context("fork")
            # [first, end): the items neither process has taken yet
            self._untaken = context.Array("l", [0, len(items)])
            self._receiver, self._child = _start_child(context, _run_child, lambda index: function(items[index]),
                                                       self._untaken, True, {})

    def claim(self, index: int) -> Result | None:
        """The child's result for item `index`, or None if it is this process's to do."""
        if self._child is not None and self._take_for_this_process(index):
            self._collect(wait=False)  # keeps the child's pipe from filling up
            return None
        while self._child is not None and index not in self._results:
            self._collect(wait=True)
        return self._results.pop(index, None)

    def close(self) -> None:
        """Stops the child if it is still working; results not claimed are dropped."""
        if self._child is not None:
            self._child.terminate()
            self._stop()
        self._results.clear()

    def _take_for_this_process(self, index: int) -> bool:
        with self._untaken.get_lock():
            if index >= self._untaken[1]:
                return False
            self._untaken[0] = max(self._untaken[0], index + 1)
            return True

    def _collect(self, wait: bool) -> None:
        """Stores every result that has arrived, after waiting for one if asked."""
        while self._child is not None and (wait or self._receiver.poll()):
            wait = False
            try:
                status, index, payload = _receive(self._receiver, self._child)
            except RuntimeError as ended:
                self.failure = str(ended)
                self._stop()
                return
            if status == "ok":
                self._results[index] = payload
                self.received_count += 1
            else:
                self.failure = None if status == "done" else str(_failed(payload))
                self._stop()

    def _stop(self) -> None:
        """Closes the pipe and waits for the child."""
        self._receiver.close()
        self._child.join()
        self._child = None
