"""The windowed program ``mailsentry-gui`` of a frozen build: the desktop app."""

import sys

from app.ui.app import run

raise SystemExit(run(sys.argv))
