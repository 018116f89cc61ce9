"""Icons from the SVG files in ``resources/icons`` (crisp at any DPI)."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon

from app.resources import resource


@cache
def icon(name: str) -> QIcon:
    return QIcon(str(resource("icons", f"{name}.svg")))
