"""Large sets are checked and rendered in two processes; the results must be
exactly those of one process.
"""
from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import re
import shutil
import sys
import time
from functools import partial
from pathlib import Path

import pytest

from conftest import ABOVE_THRESHOLD, ROOT
from kb import parallel, pipeline
from kb.schema import load_schema
from kb.validate import Reference

SCHEMA = load_schema()
TODAY = dt.date(2025, 6, 1)
TEST_PROCESS = os.getpid()


def _double_with_pid(number: int) -> tuple[int, int]:
    return number * 2, os.getpid()


def _slowly_double_with_pid(number: int) -> tuple[int, int]:
    """Slow enough that this process cannot take every chunk before the child starts."""
    time.sleep(0.001)
    return _double_with_pid(number)


def _fail_in_the_child(number: int) -> int:
    time.sleep(0.001)  # so that the child gets chunks too
    if os.getpid() != TEST_PROCESS:
        raise ValueError(f"failed in the child at {number}")
    return number


def test_map_items_keeps_order_and_uses_a_second_process(forkable):
    results = parallel.map_items(_slowly_double_with_pid, list(range(ABOVE_THRESHOLD)))
    assert [value for value, _pid in results] == [n * 2 for n in range(ABOVE_THRESHOLD)]
    assert len({pid for _value, pid in results}) == 2 and os.getpid() in {pid for _value, pid in results}


def test_the_child_works_from_the_front_and_this_process_from_the_back(forkable):
    """Costly items put first go to the child, which this process need not wait for."""
    workers = [pid for _value, pid in parallel.map_items(_slowly_double_with_pid, list(range(ABOVE_THRESHOLD)))]
    child = workers[0]
    assert child != os.getpid() and workers[-1] == os.getpid()
    switch = workers.index(os.getpid())
    assert workers[:switch] == [child] * switch and workers[switch:] == [os.getpid()] * (len(workers) - switch)


class _Boxed(list):
    """A list that travels from the child as a plain one (see _BOXED_TRAVEL)."""


_BOXED_TRAVEL = {_Boxed: lambda boxed: (list, (list(boxed),))}


def _boxed_with_pid(number: int) -> _Boxed:
    time.sleep(0.001)  # so that the child gets chunks too
    return _Boxed([number, os.getpid()])


def test_results_from_the_child_travel_as_asked_and_the_others_as_they_are(forkable):
    results = parallel.map_items(_boxed_with_pid, list(range(ABOVE_THRESHOLD)), travel=_BOXED_TRAVEL)
    assert [result[0] for result in results] == list(range(ABOVE_THRESHOLD))
    made_here = {type(result) for result in results if result[1] == os.getpid()}
    made_by_child = {type(result) for result in results if result[1] != os.getpid()}
    assert made_here == {_Boxed} and made_by_child == {list}


def test_map_items_below_the_threshold_stays_in_this_process():
    results = parallel.map_items(_double_with_pid, list(range(10)))
    assert {pid for _value, pid in results} == {os.getpid()}


def test_an_error_in_the_child_is_raised_with_its_traceback(forkable):
    with pytest.raises(RuntimeError, match=r"(?s)worker process failed:\n.*ValueError: failed in the child at \d+"):
        parallel.map_items(_fail_in_the_child, list(range(ABOVE_THRESHOLD)))


def _die_in_the_child(number: int) -> int:
    time.sleep(0.001)
    if os.getpid() != TEST_PROCESS:
        os._exit(3)
    return number


def test_a_child_that_dies_is_reported_with_its_exit_code(forkable):
    with pytest.raises(RuntimeError, match=r"worker process ended without a result \(exit code 3\)"):
        parallel.map_items(_die_in_the_child, list(range(ABOVE_THRESHOLD)))


def _fail_here(number: int) -> int:
    time.sleep(0.001)
    if os.getpid() == TEST_PROCESS:
        raise ValueError(f"failed here at {number}")
    return number


