"""The ``mailsentry`` command: scan, explain, settings.

Exit status follows ``clamscan``: 0 nothing dangerous, 1 something dangerous,
2 an error (a source or the settings file could not be read; the rest was still done).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from app import __version__
from app.core.detectors import BY_ID, DETECTORS
from app.core.findings import Level
from app.services import report
from app.services.scan import Result, scan_paths
from app.store import paths, settings

EXIT_CLEAN, EXIT_DANGEROUS, EXIT_ERROR = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mailsentry",
        description="Find dangerous mail before your mail client downloads it.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--settings",
        type=Path,
        default=None,
        help=f"settings file (default: %(default)s → {paths.settings_path()})",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    scan = sub.add_parser(
        "scan",
        help="judge messages in files and folders",
        description="Judge every message in .eml files, mbox files, "
        "Maildir folders and folders of .eml files.",
    )
    scan.add_argument("sources", nargs="+", type=Path, metavar="SOURCE")
    scan.add_argument("--format", choices=("text", "jsonl"), default="text")
    scan.add_argument(
        "--me", metavar="ADDRESS", help="your own address (senders from its domain are known)"
    )

    explain = sub.add_parser("explain", help="what a finding means and what to do")
    explain.add_argument("id", nargs="?", metavar="ID")

    conf = sub.add_parser("settings", help="check the settings file, or print defaults")
    conf.add_argument(
        "--defaults",
        action="store_true",
        help="print a settings file with every default and description",
    )
    return parser


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    try:
        return _main(argv, out, err)
    except BrokenPipeError:
        # The reader went away (``mailsentry scan … | head``): stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_ERROR


def _main(argv: Sequence[str] | None, out: TextIO | None, err: TextIO | None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    args = build_parser().parse_args(argv)
    if args.command == "explain":
        return _explain(args.id, out, err)
    store = settings.SettingsStore(args.settings or paths.settings_path())
    problem = store.reload()
    if problem is not None:
        print(f"mailsentry: settings not used: {problem}; using the defaults instead", file=err)
    if args.command == "settings":
        if args.defaults:
            out.write(settings.render(settings.defaults().values))
            return EXIT_CLEAN
        if problem is None:
            print(f"{store.path}: OK", file=out)
        return EXIT_ERROR if problem else EXIT_CLEAN
    status = _scan(args, store.current, out, err)
    return EXIT_ERROR if problem else status


def _scan(args: argparse.Namespace, current: settings.Settings, out: TextIO, err: TextIO) -> int:
    rules = current.rules(me=args.me)
    results: list[Result] = []
    for result in scan_paths(args.sources, rules):
        results.append(result)
        if result.error:
            print(f"mailsentry: {result.source}: {result.error}", file=err)
            if result.source_error:
                continue
        line = report.jsonl_line(result) if args.format == "jsonl" else report.text_block(result)
        print(line, file=out, flush=True)
    if args.format == "text":
        print(report.summary(results), file=out)
    if any(r.error for r in results):
        return EXIT_ERROR
    if any(r.verdict and r.verdict.level is Level.DANGEROUS for r in results):
        return EXIT_DANGEROUS
    return EXIT_CLEAN


def _explain(detector_id: str | None, out: TextIO, err: TextIO) -> int:
    if detector_id is None:
        width = max(len(d.id) for d in DETECTORS)
        for detector in DETECTORS:
            print(
                f"{detector.id:<{width}}  {detector.severity.label:<6}  {detector.summary}",
                file=out,
            )
        return EXIT_CLEAN
    found = BY_ID.get(detector_id.upper())
    if found is None:
        print(
            f"mailsentry: no finding is called {detector_id!r}; "
            "'mailsentry explain' lists them all",
            file=err,
        )
        return EXIT_ERROR
    print(f"{found.id} ({found.severity.label}): {found.summary}\n", file=out)
    print(found.explanation, file=out)
    return EXIT_CLEAN
