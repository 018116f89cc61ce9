"""The account dialog on real widgets against the real private Dovecot and a real
Secret Service keyring: pre-filling, connection tests in plain words, certificate
trust, saving, and a GUI thread that never waits on the network."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend
from keyring.backends.fail import Keyring as FailKeyring
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from app.services import accounts
from app.services.accounts import AccountService, ConnectionReport
from app.store import paths
from app.store.accounts import Account, AccountStore
from app.store.secrets import SERVICE, SecretStore
from app.ui import account_dialog
from app.ui.account_dialog import AccountDialog
from app.ui.controller import Controller
from tests.servers.dovecot import MailUser, PrivateDovecot, free_loopback_ports
from tests.servers.proxy import FaultProxy
from tests.servers.tlsca import CertVariant

RESULT_TIMEOUT_MS = 20_000

# The offscreen platform says so when a dialog is shown; nothing is wrong.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")


def make_dialog(qtbot: QtBot, controller: Controller) -> AccountDialog:
    dialog = AccountDialog(controller)
    qtbot.addWidget(dialog)
    return dialog


def choose(combo_owner: AccountDialog, name: str, data: str) -> None:
    """Pick an item as the keyboard would: by the combo's ``activated`` signal."""
    combo = getattr(combo_owner, name)
    index = combo.findData(data)
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def retype(qtbot: QtBot, line: QLineEdit, text: str) -> None:
    line.clear()
    qtbot.keyClicks(line, text)


def fill(
    qtbot: QtBot,
    dialog: AccountDialog,
    user: MailUser,
    port: int,
    *,
    security: str = "plain",
    cafile: str = "",
    password: str | None = None,
) -> None:
    """Type the address, then correct the guessed server fields to the private Dovecot."""
    qtbot.keyClicks(dialog.address, f"{user.name}@example.test")
    retype(qtbot, dialog.host, "127.0.0.1")
    choose(dialog, "security", security)
    dialog.port.setValue(port)
    retype(qtbot, dialog.username, user.name)
    dialog.cafile.setText(cafile)
    dialog.password.setText(user.password if password is None else password)


def run_test(qtbot: QtBot, dialog: AccountDialog) -> str:
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert dialog.busy and not dialog.test_button.isEnabled()
    assert not dialog.save_button.isEnabled()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=RESULT_TIMEOUT_MS)
    assert dialog.test_button.isEnabled() and dialog.save_button.isEnabled()
    return dialog.status.text()


# -- pre-filling -------------------------------------------------------------------------


def test_typing_a_gmail_address_fills_the_server_fields(qtbot: QtBot, controller: Controller
                                                        ) -> None:
    dialog = make_dialog(qtbot, controller)
    qtbot.keyClicks(dialog.address, "alice@gmail.com")
    assert dialog.protocol.currentData() == "imap"
    assert dialog.host.text() == "imap.gmail.com"
    assert dialog.port.value() == 993
    assert dialog.security.currentData() == "tls"
    assert dialog.username.text() == "alice@gmail.com"
    assert "app password" in dialog.provider_note.text()
    assert not dialog.provider_note.isHidden()
    assert dialog.suggestions.count() == 2
    assert dialog.suggestions.currentIndex() == 0
    retype(qtbot, dialog.host, "mail.example.test")  # a server of one's own
    assert dialog.suggestions.currentIndex() == -1  # the guess no longer shows
    assert dialog.host.text() == "mail.example.test"


def test_unknown_domain_gets_a_guess_and_other_suggestions(qtbot: QtBot,
                                                          controller: Controller) -> None:
    dialog = make_dialog(qtbot, controller)
    qtbot.keyClicks(dialog.address, "bob@example.org")
    assert (dialog.host.text(), dialog.port.value(), dialog.security.currentData()) == (
        "imap.example.org", 993, "tls")
    assert dialog.provider_note.isHidden()
    texts = [dialog.suggestions.itemText(i) for i in range(dialog.suggestions.count())]
    pop = next(i for i, text in enumerate(texts) if text.startswith("pop.example.org:995"))
    assert "a guess" in texts[pop]
    dialog.suggestions.setCurrentIndex(pop)
    dialog.suggestions.activated.emit(pop)
    assert (dialog.protocol.currentData(), dialog.host.text(), dialog.port.value()) == (
        "pop3", "pop.example.org", 995)
    assert not dialog.folders.isEnabled() and not dialog.quarantine.isEnabled()


def test_fields_typed_by_hand_are_kept_and_ports_follow_security(qtbot: QtBot,
                                                                  controller: Controller
                                                                  ) -> None:
    dialog = make_dialog(qtbot, controller)
    qtbot.keyClicks(dialog.address, "bob@example.org")
    dialog.host.clear()
    qtbot.keyClicks(dialog.host, "mx.example.org")
    qtbot.keyClicks(dialog.address, "x")  # the address changes again: the host stays
    assert dialog.host.text() == "mx.example.org"
    choose(dialog, "security", "starttls")
    assert dialog.port.value() == 143
    choose(dialog, "protocol", "pop3")
    assert dialog.port.value() == 995  # the first POP3 suggestion, with its security
    assert dialog.host.text() == "mx.example.org"