def test_an_error_here_stops_the_child_and_is_raised_as_it_is(forkable):
    import multiprocessing

    with pytest.raises(ValueError, match=r"failed here at \d+"):
        parallel.map_items(_fail_here, list(range(ABOVE_THRESHOLD)))
    assert multiprocessing.active_children() == []


def _wait_for_file(path: Path) -> tuple[bool, int]:
    """Whether the file appeared within 30 seconds, and the process that waited."""
    deadline = time.monotonic() + 30
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    return path.exists(), os.getpid()


def test_in_background_works_in_a_child_while_this_process_goes_on(forkable, tmp_path):
    """The child sees what this process does after the start: it did not run before it."""
    signal = tmp_path / "went-on"
    result = parallel.in_background(partial(_wait_for_file, signal))
    signal.touch()
    seen, worker = result()
    assert seen and worker != TEST_PROCESS
    assert result() == (seen, worker)  # the same result each time, not a second run
    assert multiprocessing.active_children() == []


def test_in_background_works_here_and_at_once_when_it_cannot_fork(monkeypatch, tmp_path):
    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    done = []
    result = parallel.in_background(lambda: done.append(os.getpid()) or "value")
    assert done == [TEST_PROCESS]
    assert result() == "value" and result() == "value" and done == [TEST_PROCESS]


def _fail_in_background() -> int:
    raise ValueError("failed in the background")


def test_an_error_in_the_background_is_raised_with_its_traceback(forkable):
    result = parallel.in_background(_fail_in_background)
    for _ in range(2):  # and again when asked again, not a closed pipe's error
        with pytest.raises(RuntimeError, match=r"(?s)worker process failed:\n.*ValueError: failed in the background"):
            result()


def test_a_background_child_that_dies_is_reported_with_its_exit_code(forkable):
    result = parallel.in_background(partial(os._exit, 3))
    for _ in range(2):
        with pytest.raises(RuntimeError, match=r"worker process ended without a result \(exit code 3\)"):
            result()


def test_map_items_restores_the_cycle_collector():
    import gc

    assert gc.isenabled()
    parallel.map_items(_double_with_pid, list(range(ABOVE_THRESHOLD)))
    assert gc.isenabled()


def test_map_items_leaves_objects_frozen_by_the_program_frozen():
    import gc

    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        parallel.map_items(_double_with_pid, list(range(ABOVE_THRESHOLD)))
        # Frozen objects that die meanwhile (earlier tests' finished worker
        # processes, reaped when a new one starts) leave the count; unfreezing would empty it.
        assert frozen - 100 < gc.get_freeze_count() <= frozen
    finally:
        gc.unfreeze()


def _go_through_in_order(shared: parallel.SharedFromTheBack, function, count: int) -> list:
    """What MkDocs does with a shared conversion: each item in turn, the child's result or its own."""
    results = []
    for index in range(count):
        result = shared.claim(index)
        results.append(function(index) if result is None else result)
    return results


def test_shared_from_the_back_meets_in_the_middle(forkable):
    shared = parallel.SharedFromTheBack(_slowly_double_with_pid, range(ABOVE_THRESHOLD))
    results = _go_through_in_order(shared, _slowly_double_with_pid, ABOVE_THRESHOLD)
    shared.close()
    assert [value for value, _pid in results] == [n * 2 for n in range(ABOVE_THRESHOLD)]
    workers = [pid for _value, pid in results]
    child = workers[-1]
    assert workers[0] == TEST_PROCESS and child != TEST_PROCESS
    switch = workers.index(child)
    assert workers[switch:] == [child] * (ABOVE_THRESHOLD - switch)  # the child's part is the back
    assert shared.received_count == ABOVE_THRESHOLD - switch and shared.failure is None
    assert multiprocessing.active_children() == []


