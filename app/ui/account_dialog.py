"""Add a mail account: the address and password first, server settings pre-filled from
the address and editable, a connection test in plain words, and Save.

Every connection runs on the controller's worker, so a slow or silent server never
freezes the window. The password goes to the keyring (through `AccountService.add`)
and nowhere else; it is never shown in a message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from itertools import pairwise
from pathlib import Path
from typing import cast

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from app.mail.errors import (
    CertificateProblem,
    LoginFailed,
    MailError,
    ServerUnreachable,
    TLSRefused,
)
from app.services.accounts import ConnectionReport, test_connection
from app.services.providers import ServerGuess, guess
from app.store.accounts import (
    DEFAULT_PORTS,
    Account,
    AccountError,
    Protocol,
    Security,
    is_loopback,
    new_id,
)
from app.store.secrets import NoKeyring
from app.ui.controller import Controller

#: One serial worker for every account dialog: tests and saves run in the order asked.
WORKER = "account-dialog"


Answer = tuple[Account, object]  # the account used, and the job's result or exception


def attempt(account: Account, job: Callable[[], object]) -> Answer:
    """Run ``job`` and return its result or its exception: the dialog must get an
    answer either way (the controller would only report a failure to the main window)."""
    try:
        return account, job()
    except Exception as error:  # noqa: BLE001 - shown in the dialog, never lost
        return account, error


def tr_provider(text: str) -> str:
    """Provider notes come from ``providers.toml``; translated under their own context."""
    return QCoreApplication.translate("Providers", text)


class AccountDialog(QDialog):
    """Add one account. ``saved_account`` is set once it is stored."""

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.saved_account: Account | None = None
        self.guesses: list[ServerGuess] = []
        self.certificate: CertificateProblem | None = None
        self.busy = False
        self._saving = False
        self._filling = False  # set while the dialog itself fills the server fields
        self._touched: set[str] = set()  # server fields the user has changed by hand
        self.setWindowTitle(self.tr("Add a mail account"))
        self.setMinimumWidth(520)
        self._build()
        self._connect()
        self._security_changed()
        self._protocol_changed()
        self._fit()

    def _fit(self) -> None:
        """As big as the form wants, within the screen; it only ever grows, so the
        rows never shrink (beyond the screen, the form scrolls)."""
        hint = self._body.sizeHint()
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        self._scroll.setMinimumWidth(hint.width() + bar)
        height = hint.height() + self.buttons.sizeHint().height() + 40
        screen = self.screen()
        if screen is not None:
            height = min(height, int(screen.availableGeometry().height() * 0.9))
        self.resize(max(self.width(), self.sizeHint().width()), max(self.height(), height))

    # -- building ------------------------------------------------------------------
    def _build(self) -> None:
        # Everything but the buttons scrolls: a long message or the certificate's
        # details never squash the form's rows on a small screen.
        outer = QVBoxLayout(self)
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        self._build_identity(layout)
        layout.addWidget(self._build_server())
        layout.addWidget(self._build_actions())
        self.status = self._label(self.tr("Connection test result"))
        layout.addWidget(self.status)
        layout.addWidget(self._build_certificate())
        layout.addStretch(1)
        self._body = body
        self._scroll = QScrollArea(self)
        self._scroll.setWidget(body)
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer.addWidget(self._scroll, 1)
        outer.addWidget(self._build_buttons())
        chain: list[QWidget] = [
            self.address,
            self.password,
            self.suggestions,
            self.protocol,
            self.host,
            self.port,
            self.security,
            self.allow_plaintext,
            self.username,
            self.folders,
            self.quarantine,
            self.cafile,
            self.dangerous_action,
            self.suspicious_action,
            self.trust,
            self.test_button,
            self.save_button,
            self.cancel_button,
        ]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _build_identity(self, layout: QVBoxLayout) -> None:
        intro = QLabel(
            self.tr(
                "Enter your e-mail address and password. MailSentry fills in the server "
                "settings for well-known providers and guesses them for others; check them, "
                "then test the connection."
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        top = QFormLayout()
        self.address = self._line(self.tr("E-mail address"), "you@example.org")
        self.password = self._line(self.tr("Password"))
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        top.addRow(self.tr("E-&mail address:"), self.address)
        top.addRow(self.tr("&Password:"), self.password)
        layout.addLayout(top)

        self.provider_note = self._label(self.tr("About this provider"))
        self.provider_note.hide()
        layout.addWidget(self.provider_note)

    def _build_server(self) -> QGroupBox:
        self.server_box = QGroupBox(self.tr("Server settings"), self)
        form = QFormLayout(self.server_box)
        self.suggestions = self._combo(self.tr("Suggested servers"))
        self.protocol = self._combo(self.tr("Protocol"))
        self.protocol.addItem(self.tr("IMAP (recommended: can quarantine on the server)"), "imap")
        self.protocol.addItem(self.tr("POP3"), "pop3")
        self.host = self._line(self.tr("Server"), "imap.example.org")
        self.port = QSpinBox(self.server_box)
        self.port.setRange(1, 65535)
        self.port.setValue(993)
        self.port.setAccessibleName(self.tr("Port"))
        self.security = self._combo(self.tr("Security"))
        self.security.addItem(self.tr("SSL/TLS"), "tls")
        self.security.addItem(self.tr("STARTTLS"), "starttls")
        self.security.addItem(self.tr("None (unencrypted)"), "plain")
        self.allow_plaintext = QCheckBox(
            self.tr("&Allow sending my password unencrypted to this server"), self.server_box
        )
        self.allow_plaintext.setAccessibleName(self.tr("Allow unencrypted password"))
        self.username = self._line(self.tr("User name"))
        self.folders = self._line(self.tr("Folders to check"), "INBOX")
        self.folders.setText("INBOX")
        self.folders.setToolTip(self.tr("IMAP folders to check, separated by commas."))
        self.quarantine = self._line(self.tr("Quarantine folder"))
        self.quarantine.setText("Quarantine")
        self.quarantine.setToolTip(
            self.tr("The IMAP folder dangerous mail is moved to; created when first needed.")
        )
        self.cafile = self._line(self.tr("Extra CA certificates file"), self.tr("optional"))
        self.cafile.setToolTip(
            self.tr(
                "A file of CA certificates to trust for this server as well as the system's "
                "(for a company's own certificate authority)."
            )
        )
        form.addRow(self.tr("Su&ggested servers:"), self.suggestions)
        form.addRow(self.tr("Protoco&l:"), self.protocol)
        form.addRow(self.tr("Ser&ver:"), self.host)
        form.addRow(self.tr("P&ort:"), self.port)
        form.addRow(self.tr("S&ecurity:"), self.security)
        form.addRow("", self.allow_plaintext)
        form.addRow(self.tr("User &name:"), self.username)
        form.addRow(self.tr("&Folders to check:"), self.folders)
        form.addRow(self.tr("&Quarantine folder:"), self.quarantine)
        form.addRow(self.tr("Extra &CA certificates:"), self.cafile)
        return self.server_box

    def _build_actions(self) -> QGroupBox:
        self.actions_box = QGroupBox(self.tr("What to do with flagged mail in this account"), self)
        actions = QFormLayout(self.actions_box)
        self.dangerous_action = self._action_combo(self.tr("Dangerous mail"))
        self.suspicious_action = self._action_combo(self.tr("Suspicious mail"))
        actions.addRow(self.tr("&Dangerous mail:"), self.dangerous_action)
        actions.addRow(self.tr("Suspicious ma&il:"), self.suspicious_action)
        return self.actions_box

    def _build_certificate(self) -> QGroupBox:
        self.certificate_box = QGroupBox(self.tr("The server's certificate"), self)
        cert_layout = QVBoxLayout(self.certificate_box)
        self.certificate_details = self._label(self.tr("Certificate details"))
        self.certificate_details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.certificate_details.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.trust = QCheckBox(
            self.tr("T&rust this certificate for this account"), self.certificate_box
        )
        self.trust.setAccessibleName(self.tr("Trust this certificate for this account"))
        self.trust.setToolTip(
            self.tr(
                "Only this exact certificate (by its fingerprint) is trusted, and only for "
                "this account. Compare the fingerprint with what your provider publishes."
            )
        )
        cert_layout.addWidget(self.certificate_details)
        cert_layout.addWidget(self.trust)
        self.certificate_box.hide()
        return self.certificate_box

    def _build_buttons(self) -> QDialogButtonBox:
        self.buttons = QDialogButtonBox(self)
        self.test_button = QPushButton(self.tr("&Test connection"), self)
        self.test_button.setAccessibleName(self.tr("Test connection"))
        self.save_button = QPushButton(self.tr("&Save"), self)
        self.save_button.setAccessibleName(self.tr("Save account"))
        self.save_button.setDefault(True)
        self.buttons.addButton(self.test_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setAccessibleName(self.tr("Cancel"))
        return self.buttons

    def _line(self, name: str, placeholder: str = "") -> QLineEdit:
        line = QLineEdit(self)
        line.setAccessibleName(name)
        line.setPlaceholderText(placeholder)
        return line

    def _combo(self, name: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setAccessibleName(name)
        return combo

    def _label(self, name: str) -> QLabel:
        """Text from servers and files is shown as plain text, never as rich text."""
        label = QLabel(self)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setAccessibleName(name)
        return label

    def _action_combo(self, name: str) -> QComboBox:
        combo = self._combo(name)
        combo.addItem(self.tr("As in Settings"), "")
        combo.addItem(self.tr("Move to the quarantine folder"), "quarantine")
        combo.addItem(self.tr("Delete from the server (a local copy is kept)"), "delete")
        combo.addItem(self.tr("Only mark it"), "mark")
        combo.addItem(self.tr("Leave it alone"), "leave")
        return combo

    def _connect(self) -> None:
        self.address.textChanged.connect(self._address_changed)
        self.suggestions.activated.connect(
            lambda index: self._apply(self.guesses[index], force=True)
        )
        self.protocol.activated.connect(lambda _: self._protocol_chosen())
        self.protocol.currentIndexChanged.connect(lambda _: self._protocol_changed())
        self.security.activated.connect(lambda _: self._security_chosen())
        self.security.currentIndexChanged.connect(lambda _: self._security_changed())
        self.host.textEdited.connect(self._host_edited)
        self.username.textEdited.connect(lambda _: self._touched.add("username"))
        self.port.valueChanged.connect(lambda _: self._port_changed())
        for signal in (self.host.textChanged, self.cafile.textChanged):
            signal.connect(lambda _: self._forget_certificate())
        self.trust.toggled.connect(self._trust_toggled)
        self.test_button.clicked.connect(self.test_connection)
        self.save_button.clicked.connect(self.save)
        self.buttons.rejected.connect(self.reject)

    # -- pre-filling from the address ------------------------------------------------
    def _address_changed(self, text: str) -> None:
        self.guesses = guess(text)
        self.suggestions.clear()
        for item in self.guesses:
            self.suggestions.addItem(self._describe_guess(item))
        first = self.guesses[0] if self.guesses else None
        if first is not None and first.provider:
            note = f"{first.provider}: {tr_provider(first.note)}" if first.note else ""
            self.provider_note.setText(note)
            self.provider_note.setVisible(bool(note))
        else:
            self.provider_note.hide()
        # A protocol the user chose stays: fill from the first suggestion for it.
        chosen = self.protocol.currentData() if "protocol" in self._touched else None
        best = next((g for g in self.guesses if chosen in (None, g.protocol)), None)
        if best is not None:
            self._apply(best)

    def _describe_guess(self, item: ServerGuess) -> str:
        security = {"tls": self.tr("SSL/TLS"), "starttls": self.tr("STARTTLS")}.get(
            item.security, item.security
        )
        where = f"{item.host}:{item.port} ({item.protocol.upper()}, {security})"
        if item.known:
            return self.tr("{0}, published by {1}").format(where, item.provider)
        return self.tr("{0}, a guess").format(where)

    def _apply(self, item: ServerGuess, *, force: bool = False) -> None:
        """Fill the server fields from ``item``, except those the user typed in
        (``force``: the user picked this suggestion, so fill everything)."""
        if force:
            self._touched -= {"protocol", "host", "port", "security"}
        self._filling = True
        try:
            if "protocol" not in self._touched:
                self.protocol.setCurrentIndex(self.protocol.findData(item.protocol))
            if "host" not in self._touched:
                self.host.setText(item.host)
            if "security" not in self._touched:
                self.security.setCurrentIndex(self.security.findData(item.security))
            if "port" not in self._touched:
                self.port.setValue(item.port)
            if "username" not in self._touched:
                self.username.setText(item.username)
        finally:
            self._filling = False
        index = self.guesses.index(item) if item in self.guesses else -1
        self.suggestions.setCurrentIndex(index)

    def _protocol_chosen(self) -> None:
        """The user picked a protocol: use the first suggestion for it, if any."""
        self._touched.add("protocol")
        chosen = self.protocol.currentData()
        match = next((g for g in self.guesses if g.protocol == chosen), None)
        if match is not None:
            self._apply(match)
        else:
            self._default_port()

    def _security_chosen(self) -> None:
        self._touched.add("security")
        self._default_port()

    def _default_port(self) -> None:
        """A port the user did not type follows the protocol and security."""
        if "port" in self._touched:
            return
        self._filling = True
        try:
            self.port.setValue(
                DEFAULT_PORTS[(self.protocol.currentData(), self.security.currentData())]
            )
        finally:
            self._filling = False

    def _host_edited(self) -> None:
        """A server typed by hand is no longer the suggestion shown above it."""
        self._touched.add("host")
        self.suggestions.setCurrentIndex(-1)

    def _port_changed(self) -> None:
        if not self._filling:
            self._touched.add("port")
        self._forget_certificate()

    def _protocol_changed(self) -> None:
        imap = self.protocol.currentData() == "imap"
        self.folders.setEnabled(imap)
        self.quarantine.setEnabled(imap)
        self._forget_certificate()

    def _security_changed(self) -> None:
        plain = self.security.currentData() == "plain"
        self.allow_plaintext.setVisible(plain)
        if not plain:
            self.allow_plaintext.setChecked(False)
        self._forget_certificate()

    # -- the account -------------------------------------------------------------------
    def account(self) -> Account:
        """The account as the fields describe it (raises `AccountError` in plain words)."""
        host = self.host.text().strip()
        username = self.username.text().strip()
        protocol = cast(Protocol, self.protocol.currentData())
        security = cast(Security, self.security.currentData())
        if not host:
            raise AccountError(self.tr("Enter the server name (for example imap.example.org)."))
        if not username:
            raise AccountError(self.tr("Enter the user name the server expects."))
        if security == "plain" and not is_loopback(host) and not self.allow_plaintext.isChecked():
            raise AccountError(
                self.tr(
                    "With no encryption, {0} would receive your password as readable text. "
                    'Choose SSL/TLS or STARTTLS, or tick "Allow sending my password '
                    'unencrypted" if you accept that.'
                ).format(host)
            )
        cafile = self.cafile.text().strip()
        if cafile and not Path(cafile).is_file():
            raise AccountError(
                self.tr("The extra CA certificates file {0} does not exist.").format(cafile)
            )
        folders = tuple(f.strip() for f in self.folders.text().split(",") if f.strip())
        actions = {
            verdict: combo.currentData()
            for verdict, combo in (
                ("dangerous", self.dangerous_action),
                ("suspicious", self.suspicious_action),
            )
            if combo.currentData()
        }
        account = Account(
            id="new",
            protocol=protocol,
            host=host,
            port=self.port.value(),
            security=security,
            username=username,
            address=self.address.text().strip(),
            folders=folders or ("INBOX",),
            quarantine=self.quarantine.text().strip() or "Quarantine",
            allow_plaintext=security == "plain" and self.allow_plaintext.isChecked(),
            pinned_sha256=self._pinned(),
            cafile=cafile,
            actions=actions,
            first_scan="ask",  # what the first check would move is told first
        )
        account.check()
        return account

    def _pinned(self) -> str:
        if self.certificate is not None and self.trust.isChecked():
            return self.certificate.fingerprint
        return ""

    # -- test and save -------------------------------------------------------------------
    def _ready(self) -> tuple[Account, str] | None:
        """The account and password to use, or None after saying what is missing."""
        try:
            account = self.account()
        except AccountError as error:
            self._show(str(error), ok=False)
            return None
        password = self.password.text()
        if not password:
            self._show(self.tr("Enter the password first."), ok=False)
            self.password.setFocus()
            return None
        return account, password

    def test_connection(self) -> None:
        """Connect and log in on the worker; the answer appears in the dialog."""
        ready = self._ready()
        if ready is None:
            return
        account, password = ready
        self._set_busy(True, self.tr("Testing the connection to {0}…").format(account.host))
        self.controller.run(
            WORKER,
            lambda: attempt(account, lambda: test_connection(account, password)),
            self._tested,
        )

    def _tested(self, answer: Answer) -> None:
        account, outcome = answer
        self._set_busy(False)
        if isinstance(outcome, ConnectionReport):
            self._show(self._connected(account, outcome), ok=True)
        elif isinstance(outcome, BaseException):
            self._show_problem(outcome, account)

    def _connected(self, account: Account, report: ConnectionReport) -> str:
        if account.protocol == "pop3":
            return self.tr("Connected: %n message(s) on the server.", "", report.messages)
        return self.tr("Connected: %n message(s) in INBOX.", "", report.messages)

    def save(self) -> None:
        """Test, then store the account and put the password in the keyring (on the
        worker); the dialog closes when both are done."""
        ready = self._ready()
        if ready is None:
            return
        account, password = ready
        account = replace(account, id=new_id(account.protocol, account.username, account.host))
        self._saving = True
        self._set_busy(True, self.tr("Testing the connection and saving the account…"))
        accounts = self.controller.accounts
        self.controller.run(
            WORKER, lambda: attempt(account, lambda: accounts.add(account, password)), self._saved
        )

    def _saved(self, answer: Answer) -> None:
        account, outcome = answer
        self._saving = False
        self._set_busy(False)
        if isinstance(outcome, BaseException):
            self._show_problem(outcome, account)
            return
        self.saved_account = account
        self.controller.records_changed.emit()
        if not self.controller.paused:
            self.controller.start_watching()  # ends the old watch, watches every account
        self.accept()

    def reject(self) -> None:
        """Cancel is refused while saving: the worker would store the account anyway."""
        if not self._saving:
            super().reject()

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self.busy = busy
        for button in (self.test_button, self.save_button):
            button.setEnabled(not busy)
        self.cancel_button.setEnabled(not self._saving)
        if text:
            self._show(text, ok=None)

    # -- what happened, in plain words ---------------------------------------------------
    def _show(self, text: str, *, ok: bool | None) -> None:
        colour = {True: "#1b5e20", False: "#b71c1c", None: "palette(text)"}[ok]
        self.status.setStyleSheet(f"color: {colour}")
        self.status.setText(text)
        self._fit()

    def _show_problem(self, error: BaseException, account: Account) -> None:
        self._show(self.describe(error, account), ok=False)
        if isinstance(error, CertificateProblem):
            self._show_certificate(error)

    def describe(self, error: BaseException, account: Account) -> str:
        """``error`` from using ``account``, in the user's words."""
        if isinstance(error, LoginFailed):
            return self.tr(
                "Wrong password or user name: the server refused them. Check both; some "
                "providers need an app password here instead of your usual password."
            )
        if isinstance(error, ServerUnreachable):
            text = self.tr(
                "Server not found: nothing answered at {0}, port {1}. Check the server "
                "name and port, and your network connection."
            )
            detail = f"\n({error.detail})" if error.detail else ""
            return text.format(account.host, account.port) + detail
        if isinstance(error, CertificateProblem):
            return self.tr(
                "Certificate problem: the server's certificate could not be verified "
                "({0}), so MailSentry did not send your password."
            ).format(error.reason)
        if isinstance(error, TLSRefused):
            return self.tr(
                "The server would not set up encryption as chosen ({0}). Try the other "
                "security setting, or ask your provider."
            ).format(error.detail)
        if isinstance(error, MailError):
            return error.user_message
        if isinstance(error, NoKeyring):
            return self.tr(
                "The account was not saved: MailSentry keeps passwords only in the "
                "system keyring, and no usable keyring was found. Install and unlock "
                "one (GNOME Keyring or KWallet; on Debian: apt install gnome-keyring), "
                "log in to a desktop session, then save again."
            )
        if isinstance(error, AccountError):
            return str(error)
        return self.tr("Something unexpected went wrong: {0}").format(error)

    def _show_certificate(self, problem: CertificateProblem) -> None:
        self.certificate = problem
        lines = [self.tr("Reason: {0}").format(problem.reason)]
        if problem.fingerprint:
            # Two lines of 16 bytes: the whole of it stays visible, to compare by eye.
            pairs = problem.fingerprint.split(":")
            halves = (":".join(pairs[:16]), ":".join(pairs[16:]))
            lines.append(self.tr("SHA-256 fingerprint:"))
            lines.extend(f"  {half}" for half in halves if half)
        if problem.subject:
            lines.append(self.tr("Issued to: {0}").format(problem.subject))
            lines.append(self.tr("Issued by: {0}").format(problem.issuer))
            lines.append(self.tr("Valid until: {0}").format(problem.not_after))
        self.certificate_details.setText("\n".join(lines))
        # Without a fingerprint there is nothing exact to trust.
        self.trust.setVisible(bool(problem.fingerprint))
        self.trust.setChecked(False)
        self.certificate_box.show()
        self._fit()

    def _trust_toggled(self, trusted: bool) -> None:
        if trusted:
            self._show(
                self.tr(
                    "The next test and Save will trust exactly this certificate for this account."
                ),
                ok=None,
            )

    def _forget_certificate(self) -> None:
        """A trusted certificate belongs to one server: changing it drops the trust."""
        if self.certificate is None:
            return
        self.certificate = None
        self.trust.setChecked(False)
        self.certificate_box.hide()
