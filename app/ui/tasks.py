"""One serial worker per account, with results delivered to the GUI thread by signals.

An ``IMAPClient`` is not thread-safe, so everything an account does runs in order on
its own thread (Anki's ``ThreadPoolExecutor(max_workers=1)`` pattern); the GUI thread
never waits on the network. Results reach the GUI by queued signals only.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal


class Task(QObject):
    """The GUI-thread end of one job: emits ``succeeded`` or ``failed`` exactly once."""

    succeeded = Signal(object)
    failed = Signal(object)


class SerialWorker:
    """Runs jobs one after another on a private thread."""

    def __init__(self, name: str) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"worker-{name}")
        self.pending = 0

    def submit(
        self,
        job: Callable[[], Any],
        on_success: Callable[[Any], None],
        on_failure: Callable[[BaseException], None],
        parent: QObject,
    ) -> Task:
        """Run ``job``; the callbacks run later on the GUI thread (``parent``'s)."""
        task = Task(parent)
        task.succeeded.connect(on_success)
        task.failed.connect(on_failure)
        task.succeeded.connect(task.deleteLater)
        task.failed.connect(task.deleteLater)
        self.pending += 1

        def run() -> None:
            try:
                result = job()
            except Exception as error:  # noqa: BLE001 - reported to the GUI, never lost
                task.failed.emit(error)
            else:
                task.succeeded.emit(result)

        future: Future[None] = self._pool.submit(run)
        future.add_done_callback(lambda _: self._done())
        return task

    def _done(self) -> None:
        self.pending -= 1

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
