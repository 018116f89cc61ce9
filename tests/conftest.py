"""Test-wide setup: Qt runs offscreen, and the real-server fixtures are available."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

pytest_plugins = ["tests.servers.conftest_plugin"]
