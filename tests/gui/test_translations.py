"""The Japanese translation: complete, in step with the code, and really on screen.

A user-visible string added without a translation fails here. To fix it, run
``.venv/bin/python scripts/update_translations.py``, translate the new entries of
``resources/translations/mailsentry_ja.ts`` and run the script again.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QTranslator
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from app.core import verdict
from app.core.detectors import BY_ID, DETECTORS
from app.core.findings import Severity
from app.resources import resource
from app.services.providers import providers
from app.services.scan import scan_paths
from app.store.records import message_record
from app.store.settings import SCHEMA, defaults
from app.store.state import MessageRecord
from app.ui import app as ui_app
from app.ui.account_dialog import AccountDialog
from app.ui.controller import Controller
from app.ui.main_window import MainWindow
from app.ui.risk_panel import RiskPanel
from app.ui.settings_dialog import SettingsDialog
from app.ui.tray import Tray

# Offscreen-only complaints (see test_tray.py): nothing is wrong.
pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (raise|propagateSizeHints)\(\)",
    r"No such signal QPlatformNativeInterface::systemTrayWindowChanged",
)

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "translations" / "mailsentry_ja.ts"
SCRIPT = ROOT / "scripts" / "update_translations.py"
BIN = Path(sys.executable).parent
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%n")
MNEMONIC = re.compile(r"&[^&\s]")
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
#: Code-like tokens (file names, extensions, addresses, U+202E, W32.Hybris) that a
#: translation must keep exactly as they are.
TOKEN = re.compile(r"(?<![\w.])\.?\w+(?:[.@+][\w{}\-]+)+|(?<![\w.])\.[A-Za-z]{2,4}\b")
TERMS = ("Return-Path", "MAIL FROM:<>", "HELO", "OAuth", "INBOX", "SHA-256")
#: Sources whose Japanese is the same text (names and protocol names).
SAME_IN_JAPANESE = {"POP3", "SSL/TLS", "STARTTLS", "en", "MailSentry: {0}"}
#: The one sample whose verdict needs every part of the risk panel.
HYBRIS = "hybris_2001_eudora.eml"


@dataclass(frozen=True)
class Message:
    context: str
    source: str
    comment: str
    kind: str  # the translation's type: "" when finished
    texts: tuple[str, ...]  # the translation, or its numerus forms


def read_ts(path: Path) -> list[Message]:
    messages = []
    root = ET.parse(path).getroot()  # noqa: S314 - our own file
    for context in root.iter("context"):
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None, message.findtext("source")
            forms = translation.findall("numerusform")
            texts = [f.text or "" for f in forms] if forms else [translation.text or ""]
            messages.append(
                Message(
                    context.findtext("name") or "",
                    message.findtext("source") or "",
                    message.findtext("comment") or "",
                    translation.get("type", ""),
                    tuple(texts),
                )
            )
    return messages


MESSAGES = read_ts(TS)
KNOWN = {(m.context, m.source, m.comment) for m in MESSAGES}


def ja(context: str, source: str) -> str:
    """The committed translation: what a widget must show."""
    return next(m.texts[0] for m in MESSAGES if (m.context, m.source) == (context, source))


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("update_translations", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- (a) the .ts is complete ------------------------------------------------------------
def test_every_message_is_translated():
    problems = [
        f"{m.context}: {m.source!r}"
        for m in MESSAGES
        if m.kind or not all(text.strip() for text in m.texts)
    ]
    assert not problems, "unfinished or empty translations:\n" + "\n".join(problems)


def test_translations_keep_placeholders_mnemonics_and_technical_words():
    problems = []
    for m in MESSAGES:
        for text in m.texts:
            if Counter(PLACEHOLDER.findall(m.source)) != Counter(PLACEHOLDER.findall(text)):
                problems.append(f"placeholders differ: {m.source!r} -> {text!r}")
            if len(MNEMONIC.findall(m.source)) != len(MNEMONIC.findall(text)):
                problems.append(f"mnemonic lost or added: {m.source!r} -> {text!r}")
            words = [t for t in TERMS if t in m.source] + TOKEN.findall(m.source)
            problems += [f"{w!r} missing: {m.source!r} -> {text!r}" for w in words if w not in text]
            if not JAPANESE.search(text) and m.source not in SAME_IN_JAPANESE:
                problems.append(f"not Japanese: {m.source!r} -> {text!r}")
    assert not problems, "\n".join(problems)


# -- (b) every string of the code is in the .ts ------------------------------------------
def test_everything_lupdate_finds_is_in_the_ts(tmp_path):
    fresh = tmp_path / "fresh_ja.ts"
    subprocess.run(
        [
            BIN / "pyside6-lupdate",
            "-silent",
            *sorted((ROOT / "app" / "ui").glob("*.py")),
            "-ts",
            fresh,
        ],
        check=True,
    )
    found = {(m.context, m.source, m.comment) for m in read_ts(fresh)}
    assert len(found) > 150
    assert not found - KNOWN, "run scripts/update_translations.py"


def test_every_tr_call_is_in_the_ts_including_those_in_f_strings():
    """lupdate does not read inside f-strings; the script's ast pass does."""
    calls = {
        (cls, source, comment)
        for cls, source, comment, _ in load_script().tr_calls(
            sorted((ROOT / "app" / "ui").glob("*.py"))
        )
    }
    assert ("MainWindow", "Welcome to MailSentry", "") in calls  # inside an f-string
    assert not calls - KNOWN, "run scripts/update_translations.py"


