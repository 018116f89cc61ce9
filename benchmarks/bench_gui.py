"""How long the message table takes to show 100,000 judged messages (offscreen Qt).

    .venv/bin/python benchmarks/bench_gui.py [--rows N]

Prints the time to hand the records to the model, to sort them by date and to paint
the first screen, and how many rows the view asked for. Goal: load ≤ 1 s.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTableView

from app.store.state import MessageRecord
from app.ui.message_model import MessageFilter, MessageModel


class CountingModel(MessageModel):
    """Counts the rows the view asks to display: only visible ones should be."""

    rows_asked: set[int]

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]
        if role == Qt.ItemDataRole.DisplayRole:
            self.rows_asked.add(index.row())
        return super().data(index, role)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    rows = parser.parse_args().rows
    app = QApplication([sys.argv[0]])
    verdicts = ("clean",) * 17 + ("suspicious", "dangerous", "clean")
    records = [
        MessageRecord(
            "acct",
            "INBOX",
            f"imap://u@h/INBOX;UID={i}",
            verdicts[i % 20],
            float(i % 7),
            uid=i,
            sender=f"sender{i % 500}@example.org",
            subject=f"Message number {i}",
            date=f"Mon, {1 + i % 28} Jan 2024 10:{i % 60:02d}:00 +0900",
            attachments=("report.pdf",) * (i % 2),
        )
        for i in range(rows)
    ]
    model = CountingModel()
    model.rows_asked = set()
    proxy = MessageFilter()
    proxy.setSourceModel(model)
    view = QTableView()
    view.resize(1000, 700)
    view.setModel(proxy)
    view.setSortingEnabled(True)
    view.show()
    app.processEvents()

    started = time.perf_counter()
    model.set_records(records, {"acct": "me@example.org"})
    loaded = time.perf_counter()
    view.sortByColumn(MessageModel.COLUMNS.index("date"), Qt.SortOrder.DescendingOrder)
    sorted_at = time.perf_counter()
    view.viewport().repaint()
    app.processEvents()
    painted = time.perf_counter()

    total = painted - started
    print(
        f"{rows} rows: model {loaded - started:.3f} s, sort by date "
        f"{sorted_at - loaded:.3f} s, first paint {painted - sorted_at:.3f} s, "
        f"total {total:.3f} s"
    )
    print(f"rows asked for display: {len(model.rows_asked)} of {rows}")
    print(f"goal: load <= 1 s: {'PASS' if total <= 1 else 'FAIL'}")
    return 0 if total <= 1 else 1


if __name__ == "__main__":
    raise SystemExit(main())
