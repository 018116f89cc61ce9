"""Imports run one way: core → mail and store → services → ui. The model of where each
message is lives in ``app.store``, below the mail adapters that keep it up to date, so
nothing in ``app.mail`` or ``app.store`` may reach up into ``app.services`` or
``app.ui`` (not even inside a function)."""

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "app"
BELOW = ("mail", "store")
ABOVE = ("app.services", "app.ui")


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_mail_and_store_never_import_services_or_ui():
    files = [p for layer in BELOW for p in sorted((APP / layer).rglob("*.py"))]
    assert len(files) > 10  # the walk found the packages
    upward = {
        str(path.relative_to(APP.parent)): sorted(
            n for n in imported(path) if n.startswith(ABOVE)
        )
        for path in files
    }
    assert {k: v for k, v in upward.items() if v} == {}


def test_the_check_sees_an_upward_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from app.services.records import message_record\n")
    assert "app.services.records" in imported(bad)
