"""The settings dialog, generated from the one declared schema (`app.store.settings.SCHEMA`).

Each setting gets the widget its type calls for, labelled with its description, in a
tab for its section (the part of the key before the dot). A setting added to the schema
appears here with no other change. OK saves through `SettingsStore.save`, which checks
every value; a refused value is named and nothing is saved.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.store.settings import BY_KEY, SCHEMA, Setting, SettingsError, SettingsStore, defaults

INT_MAX = 2**31 - 1  # QSpinBox's limit; the schema only forbids negative numbers


def tr_setting(text: str) -> str:
    """Descriptions and choices are translated under the context "Settings"."""
    return QCoreApplication.translate("Settings", text)


class SettingsDialog(QDialog):
    """Edit every setting; ``widgets`` maps each schema key to its editor."""

    def __init__(self, store: SettingsStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.widgets: dict[str, QWidget] = {}
        self.setWindowTitle(self.tr("MailSentry settings"))
        self.setMinimumSize(700, 480)  # every tab's title fits
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName(self.tr("Settings sections"))
        layout.addWidget(self.tabs, 1)
        self._forms: dict[str, QFormLayout] = {}
        for setting in SCHEMA:
            self._add(setting)
        self.problem = QLabel(self)
        self.problem.setWordWrap(True)
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setStyleSheet("color: #b71c1c")
        self.problem.setAccessibleName(self.tr("Problem with the settings"))
        self.problem.hide()
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults,
            self,
        )
        restore = self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        restore.setToolTip(self.tr("Fill in the default of every setting (saved on OK)."))
        restore.clicked.connect(lambda: self.set_values(defaults().values))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.set_values(store.current.values)

    # -- building ------------------------------------------------------------------
    def _section_title(self, section: str) -> str:
        titles = {
            "extensions": self.tr("Attachment types"),
            "trust": self.tr("Trusted senders"),
            "actions": self.tr("Actions"),
            "notifications": self.tr("Notifications"),
            "watch": self.tr("Checking mail"),
            "ui": self.tr("Window"),
        }
        return titles.get(section, section.replace("_", " ").capitalize())

    def _choice_names(self) -> dict[str, str]:
        """What each choice means, in words (a choice added to the schema without a
        name here shows its translated value)."""
        return {
            "quarantine": self.tr("Move to the quarantine folder"),
            "delete": self.tr("Delete from the server (a local copy is kept)"),
            "mark": self.tr("Only mark it in MailSentry's list"),
            "leave": self.tr("Leave it alone"),
            "block-list": self.tr("Block list: flag the dangerous types on the shipped lists"),
            "allow-list": self.tr("Allow list: flag every type that is not allowed below"),
            "system": self.tr("The system's language"),
            "en": "English",
            "ja": "日本語",
        }

    def _form(self, section: str) -> QFormLayout:
        """The form of ``section``'s tab (made on first use, in schema order)."""
        if section not in self._forms:
            page = QWidget()
            form = QFormLayout(page)
            form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
            scroll = QScrollArea(self.tabs)
            scroll.setWidget(page)
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QScrollArea.Shape.NoFrame)
            self.tabs.addTab(scroll, self._section_title(section))
            self._forms[section] = form
        return self._forms[section]

    def _add(self, setting: Setting) -> None:
        description = tr_setting(setting.description)
        widget = self._editor(setting, description)
        widget.setObjectName(setting.key)
        widget.setAccessibleName(description)
        widget.setToolTip(f"{description}\n({setting.key})")
        self.widgets[setting.key] = widget
        if len(setting.choices) == 1:  # nothing to choose (clean mail is left alone)
            widget.setParent(self)
            widget.hide()
            return
        form = self._form(setting.key.partition(".")[0])
        if isinstance(widget, QCheckBox):
            form.addRow(widget)
        else:
            label = QLabel(description)
            label.setWordWrap(True)
            label.setBuddy(widget)
            form.addRow(label)  # the whole width: a label beside its field wraps narrow
            form.addRow(widget)

    def _editor(self, setting: Setting, description: str) -> QWidget:
        if setting.type is bool:
            return QCheckBox(description)
        if setting.choices:
            combo = QComboBox()
            names = self._choice_names()
            for choice in setting.choices:
                combo.addItem(names.get(choice) or tr_setting(choice), choice)
            return combo
        if setting.type is int:
            spin = QSpinBox()
            spin.setRange(0, INT_MAX)
            units = {"_seconds": self.tr(" seconds"), "_minutes": self.tr(" minutes"), "_mb": " MB"}
            for ending, unit in units.items():
                if setting.key.endswith(ending):
                    spin.setSuffix(unit)
            return spin
        if setting.type is list:
            edit = QPlainTextEdit()
            edit.setTabChangesFocus(True)  # Tab moves on, as everywhere else
            edit.setPlaceholderText(self.tr("One per line"))
            edit.setMaximumHeight(120)
            return edit
        return QLineEdit()

    # -- values ---------------------------------------------------------------------
    def set_values(self, values: Mapping[str, Any]) -> None:
        """Show ``values`` in the widgets (a missing key shows its default)."""
        for key, widget in self.widgets.items():
            value = values.get(key, BY_KEY[key].default)
            if isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
            elif isinstance(widget, QComboBox):
                widget.setCurrentIndex(max(widget.findData(value), 0))
            elif isinstance(widget, QSpinBox):
                widget.setValue(int(value))
            elif isinstance(widget, QPlainTextEdit):
                widget.setPlainText("\n".join(value))
            elif isinstance(widget, QLineEdit):
                widget.setText(str(value))

    def values(self) -> dict[str, Any]:
        """What the widgets say, typed as the schema declares."""
        values: dict[str, Any] = {}
        for key, widget in self.widgets.items():
            if isinstance(widget, QCheckBox):
                values[key] = widget.isChecked()
            elif isinstance(widget, QComboBox):
                values[key] = widget.currentData()
            elif isinstance(widget, QSpinBox):
                values[key] = widget.value()
            elif isinstance(widget, QPlainTextEdit):
                lines = (line.strip() for line in widget.toPlainText().splitlines())
                values[key] = [line for line in lines if line]
            elif isinstance(widget, QLineEdit):
                values[key] = widget.text().strip()
        return values

    # -- saving -----------------------------------------------------------------------
    def accept(self) -> None:
        """Save and close; a refused value is named, and the old settings stay."""
        try:
            self.store.save(self.values())
        except SettingsError as error:
            self._refused(error)
            return
        except OSError as error:
            self._show_problem(self.tr("The settings could not be saved: {0}").format(error))
            return
        super().accept()

    def _refused(self, error: SettingsError) -> None:
        setting = BY_KEY.get(error.key or "")
        if setting is None:
            self._show_problem(str(error))
            return
        text = self.tr("Not saved. \u201c{0}\u201d ({1}): {2}.")
        self._show_problem(
            text.format(tr_setting(setting.description).rstrip(".。"), setting.key, error.problem)
        )
        widget = self.widgets[setting.key]
        self.tabs.setCurrentIndex(list(self._forms).index(setting.key.partition(".")[0]))
        widget.setFocus()

    def _show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()
