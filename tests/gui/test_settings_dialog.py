"""The settings dialog, generated from the schema: one widget per setting, values that
round-trip through the settings file, and a refused value named with nothing saved."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
)
from pytestqt.qtbot import QtBot

from app.store import paths
from app.store.settings import BY_KEY, SCHEMA, Setting, Settings, SettingsStore, defaults
from app.ui import settings_dialog
from app.ui.app import judging_changed
from app.ui.settings_dialog import SettingsDialog

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")

EDITORS = {bool: QCheckBox, int: QSpinBox, list: QPlainTextEdit, str: QLineEdit}


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SettingsStore:
    monkeypatch.setenv("MAILSENTRY_HOME", str(tmp_path / "home"))
    made = SettingsStore(paths.settings_path())
    made.reload()
    return made


def make_dialog(qtbot: QtBot, store: SettingsStore) -> SettingsDialog:
    dialog = SettingsDialog(store)
    qtbot.addWidget(dialog)
    return dialog


def ok(qtbot: QtBot, dialog: SettingsDialog) -> None:
    button = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_every_setting_in_the_schema_has_a_widget(qtbot: QtBot, store: SettingsStore) -> None:
    dialog = make_dialog(qtbot, store)
    assert list(dialog.widgets) == [s.key for s in SCHEMA]
    for setting in SCHEMA:
        widget = dialog.widgets[setting.key]
        expected = QComboBox if setting.choices else EDITORS[setting.type]
        assert isinstance(widget, expected), setting.key
        assert widget.accessibleName() == setting.description
        assert setting.key in widget.toolTip()
    sections = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert sections == ["Attachment types", "Trusted senders", "Actions", "Notifications",
                        "Checking mail", "Window"]


def test_a_setting_added_to_the_schema_appears_with_no_other_change(
    qtbot: QtBot, store: SettingsStore, monkeypatch: pytest.MonkeyPatch,
) -> None:
    extra = Setting("sounds.volume", int, 3, "How loud the alert is.")
    monkeypatch.setattr(settings_dialog, "SCHEMA", (*SCHEMA, extra))
    monkeypatch.setattr(settings_dialog, "BY_KEY", {**BY_KEY, extra.key: extra})
    dialog = make_dialog(qtbot, store)
    widget = dialog.widgets["sounds.volume"]
    assert isinstance(widget, QSpinBox) and widget.value() == 3
    assert dialog.tabs.tabText(dialog.tabs.count() - 1) == "Sounds"


def test_values_round_trip_through_the_settings_file(qtbot: QtBot, store: SettingsStore
                                                     ) -> None:
    dialog = make_dialog(qtbot, store)
    assert dialog.values() == dict(defaults().values)
    w = dialog.widgets
    mode = w["extensions.mode"]
    assert isinstance(mode, QComboBox)
    mode.setCurrentIndex(mode.findData("allow-list"))
    blocked = w["extensions.extra_block"]
    assert isinstance(blocked, QPlainTextEdit)
    blocked.setPlainText("  hta\n\n.jse \n")
    senders = w["trust.senders"]
    assert isinstance(senders, QPlainTextEdit)
    senders.setPlainText("boss@example.org\nbank@example.com")
    me = w["trust.me"]
    assert isinstance(me, QLineEdit)
    qtbot.keyClicks(me, "me@example.org")
    review = w["actions.review_first"]
    assert isinstance(review, QCheckBox)
    review.click()
    poll = w["watch.poll_seconds"]
    assert isinstance(poll, QSpinBox)
    poll.setValue(90)
    language = w["ui.language"]
    assert isinstance(language, QComboBox)
    language.setCurrentIndex(language.findData("ja"))
    ok(qtbot, dialog)
    assert not dialog.isVisible()

    changed = {
        "extensions.mode": "allow-list",
        "extensions.extra_block": ["hta", ".jse"],
        "trust.senders": ["boss@example.org", "bank@example.com"],
        "trust.me": "me@example.org",
        "actions.review_first": True,
        "watch.poll_seconds": 90,
        "ui.language": "ja",
    }
    expected = {**defaults().values, **changed}
    assert dict(store.current.values) == expected
    again = SettingsStore(paths.settings_path())
    assert again.reload() is None
    assert dict(again.current.values) == expected
    assert make_dialog(qtbot, again).values() == expected


def test_a_bad_value_is_named_and_the_previous_settings_stay(qtbot: QtBot, store: SettingsStore
                                                             ) -> None:
    before = dict(store.current.values)
    dialog = make_dialog(qtbot, store)
    dialog.show()
    blocked = dialog.widgets["extensions.extra_block"]
    assert isinstance(blocked, QPlainTextEdit)
    blocked.setPlainText("hta\nnot an extension")
    dialog.tabs.setCurrentIndex(dialog.tabs.count() - 1)
    ok(qtbot, dialog)
    assert dialog.isVisible()
    text = dialog.problem.text()
    assert "extensions.extra_block" in text
    assert "'not an extension' is not a file extension" in text
    assert not dialog.problem.isHidden()
    assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == "Attachment types"
    assert dict(store.current.values) == before
    assert not paths.settings_path().exists()


def test_restore_defaults_fills_in_defaults_and_cancel_keeps_the_file(
    qtbot: QtBot, store: SettingsStore,
) -> None:
    store.save({**defaults().values, "watch.poll_seconds": 60, "trust.domains": ["corp.jp"]})
    saved = paths.settings_path().read_text(encoding="utf-8")
    dialog = make_dialog(qtbot, store)
    assert dialog.values()["trust.domains"] == ["corp.jp"]
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults),
                     Qt.MouseButton.LeftButton)
    assert dialog.values() == dict(defaults().values)
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel),
                     Qt.MouseButton.LeftButton)
    assert paths.settings_path().read_text(encoding="utf-8") == saved
    assert store.current["watch.poll_seconds"] == 60


def test_tab_moves_out_of_a_list(qtbot: QtBot, store: SettingsStore) -> None:
    dialog = make_dialog(qtbot, store)
    for setting in SCHEMA:
        widget = dialog.widgets[setting.key]
        if isinstance(widget, QPlainTextEdit):
            assert widget.tabChangesFocus(), setting.key


def test_choices_are_shown_in_words(qtbot: QtBot, store: SettingsStore) -> None:
    dialog = make_dialog(qtbot, store)
    for setting in SCHEMA:
        widget = dialog.widgets[setting.key]
        if isinstance(widget, QComboBox) and len(setting.choices) > 1:
            shown = {widget.itemText(i) for i in range(widget.count())}
            assert not shown & set(setting.choices), shown  # never the raw value
    assert dialog.widgets["actions.clean"].isHidden()  # one choice: nothing to decide
    assert dialog.widgets["watch.poll_seconds"].suffix().strip() == "seconds"
    assert dialog.widgets["watch.pop3_session_minutes"].suffix().strip() == "minutes"
    assert dialog.widgets["watch.pop3_max_message_mb"].suffix().strip() == "MB"


def test_only_trust_and_attachment_settings_call_for_judging_again() -> None:
    before = defaults()
    for key, value, changed in (
        ("trust.senders", ["a@b.example"], True),
        ("extensions.mode", "allow-list", True),
        ("notifications.suspicious", True, False),
        ("ui.language", "ja", False),
    ):
        after = Settings({**before.values, key: value})
        assert judging_changed(before, after) is changed, key
