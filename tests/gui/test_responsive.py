"""The GUI thread never waits on the network: while an account is scanned through a
slow link, the event loop keeps turning."""

import gc
import time
from pathlib import Path

from PySide6.QtCore import QTimer

from app.store.accounts import Account
from app.ui.main_window import MainWindow

CORPUS = Path(__file__).parents[1] / "corpus" / "messages"


def test_event_loop_keeps_turning_while_a_slow_server_is_scanned(
    qtbot, controller, dovecot, fault_proxy, monkeypatch
):
    user = dovecot.new_user()
    messages = [p.read_bytes() for p in sorted(CORPUS.glob("*.eml")) if p.stat().st_size][:60]
    dovecot.append_many(user.name, user.password, "INBOX", messages)
    slow = fault_proxy(latency_s=0.04, bandwidth_bps=2_000_000, hide_capabilities=())
    account = Account(id="slow", protocol="imap", host="127.0.0.1", port=slow.port,
                      security="plain", username=user.name)
    controller.accounts.store.add(account)
    # The keyring is not what this test is about; the documented fallback feeds it.
    monkeypatch.setenv("MAILSENTRY_PASSWORD", user.password)
    window = MainWindow(controller)
    qtbot.addWidget(window)

    # The whole test session's objects (corpora, 100,000-row models, Hypothesis) would
    # make a full garbage collection in the GUI thread take far longer than in the app:
    # set them aside so the measurement is of the app's own work.
    gc.collect()
    gc.freeze()
    gaps = []
    last = [time.monotonic()]

    def tick():
        now = time.monotonic()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    timer.start()
    started = time.monotonic()
    with qtbot.waitSignal(controller.scan_finished, timeout=60_000):
        controller.check_now()
    timer.stop()
    gc.unfreeze()
    took = time.monotonic() - started
    assert len(controller.state.messages()) == len(messages)
    assert took > 0.3  # the link really was slow
    print(f"scan took {took:.2f} s; longest event-loop gap {max(gaps) * 1000:.0f} ms")
    assert max(gaps) <= 0.05
