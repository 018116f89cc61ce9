"""Qt-free orchestration shared by the command line and the desktop app."""