def test_a_chosen_protocol_uses_the_providers_server_for_it(qtbot: QtBot, controller: Controller
                                                     ) -> None:
    dialog = make_dialog(qtbot, controller)
    qtbot.keyClicks(dialog.address, "alice@gmail.com")
    choose(dialog, "protocol", "pop3")
    assert (dialog.host.text(), dialog.port.value()) == ("pop.gmail.com", 995)
    dialog.address.setText("alice@yahoo.com")  # the chosen protocol stays
    assert (dialog.protocol.currentData(), dialog.host.text()) == (
        "pop3", "pop.mail.yahoo.com")


def test_plaintext_to_a_remote_server_needs_explicit_permission(qtbot: QtBot,
                                                                controller: Controller
                                                                ) -> None:
    dialog = make_dialog(qtbot, controller)
    qtbot.keyClicks(dialog.address, "bob@example.org")
    dialog.password.setText("secret")
    assert dialog.allow_plaintext.isHidden()
    choose(dialog, "security", "plain")
    assert not dialog.allow_plaintext.isHidden()
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert not dialog.busy  # refused before anything was sent
    assert "unencrypted" in dialog.status.text()
    assert "imap.example.org" in dialog.status.text()
    dialog.allow_plaintext.setChecked(True)
    assert dialog.account().allow_plaintext


def test_a_missing_ca_file_is_named(qtbot: QtBot, controller: Controller, tmp_path: Path
                                    ) -> None:
    dialog = make_dialog(qtbot, controller)
    qtbot.keyClicks(dialog.address, "bob@example.org")
    dialog.password.setText("secret")
    dialog.cafile.setText(str(tmp_path / "missing.pem"))
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert not dialog.busy
    assert dialog.status.text() == (
        f"The extra CA certificates file {tmp_path / 'missing.pem'} does not exist.")


def test_controls_have_names_and_a_sensible_tab_order(qtbot: QtBot, controller: Controller
                                                      ) -> None:
    dialog = make_dialog(qtbot, controller)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    dialog.address.setFocus()
    qtbot.waitUntil(dialog.address.hasFocus)
    order: list[QWidget] = []
    for _ in range(16):
        widget = QApplication.focusWidget()
        assert widget is not None
        order.append(widget)
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
    expected = [dialog.address, dialog.password, dialog.suggestions, dialog.protocol,
                dialog.host, dialog.port, dialog.security, dialog.username, dialog.folders,
                dialog.quarantine, dialog.cafile, dialog.dangerous_action,
                dialog.suspicious_action, dialog.test_button, dialog.save_button,
                dialog.cancel_button]
    # A spin box gives the focus to its line edit.
    assert [w.parent() if w.parent() is dialog.port else w for w in order] == expected
    for widget in expected:
        assert widget.accessibleName(), widget


# -- against the real server -------------------------------------------------------------


def test_right_password_on_plaintext_loopback_connects(qtbot: QtBot, controller: Controller,
                                                       dovecot: PrivateDovecot,
                                                       mail_user: MailUser) -> None:
    dialog = make_dialog(qtbot, controller)
    fill(qtbot, dialog, mail_user, dovecot.imap_port)
    assert run_test(qtbot, dialog) == "Connected: 0 message(s) in INBOX."


def test_imaps_with_the_accounts_ca_file_connects(qtbot: QtBot, controller: Controller,
                                                  dovecot: PrivateDovecot,
                                                  mail_user: MailUser) -> None:
    dialog = make_dialog(qtbot, controller)
    fill(qtbot, dialog, mail_user, dovecot.imaps_port, security="tls",
         cafile=str(dovecot.ca_path))
    assert run_test(qtbot, dialog).startswith("Connected")


def test_pop3_connects(qtbot: QtBot, controller: Controller, dovecot: PrivateDovecot,
                       mail_user: MailUser) -> None:
    dialog = make_dialog(qtbot, controller)
    fill(qtbot, dialog, mail_user, dovecot.pop3s_port, security="tls",
         cafile=str(dovecot.ca_path))
    choose(dialog, "protocol", "pop3")  # the server fields typed in stay as they are
    assert run_test(qtbot, dialog) == "Connected: 0 message(s) on the server."


def test_wrong_password_is_reported_as_such(qtbot: QtBot, controller: Controller,
                                            dovecot: PrivateDovecot, mail_user: MailUser
                                            ) -> None:
    dialog = make_dialog(qtbot, controller)
    fill(qtbot, dialog, mail_user, dovecot.imap_port, password="not-" + mail_user.password)
    text = run_test(qtbot, dialog)
    assert text.startswith("Wrong password or user name")
    assert mail_user.password not in text


