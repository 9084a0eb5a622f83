"""``StoreTasks``: store calls on a background thread, results back on the GUI thread."""

from __future__ import annotations

import threading

import pytest
from pytestqt.qtbot import QtBot

from app.engine_bridge import StoreTasks
from engine.store import StoreBusyError


def test_tasks_run_in_order_off_the_gui_thread_and_report_back_on_it(qtbot: QtBot) -> None:
    tasks = StoreTasks()
    ran_on: list[int] = []
    results: list[object] = []
    errors: list[str] = []
    callback_threads: set[int] = set()

    def work(n: int) -> int:
        ran_on.append(threading.get_ident())
        if n == 2:
            raise StoreBusyError("Could not save: the history file was locked.")
        return n * 10

    def done(value: int) -> None:
        callback_threads.add(threading.get_ident())
        results.append(value)

    def failed(error: Exception) -> None:
        callback_threads.add(threading.get_ident())
        errors.append(str(error))

    for n in range(4):
        tasks.submit(lambda n=n: work(n), done, failed)
    assert tasks.busy
    qtbot.waitUntil(lambda: not tasks.busy, timeout=5000)
    assert results == [0, 10, 30]
    assert errors == ["Could not save: the history file was locked."]
    assert len(set(ran_on)) == 1 and threading.get_ident() not in ran_on
    assert callback_threads == {threading.get_ident()}
    assert tasks.close()
    with pytest.raises(RuntimeError):
        tasks.submit(lambda: None)


def test_close_runs_what_is_queued_first(qtbot: QtBot) -> None:
    tasks = StoreTasks()
    gate = threading.Event()
    ran: list[int] = []
    tasks.submit(lambda: gate.wait(5))
    for n in range(3):
        tasks.submit(lambda n=n: ran.append(n))
    gate.set()
    assert tasks.close(5000)
    assert ran == [0, 1, 2]


def test_a_bug_in_a_task_is_raised_on_the_gui_thread(qtbot: QtBot) -> None:
    tasks = StoreTasks()
    with qtbot.captureExceptions() as caught:
        tasks.submit(lambda: 1 // 0, lambda _v: None, lambda _e: None)
        qtbot.waitUntil(lambda: not tasks.busy, timeout=5000)
    assert tasks.close()
    assert len(caught) == 1 and caught[0][0] is ZeroDivisionError


def test_a_finished_job_can_be_waited_for_without_the_event_loop(qtbot: QtBot) -> None:
    import time

    from app.engine_bridge import EngineJob

    job = EngineJob(lambda: iter([1, 2]))
    job.start()
    deadline = time.monotonic() + 5
    while job.is_running() and time.monotonic() < deadline:
        time.sleep(0.01)  # the GUI thread does not process events, as when the window closes
    started = time.monotonic()
    assert job.wait(3000)
    assert time.monotonic() - started < 1.0
    qtbot.waitSignal(job.finished, timeout=1000).wait()  # then reported on the GUI thread
