"""Bring the Japanese translation source up to date with the code.

    .venv/bin/python scripts/update_translations.py          # rewrite the .ts
    .venv/bin/python scripts/update_translations.py --check  # exit 1 if it is out of date

It rewrites ``resources/translations/mailsentry_ja.ts``; ``make translations`` then
builds the ``.qm`` the app loads. Translate new entries (``type="unfinished"``) in Qt
Linguist (``pyside6-linguist``) or in a text editor, then run this again: it is
idempotent, and the tests refuse unfinished entries.

Why more than ``pyside6-lupdate``: lupdate finds the ``self.tr("…")`` calls in
``app/ui`` (context = class name), but

- it does not look inside f-strings (``f"<h1>{self.tr('Welcome')}</h1>"``), so an
  ``ast`` pass adds the calls it missed;
- much of what users read is data translated at run time with
  ``QCoreApplication.translate(context, text)``, which no source scanner can see. These
  contexts are generated here from the data itself: "Detectors" (each detector's
  summary and explanation), "Settings" (each setting's description and choices),
  "Providers" (the notes in ``providers.toml``), "Verdict" (the verdict reasons of
  ``app.core.verdict``) and "Severity" (the finding severities).

Existing translations are kept. A text that is no longer in the code is dropped (like
lupdate's ``-no-obsolete``); when a generated text changes (a detector's docstring is
reworded), its old translation is carried over marked unfinished, for the translator
to revise. lupdate reads this project's ``#:`` attribute comments as translator
comments and pins them to the next ``tr()``; those misleading comments are dropped.
"""

from __future__ import annotations

import argparse
import ast
import copy
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TS = ROOT / "resources" / "translations" / "mailsentry_ja.ts"
UI = ROOT / "app" / "ui"
VERDICT = ROOT / "app" / "core" / "verdict.py"
#: Contexts built from data, not found by lupdate.
GENERATED = ("Detectors", "Settings", "Providers", "Verdict", "Severity")

Key = tuple[str, str, str]  # context, source, disambiguation comment


# -- the messages the code has ---------------------------------------------------------
def tool(name: str) -> str:
    """A Qt tool from this venv (beside the running python), else from PATH."""
    beside = Path(sys.executable).with_name(name)
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} not found: run this with .venv/bin/python")
    return found


def ui_files() -> list[Path]:
    return sorted(UI.glob("*.py"))


