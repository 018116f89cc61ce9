"""Where the shipped data files live (``resources/`` beside the ``app`` package)."""

from __future__ import annotations

import os
from pathlib import Path

RESOURCES = Path(
    os.environ.get("MAILSENTRY_RESOURCES", Path(__file__).resolve().parent.parent / "resources")
)


def resource(*names: str) -> Path:
    return RESOURCES.joinpath(*names)
