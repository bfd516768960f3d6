"""Two independent parts of a build on two cores.

A build's open data (JSON, CSV, STIX, the data package) and its pages are
made from the same linked entries and do not depend on each other. Python
runs one thread at a time, so the second part runs in a forked process: the
child shares the parent's entries as they are in memory, without copying
them through a pipe, and sends back only its files.
"""
from __future__ import annotations

import multiprocessing
import traceback
from typing import Callable


class PartFailed(Exception):
    """The part run in the second process raised; the message holds its traceback."""


def both(first: Callable[[], dict], second: Callable[[], dict]) -> tuple[dict, dict]:
    """(first(), second()), with second run in a forked process where the
    system can fork, else one after the other."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return first(), second()
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_run_and_send, args=(second, send), name="kb-second-part")
    child.start()
    send.close()
    try:
        mine = first()
    except BaseException:
        child.terminate()
        child.join()
        raise
    # Received before joining: a child blocked writing a large result into a
    # full pipe would never exit.
    try:
        ok, theirs = receive.recv()
    except EOFError:
        ok, theirs = False, "it ended without a result"
    child.join()
    if not ok:
        raise PartFailed(f"the second part of the build failed (exit code {child.exitcode}): {theirs}")
    return mine, theirs


def _run_and_send(part: Callable[[], dict], send) -> None:
    try:
        result = (True, part())
    except BaseException:  # everything reaches the parent, which decides
        result = (False, traceback.format_exc())
    send.send(result)
    send.close()