def test_every_data_string_is_in_the_ts():
    """The texts translated at run time under a fixed context, read from the data."""
    wanted = {("Detectors", d.summary) for d in DETECTORS}
    wanted |= {("Detectors", d.explanation) for d in DETECTORS}
    wanted |= {("Settings", s.description) for s in SCHEMA}
    wanted |= {("Settings", choice) for s in SCHEMA for choice in s.choices}
    wanted |= {("Providers", p.note) for p in providers() if p.note}
    wanted |= {("Verdict", text) for text in verdict.ALWAYS_SUSPICIOUS.values()}
    wanted |= {("Verdict", text) for text in verdict.STRANGER_SUSPICIOUS.values()}
    wanted |= {("Verdict", text) for _, text in load_script().verdict_reasons()}
    wanted |= {("Severity", s.label) for s in Severity}
    missing = {
        (context, source) for context, source in wanted if (context, source, "") not in KNOWN
    }
    assert not missing, "run scripts/update_translations.py"


def test_every_reason_the_corpus_gets_is_in_the_ts():
    """A check on the script's reading of app.core.verdict: real verdicts' reasons."""
    reasons = {
        reason
        for result in scan_paths(
            [resource("samples"), ROOT / "tests" / "corpus" / "messages"], defaults().rules()
        )
        if result.verdict is not None
        for reason in result.verdict.reasons
    }
    assert len(reasons) > 10
    assert not {r for r in reasons if ("Verdict", r, "") not in KNOWN}


