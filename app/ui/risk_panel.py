"""The risk panel: for one message, the verdict in a sentence, what to do, each finding
with its explanation and evidence, the attachments as they really are, and the headers.

Everything shown is escaped text built from the stored record: nothing of the message
is ever opened, rendered or saved, and no remote content is loaded.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QTextBrowser, QWidget

from app.core.detectors import BY_ID
from app.store.state import MessageRecord

_COLOUR = {"dangerous": "#b71c1c", "suspicious": "#b25e00", "clean": "#1b5e20"}


def tr_detector(text: str) -> str:
    """Detector summaries and explanations are translated under their own context."""
    return QCoreApplication.translate("Detectors", text)


class RiskPanel(QTextBrowser):
    """Read-only, link-free view of one record."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setAccessibleName(self.tr("Risk panel"))
        self._note = ""
        self._record: MessageRecord | None = None
        self.show_record(None)

    @property
    def antivirus_note(self) -> str:
        """How old the antivirus signatures are; shown under the advice."""
        return self._note

    @antivirus_note.setter
    def antivirus_note(self, note: str) -> None:
        self._note = note
        self.show_record(self._record)  # the message on screen shows the new note too

    def show_record(self, record: MessageRecord | None) -> None:
        self._record = record
        if record is None:
            hint = self.tr("Select a message to see why it was judged as it was.")
            self.setHtml(f"<p>{html.escape(hint)}</p>")
            return
        self.setHtml(self.to_html(record))

    def to_html(self, record: MessageRecord) -> str:
        e = html.escape
        colour = _COLOUR.get(record.verdict, "#000")
        parts = [
            f"<h2 style='color:{colour}'>{e(self._sentence(record.verdict))}</h2>",
            f"<p>{e(self.tr('From:'))} {e(record.sender or self.tr('(no sender)'))}<br>"
            f"{e(self.tr('Subject:'))} {e(record.subject or self.tr('(no subject)'))}<br>"
            f"{e(self.tr('Where:'))} {e(self._where(record))}</p>",
        ]
        if record.verdict != "clean":
            parts.append(
                "<p style='background:#fff3e0;padding:6px'><b>"
                + e(
                    self.tr(
                        "Do not open the attachments. Update your antivirus and scan "
                        "with it before opening anything."
                    )
                )
                + "</b>"
                + (f"<br>{e(self.antivirus_note)}" if self.antivirus_note else "")
                + "</p>"
            )
        if record.reasons:
            reasons = "; ".join(QCoreApplication.translate("Verdict", r) for r in record.reasons)
            parts.append(f"<p><b>{e(self.tr('Why:'))}</b> {e(reasons)}</p>")
        parts.append(f"<h3>{e(self.tr('Findings'))}</h3>")
        if not record.findings:
            parts.append(f"<p>{e(self.tr('Nothing unusual was found.'))}</p>")
        elif record.verdict == "clean":
            note = self.tr(
                "Noticed, but not a danger here: together they do not make this message "
                "dangerous or suspicious."
            )
            parts.append(f"<p><i>{e(note)}</i></p>")
        for finding in record.findings:
            parts.append(self._finding(finding))
        attachments = record.details.get("attachments", [])
        if attachments:
            parts.append(f"<h3>{e(self.tr('Attachments'))}</h3>")
            parts.append(self._attachments(attachments))
        headers = record.details.get("headers", [])
        if headers:
            parts.append(f"<h3>{e(self.tr('Headers'))}</h3>")
            parts.append("<pre style='white-space:pre-wrap'>" + e("\n".join(headers)) + "</pre>")
        return "".join(parts)

    def _where(self, record: MessageRecord) -> str:
        """Where the message is now, and what that means for the user's mail program."""
        if record.place == "deleted":
            return self.tr("deleted from the server; MailSentry keeps a local copy")
        if record.quarantined and record.uidl:
            return self.tr("in MailSentry's local quarantine (deleted from the POP3 server)")
        if record.quarantined:
            return self.tr("in the quarantine folder {0}, out of your mail program's way").format(
                record.folder
            )
        if record.action == "release":
            return self.tr("released back to {0}").format(record.folder)
        return self.tr("in {0}").format(record.folder)

    def _sentence(self, verdict: str) -> str:
        return {
            "dangerous": self.tr(
                "Dangerous: this message carries a program or a trick to make you run one."
            ),
            "suspicious": self.tr("Suspicious: be careful with this message's attachments."),
            "clean": self.tr("Clean: MailSentry found nothing dangerous."),
        }.get(verdict, verdict)

    def _finding(self, finding: dict[str, Any]) -> str:
        e = html.escape
        detector = BY_ID.get(str(finding.get("id")))
        summary = tr_detector(detector.summary) if detector else str(finding.get("summary"))
        explanation = tr_detector(detector.explanation) if detector else ""
        evidence = "".join(
            f"<li><code>{e(str(line))}</code></li>" for line in finding.get("evidence", [])
        )
        return (
            f"<p><b>{e(summary)}</b> <small>({e(str(finding.get('id')))}, "
            f"{e(QCoreApplication.translate('Severity', str(finding.get('severity'))))})"
            f"</small><br>{e(explanation)}</p>"
            f"<ul>{evidence}</ul>"
        )

    def _attachments(self, attachments: list[dict[str, Any]]) -> str:
        """One short block per attachment, so a narrow panel never breaks a name."""
        e = html.escape
        blocks = []
        for item in attachments:
            ext = str(item.get("real_extension") or "")
            shown, real = str(item.get("shown_name")), str(item.get("real_name"))
            facts = [
                f"{e(self.tr('Real type'))}: <b>{e('.' + ext if ext else '-')}</b>",
                f"{e(self.tr('Declared type'))}: {e(str(item.get('declared_type')))}",
                f"{e(self.tr('Content'))}: {e(str(item.get('detected_type')))}",
                f"{e(self.tr('Size'))}: {e(_size(int(item.get('size') or 0)))}",
            ]
            if real != shown:
                facts.insert(0, f"{e(self.tr('Real name'))}: <code>{e(real)}</code>")
            blocks.append(f"<p><b><code>{e(shown)}</code></b><br>" + "<br>".join(facts) + "</p>")
        return "".join(blocks)


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"
