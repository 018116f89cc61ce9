"""The console program ``mailsentry`` of a frozen build: the command line."""

from app.cli import main

raise SystemExit(main())