# -- (c) the widgets show Japanese --------------------------------------------------------
@pytest.fixture(scope="module")
def qm_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The .qm built here from the .ts, as `make translations` would."""
    out = tmp_path_factory.mktemp("resources")
    (out / "translations").mkdir()
    subprocess.run(
        [BIN / "pyside6-lrelease", "-silent", TS, "-qm", out / "translations" / "mailsentry_ja.qm"],
        check=True,
    )
    return out


@pytest.fixture
def japanese(qapp, qm_dir, monkeypatch):
    """Japanese installed the way the app does it, removed afterwards."""
    monkeypatch.setattr(ui_app, "resource", qm_dir.joinpath)
    assert ui_app.install_translator(qapp, "en") is None
    translator = ui_app.install_translator(qapp, ui_app.language("ja"))
    assert isinstance(translator, QTranslator)
    yield translator
    qapp.removeTranslator(translator)


def hybris_record() -> MessageRecord:
    result = next(scan_paths([resource("samples", HYBRIS)], defaults().rules()))
    assert result.verdict is not None
    return message_record("demo", "INBOX", result.source, result.verdict, result.facts)


def texts(widget: QWidget, kind: type[QLabel | QPushButton | QCheckBox]) -> list[str]:
    return [child.text() for child in widget.findChildren(kind)]


def test_main_window_welcome_page_and_menus(japanese, qtbot: QtBot, controller: Controller):
    window = MainWindow(controller)
    qtbot.addWidget(window)
    welcome = window.pages.widget(0)
    labels = texts(welcome, QLabel)
    assert f"<h1>{ja('MainWindow', 'Welcome to MailSentry')}</h1>" in labels
    assert any(text.startswith("MailSentry はサーバー上のメールボックス") for text in labels)
    assert ja("MainWindow", "Open the demo mailbox") in texts(welcome, QPushButton)
    menus = [action.text() for action in window.menuBar().actions()]
    assert menus == ["メール(&M)", "メッセージ(&E)", "ヘルプ(&H)"]
    assert window.model.headerData(0, Qt.Orientation.Horizontal) == "判定"


def test_risk_panel_explains_a_dangerous_message_in_japanese(japanese, qtbot: QtBot):
    panel = RiskPanel()
    qtbot.addWidget(panel)
    record = hybris_record()
    assert record.verdict == "dangerous"
    panel.show_record(record)
    text = panel.toPlainText()
    assert text.startswith("危険: ")
    assert ja("RiskPanel", "Findings") in text
    for finding in record.findings:
        detector = BY_ID[finding["id"]]
        summary = ja("Detectors", detector.summary)
        assert summary in text
        assert ja("Detectors", detector.explanation) in text
        assert detector.summary not in text
    assert "Return-Path: <>" in text  # the evidence stays as it is


def test_risk_panel_gives_the_reasons_in_japanese(japanese, qtbot: QtBot):
    panel = RiskPanel()
    qtbot.addWidget(panel)
    record = hybris_record()
    panel.show_record(record)
    text = panel.toPlainText()
    assert record.reasons
    for reason in record.reasons:
        assert ja("Verdict", reason) in text
        assert reason not in text


def test_settings_dialog_tabs_descriptions_and_choices(japanese, qtbot: QtBot, controller):
    dialog = SettingsDialog(controller.settings)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "MailSentry の設定"
    tabs = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert tabs[0] == ja("SettingsDialog", "Attachment types")
    assert all(JAPANESE.search(tab) for tab in tabs)
    for setting in SCHEMA:
        widget = dialog.widgets[setting.key]
        assert widget.accessibleName() == ja("Settings", setting.description)
        if isinstance(widget, QComboBox):
            shown = [widget.itemText(i) for i in range(widget.count())]
            assert len(shown) == len(setting.choices)
            assert all(JAPANESE.search(text) or text == "English" for text in shown), shown
            assert not set(shown) & set(setting.choices)  # words, never raw values
    language = dialog.widgets["ui.language"]
    assert isinstance(language, QComboBox)
    assert language.itemText(language.findData("ja")) == "日本語"


def test_account_dialog_labels_and_provider_note(japanese, qtbot: QtBot, controller):
    dialog = AccountDialog(controller)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "メールアカウントの追加"
    labels = texts(dialog, QLabel)
    assert "メールアドレス(&M):" in labels
    assert "パスワード(&P):" in labels
    assert dialog.server_box.title() == ja("AccountDialog", "Server settings")
    assert dialog.test_button.text() == "接続テスト(&T)"
    assert dialog.dangerous_action.itemText(1) == "隔離フォルダーへ移動"
    dialog.address.setText("taro@gmail.com")
    gmail = next(p for p in providers() if p.name == "Gmail")
    assert dialog.provider_note.text() == f"Gmail: {ja('Providers', gmail.note)}"


def test_tray_words_and_severity(japanese, qtbot: QtBot, controller):
    window = MainWindow(controller)
    qtbot.addWidget(window)
    words = Tray(controller, window).words()
    assert words.dangerous_mail == "危険なメール"
    assert words.dangerous_many.format(n=3) == "危険なメッセージ 3 通"
    assert QCoreApplication.translate("Severity", "high") == "高"
