"""Runs a large batch of work fast: over two processes, this one and a forked
child, and without cycle collection meanwhile.

Checking and rendering thousands of entries is pure Python, so threads would
not run it in parallel; a forked child starts with everything this process
has already built (schema, graph, templates) and only its results travel
back, pickled through a pipe. Small batches, machines with one core,
platforms without fork and processes that run other threads (forking those
can deadlock the child) do all the work here, in the same order.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import sys
import threading
import traceback
from contextlib import contextmanager
from typing import Callable, Sequence, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

# Below this many items a fork costs more than the second core saves.
MINIMUM_ITEMS = 500


def can_fork() -> bool:
    return (sys.platform.startswith("linux") and threading.active_count() == 1
            and not multiprocessing.current_process().daemon  # which may not have children
            and len(os.sched_getaffinity(0)) > 1)


def map_items(function: Callable[[Item], Result], items: Sequence[Item]) -> list[Result]:
    """[function(item) for item in items], every second item computed in a child process when worth it.

    Alternate items, rather than halves, give both processes the same mix
    of cheap and costly items. The child's results must be picklable; an
    error in the child is raised here as a RuntimeError carrying the
    child's traceback.
    """
    with gc_paused():
        if len(items) < MINIMUM_ITEMS or not can_fork():
            return [function(item) for item in items]
        return _map_in_two(function, items)


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


def _map_in_two(function: Callable[[Item], Result], items: Sequence[Item]) -> list[Result]:
    receiver, sender = multiprocessing.Pipe(duplex=False)
    child = multiprocessing.get_context("fork").Process(
        target=_run_child, args=(function, items[1::2], sender), daemon=True)
    child.start()
    sender.close()  # the child holds the only sending end, so its death ends the pipe
    try:
        mine = [function(item) for item in items[0::2]]
        theirs = _receive(receiver, child)
    except BaseException:
        child.terminate()
        raise
    finally:
        receiver.close()
        child.join()
    results: list = [None] * len(items)
    results[0::2], results[1::2] = mine, theirs
    return results


def _receive(receiver, child):
    try:
        status, result = receiver.recv()
    except EOFError:
        child.join()
        raise RuntimeError(f"worker process ended without a result (exit code {child.exitcode})") from None
    if status != "ok":
        raise RuntimeError(f"worker process failed:\n{result}")
    return result


def _run_child(function: Callable[[Item], Result], items: Sequence[Item], sender) -> None:
    try:
        reply = ("ok", [function(item) for item in items])
    except BaseException:  # reported to the parent, which raises it
        reply = ("error", traceback.format_exc())
    sender.send(reply)
    sender.close()