def test_closed_port_is_reported_as_server_not_found(qtbot: QtBot, controller: Controller,
                                                     mail_user: MailUser) -> None:
    dialog = make_dialog(qtbot, controller)
    (closed,) = free_loopback_ports(1)
    fill(qtbot, dialog, mail_user, closed)
    text = run_test(qtbot, dialog)
    assert text.startswith("Server not found")
    assert f"127.0.0.1, port {closed}" in text


def test_self_signed_certificate_is_shown_and_can_be_trusted(
    qtbot: QtBot, controller: Controller, dovecot: PrivateDovecot, mail_user: MailUser,
    dovecot_cert: Callable[[CertVariant], None],
) -> None:
    dovecot_cert("self_signed")
    dialog = make_dialog(qtbot, controller)
    fill(qtbot, dialog, mail_user, dovecot.imaps_port, security="tls",
         cafile=str(dovecot.ca_path))
    text = run_test(qtbot, dialog)
    assert text.startswith("Certificate problem")
    assert "self-signed" in text
    assert not dialog.certificate_box.isHidden()
    details = dialog.certificate_details.text()
    lines = details.split("SHA-256 fingerprint:\n", 1)[1].split("\n")
    shown = ":".join(line.strip() for line in lines[:2])
    assert shown.replace(":", "").lower() == dovecot.certs.variant("self_signed").sha256
    assert "Issued to: " in details and "Valid until: " in details
    assert not dialog.trust.isHidden()

    dialog.trust.setChecked(True)
    assert dialog.account().pinned_sha256 == shown
    assert run_test(qtbot, dialog).startswith("Connected")

    dialog.port.setValue(dovecot.imap_port)  # another server: the trust does not follow
    assert dialog.certificate_box.isHidden()
    assert dialog.account().pinned_sha256 == ""


def test_the_gui_thread_keeps_running_while_a_slow_server_answers(
    qtbot: QtBot, controller: Controller, mail_user: MailUser,
    fault_proxy: Callable[..., FaultProxy],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    proxy = fault_proxy(latency_s=0.15)
    threads: list[threading.Thread] = []

    def spy(account: Account, password: str) -> ConnectionReport:
        threads.append(threading.current_thread())
        return accounts.test_connection(account, password)

    monkeypatch.setattr(account_dialog, "test_connection", spy)
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(10)
    dialog = make_dialog(qtbot, controller)
    fill(qtbot, dialog, mail_user, proxy.port)
    started = time.monotonic()
    assert run_test(qtbot, dialog).startswith("Connected")
    took = time.monotonic() - started
    timer.stop()
    assert threads and threads[0] is not threading.main_thread()
    assert took > 0.5  # the server really was slow…
    gaps = [b - a for a, b in pairwise(ticks)]
    assert max(gaps) < 0.25  # …and the GUI thread never waited for it


# -- saving ------------------------------------------------------------------------------


def test_save_stores_the_account_and_the_password_only_in_the_keyring(
    qtbot: QtBot, secret_keyring: KeyringBackend, controller: Controller,
    dovecot: PrivateDovecot, mail_user: MailUser,
) -> None:
    dialog = make_dialog(qtbot, controller)
    dialog.show()
    fill(qtbot, dialog, mail_user, dovecot.imap_port)
    choose(dialog, "dangerous_action", "delete")
    with qtbot.waitSignal(controller.records_changed, timeout=RESULT_TIMEOUT_MS):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        assert not dialog.cancel_button.isEnabled()
        dialog.reject()  # Escape while saving: refused, the save goes on
        assert dialog.isVisible()
    assert dialog.saved_account is not None
    assert not dialog.isVisible()

    home = Path(paths.config_dir()).parent
    stored = AccountStore(paths.config_dir() / "accounts.json").load()
    assert [a.id for a in stored] == [dialog.saved_account.id]
    account = stored[0]
    assert (account.host, account.port, account.username, account.security) == (
        "127.0.0.1", dovecot.imap_port, mail_user.name, "plain")
    assert account.address == f"{mail_user.name}@example.test"
    assert account.actions == {"dangerous": "delete"}
    assert secret_keyring.get_password(SERVICE, account.id) == mail_user.password
    files = [p for p in home.rglob("*") if p.is_file()]
    assert files
    for path in files:
        assert mail_user.password.encode() not in path.read_bytes(), path


def test_no_keyring_is_said_plainly_and_nothing_is_saved(qtbot: QtBot, controller: Controller,
                                                         dovecot: PrivateDovecot,
                                                         mail_user: MailUser) -> None:
    controller.accounts = AccountService(controller.accounts.store,
                                         lambda: SecretStore(FailKeyring()))
    dialog = make_dialog(qtbot, controller)
    fill(qtbot, dialog, mail_user, dovecot.imap_port)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=RESULT_TIMEOUT_MS)
    text = dialog.status.text()
    assert text.startswith("The account was not saved")
    assert "keyring" in text
    assert dialog.saved_account is None
    assert controller.accounts.store.load() == []