def tr_calls(paths: Iterable[Path]) -> list[tuple[str, str, str, bool]]:
    """Every ``self.tr("literal", …)`` as (class, source, comment, numerus), in source
    order, including those inside f-strings."""
    found: list[tuple[str, str, str, bool]] = []

    def visit(node: ast.AST, cls: str | None) -> None:
        if isinstance(node, ast.ClassDef):
            cls = node.name
        if (
            cls is not None
            and isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "tr"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "self"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            comment = node.args[1] if len(node.args) > 1 else None
            text = comment.value if isinstance(comment, ast.Constant) else ""
            found.append((cls, node.args[0].value, str(text or ""), len(node.args) > 2))
        for child in ast.iter_child_nodes(node):
            visit(child, cls)

    for path in paths:
        visit(ast.parse(path.read_text(encoding="utf-8"), str(path)), None)
    return found


def verdict_reasons() -> list[tuple[str, str]]:
    """(function, sentence) for each reason ``app.core.verdict`` appends in its
    ``*_reasons`` functions (read from the source: they are literals, not data)."""
    reasons: list[tuple[str, str]] = []
    tree = ast.parse(VERDICT.read_text(encoding="utf-8"))
    for function in tree.body:
        if not (isinstance(function, ast.FunctionDef) and function.name.endswith("_reasons")):
            continue
        for node in ast.walk(function):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "append"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                reasons.append((function.name, node.args[0].value))
    return reasons


def data_messages() -> dict[str, list[tuple[str, str]]]:
    """The generated contexts: for each, (source, note for the translator) in data
    order, each source once. The note ("summary: NULL_SENDER") says where the text is
    used; it also lets a reworded text keep its old translation as a draft."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from app.core import verdict
    from app.core.detectors import DETECTORS
    from app.core.findings import Severity
    from app.services.providers import providers
    from app.store.settings import SCHEMA

    contexts: dict[str, dict[str, tuple[str, list[str]]]] = {name: {} for name in GENERATED}

    def add(context: str, source: str, kind: str, where: str) -> None:
        _, places = contexts[context].setdefault(source, (kind, []))
        if where not in places:
            places.append(where)

    for detector in DETECTORS:
        add("Detectors", detector.summary, "summary", detector.id)
        add("Detectors", detector.explanation, "explanation", detector.id)
    for setting in SCHEMA:
        add("Settings", setting.description, "description", setting.key)
        for choice in setting.choices:
            add("Settings", choice, "choice", setting.key)
    for provider in providers():
        if provider.note:
            add("Providers", provider.note, "note", provider.name)
    for key, text in {**verdict.ALWAYS_SUSPICIOUS, **verdict.STRANGER_SUSPICIOUS}.items():
        add("Verdict", text, "reason", key)
    for function, text in verdict_reasons():
        add("Verdict", text, "reason", function)
    for severity in Severity:
        add("Severity", severity.label, "severity", severity.name)
    return {
        context: [
            (source, f"{kind}: {', '.join(places)}") for source, (kind, places) in messages.items()
        ]
        for context, messages in contexts.items()
    }


# -- reading and writing .ts files -------------------------------------------------------
def read(path: Path) -> ET.Element | None:
    return ET.parse(path).getroot() if path.exists() else None  # noqa: S314 - our own file


def key(context: ET.Element, message: ET.Element) -> Key:
    return (
        context.findtext("name") or "",
        message.findtext("source") or "",
        message.findtext("comment") or "",
    )


def translations(root: ET.Element | None) -> dict[Key, ET.Element]:
    """Each message's ``<translation>`` element, by (context, source, comment)."""
    found: dict[Key, ET.Element] = {}
    for context in [] if root is None else root.iter("context"):
        for message in context.iter("message"):
            translation = message.find("translation")
            if translation is not None:
                found[key(context, message)] = translation
    return found


def by_note(root: ET.Element | None) -> dict[tuple[str, str], ET.Element | None]:
    """Generated messages' translations by (context, note); None where a note is not
    unique (then nothing is carried over)."""
    found: dict[tuple[str, str], ET.Element | None] = {}
    for context in [] if root is None else root.iter("context"):
        name = context.findtext("name") or ""
        if name not in GENERATED:
            continue
        for message in context.iter("message"):
            note = (name, message.findtext("extracomment") or "")
            found[note] = None if note in found else message.find("translation")
    return found


def lupdate(existing: Path | None, files: list[Path]) -> ET.Element:
    """Run lupdate over ``files`` on a copy of ``existing``: keeps its translations."""
    with tempfile.TemporaryDirectory() as tmp:
        ts = Path(tmp) / TS.name
        if existing is not None and existing.exists():
            shutil.copyfile(existing, ts)
        subprocess.run(
            [
                tool("pyside6-lupdate"),
                "-silent",
                "-no-obsolete",
                "-locations",
                "none",
                "-source-language",
                "en",
                "-target-language",
                "ja_JP",
                *map(str, files),
                "-ts",
                str(ts),
            ],
            check=True,
        )
        return ET.parse(ts).getroot()  # noqa: S314 - lupdate wrote it


def element(tag: str, text: str = "", **attrs: str) -> ET.Element:
    made = ET.Element(tag, attrs)
    made.text = text
    return made


def unfinished(numerus: bool) -> ET.Element:
    translation = element("translation", type="unfinished")
    if numerus:
        translation.append(element("numerusform"))
    return translation


def update(old: ET.Element | None, fresh: ET.Element) -> ET.Element:
    """``fresh`` (lupdate's result) completed with the calls lupdate missed and the
    generated contexts, translated from ``old`` where it can be."""
    kept = translations(old)
    contexts = {c.findtext("name") or "": c for c in fresh.iter("context")}
    for message in fresh.iter("message"):
        for extra in message.findall("extracomment"):
            message.remove(extra)
    for cls, source, comment, numerus in tr_calls(ui_files()):
        context = contexts.get(cls)
        if context is None:
            context = contexts[cls] = ET.Element("context")
            context.append(element("name", cls))
        if any(key(context, m) == (cls, source, comment) for m in context.iter("message")):
            continue
        message = ET.SubElement(context, "message", {"numerus": "yes"} if numerus else {})
        message.append(element("source", source))
        if comment:
            message.append(element("comment", comment))
        old_translation = kept.get((cls, source, comment))
        message.append(
            copy.deepcopy(old_translation) if old_translation is not None else unfinished(numerus)
        )
    carried = by_note(old)
    for name, messages in data_messages().items():
        context = contexts[name] = ET.Element("context")
        context.append(element("name", name))
        for source, note in messages:
            message = ET.SubElement(context, "message")
            message.append(element("source", source))
            message.append(element("extracomment", note))
            translation = kept.get((name, source, ""))
            if translation is not None:
                message.append(copy.deepcopy(translation))
                continue
            previous = carried.get((name, note))
            if previous is not None and (previous.text or "").strip():
                message.append(element("translation", previous.text or "", type="unfinished"))
            else:
                message.append(unfinished(False))
    root = ET.Element("TS", fresh.attrib)
    root.extend(contexts[name] for name in sorted(contexts))
    return root


def escape(text: str) -> str:
    """Escape as lupdate does: the file reads the same whichever tool wrote it last."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&apos;")
    )


def serialise(root: ET.Element) -> str:
    """The .ts text in lupdate's layout (4-space indent, contexts at the top level)."""
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<!DOCTYPE TS>"]

    def write(node: ET.Element, depth: int) -> None:
        pad = "    " * depth
        attrs = "".join(f' {name}="{escape(value)}"' for name, value in node.attrib.items())
        if len(node):
            lines.append(f"{pad}<{node.tag}{attrs}>")
            for child in node:
                write(child, depth + 1)
            lines.append(f"{pad}</{node.tag}>")
        else:
            lines.append(f"{pad}<{node.tag}{attrs}>{escape(node.text or '')}</{node.tag}>")

    attrs = "".join(f' {name}="{escape(value)}"' for name, value in root.attrib.items())
    lines.append(f"<TS{attrs}>")
    for context in root:
        lines.append("<context>")
        for child in context:
            write(child, 1)
        lines.append("</context>")
    lines.append("</TS>")
    return "\n".join(lines) + "\n"


def counts(root: ET.Element) -> list[tuple[str, int, int]]:
    """(context, messages, unfinished) for the summary."""
    return [
        (
            context.findtext("name") or "",
            len(context.findall("message")),
            len(context.findall("message/translation[@type='unfinished']")),
        )
        for context in root.iter("context")
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say whether it is current")
    parser.add_argument("--ts", type=Path, default=TS, help="the .ts file (default: %(default)s)")
    args = parser.parse_args(argv)
    old = read(args.ts)
    root = update(old, lupdate(args.ts, ui_files()))
    text = serialise(root)
    current = args.ts.read_text(encoding="utf-8") if args.ts.exists() else ""
    for name, total, todo in counts(root):
        print(f"{name:16} {total:4} messages" + (f", {todo} unfinished" if todo else ""))
    if args.check:
        if text != current:
            print(f"{args.ts} is out of date: run scripts/update_translations.py")
            return 1
        return 0
    if text != current:
        args.ts.parent.mkdir(parents=True, exist_ok=True)
        args.ts.write_text(text, encoding="utf-8")
        print(f"wrote {args.ts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