def test_shared_from_the_back_starts_no_child_below_the_minimum_or_without_fork(monkeypatch):
    small = parallel.SharedFromTheBack(_double_with_pid, range(10))
    assert [small.claim(index) for index in range(10)] == [None] * 10
    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    unforkable = parallel.SharedFromTheBack(_double_with_pid, range(ABOVE_THRESHOLD))
    assert {unforkable.claim(index) for index in range(ABOVE_THRESHOLD)} == {None}
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("function, failure", [
    (_fail_in_the_child, r"(?s)worker process failed:\n.*ValueError: failed in the child at \d+"),
    (_die_in_the_child, r"worker process ended without a result \(exit code 3\)"),
])
def test_shared_from_the_back_does_the_rest_here_when_the_child_fails(forkable, function, failure):
    shared = parallel.SharedFromTheBack(function, range(ABOVE_THRESHOLD))
    results = _go_through_in_order(shared, function, ABOVE_THRESHOLD)
    assert results == list(range(ABOVE_THRESHOLD))
    assert re.match(failure, shared.failure)
    assert multiprocessing.active_children() == []


def test_shared_from_the_back_close_stops_a_working_child(forkable):
    shared = parallel.SharedFromTheBack(_slowly_double_with_pid, range(ABOVE_THRESHOLD))
    assert shared.claim(0) is None
    shared.close()
    assert multiprocessing.active_children() == []
    assert shared.claim(ABOVE_THRESHOLD - 1) is None  # nothing left to wait for: the item is this process's


def test_gc_paused_nests_and_restores_the_cycle_collector():
    import gc

    with parallel.gc_paused():
        with parallel.gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_generate_links_and_renders_with_the_cycle_collector_paused(monkeypatch):
    import gc

    from conftest import KB_FIXTURE
    from kb import render

    result = pipeline.check(KB_FIXTURE, SCHEMA, today=TODAY)
    seen = []
    real_pages = render.Renderer.pages
    monkeypatch.setattr(render.Renderer, "pages", lambda self: seen.append(gc.isenabled()) or real_pages(self))
    pipeline.generate(result, SCHEMA, history={})
    assert seen == [False] and gc.isenabled()


def _check_and_generate(root: Path):
    from kb import export
    from kb.site import Site

    result = pipeline.check(root, SCHEMA, today=TODAY)
    if not result.ok:
        return result, {}
    graph, pages = pipeline.generate(result, SCHEMA, history={})
    # The open data files read the entries' values as the pages do.
    pages.update(export.export_files(graph, SCHEMA, pipeline.history_of(result), Site()))
    return result, pages


def _same_results(first, second):
    (result_a, pages_a), (result_b, pages_b) = first, second
    assert result_a.diagnostics == result_b.diagnostics
    assert [(e.path, e.kind.name) for e in result_a.entries] == [(e.path, e.kind.name) for e in result_b.entries]
    for entry_a, entry_b in zip(result_a.entries, result_b.entries):
        assert entry_a.data == entry_b.data
        assert entry_a.lines == entry_b.lines and entry_a.lines
    assert result_a.references == result_b.references
    assert {type(ref) for refs in result_a.references.values() for ref in refs} == {Reference}
    assert list(pages_a) == list(pages_b)
    assert pages_a == pages_b


def test_two_processes_give_the_same_check_and_pages(forkable, large_kb, monkeypatch):
    parallel_run = _check_and_generate(large_kb)
    assert parallel_run[0].ok and len(parallel_run[1]) > ABOVE_THRESHOLD
    monkeypatch.setattr(parallel, "MINIMUM_ITEMS", sys.maxsize)
    _same_results(parallel_run, _check_and_generate(large_kb))


def test_two_processes_give_the_same_diagnostics(forkable, large_kb, tmp_path, monkeypatch):
    broken = tmp_path / "broken"
    shutil.copytree(large_kb, broken)
    # Hand-written broken entries (one per error code) among the generated ones.
    for fixture in sorted((ROOT / "tests" / "bad").glob("*.yaml")):
        shutil.copy(fixture, broken / "entries" / "incidents" / fixture.name)
    parallel_run = _check_and_generate(broken)
    assert not parallel_run[0].ok
    monkeypatch.setattr(parallel, "MINIMUM_ITEMS", sys.maxsize)
    _same_results(parallel_run, _check_and_generate(broken))
