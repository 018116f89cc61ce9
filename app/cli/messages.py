"""``mailsentry messages``, ``release``, ``undo`` and ``history``: the model of where
each message is, for scripts. The same model and the same actions as the desktop app.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from app.cli.common import EXIT_CLEAN, EXIT_ERROR, Env
from app.core.names import escape
from app.mail.errors import MailError
from app.services.actions import act_on_records, undo_last
from app.services.places import find, folder_of, listed, release_and_trust, where
from app.store.accounts import Account, AccountError
from app.store.secrets import NoKeyring
from app.store.state import JournalEntry, MessageRecord

VERDICTS = ("dangerous", "suspicious", "clean")


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    messages = sub.add_parser(
        "messages",
        help="list what MailSentry knows: where each message is now",
        description="One line per judged message: its verdict, where it is (quarantine, "
        "folder, deleted with a local copy), its last action, its IMAP URL (RFC 5092), "
        "POP3 URL or local copy, and the folder it came from.",
    )
    messages.add_argument("--account", help="account id, address or USER@HOST")
    messages.add_argument("--folder", help="a folder name, or 'local quarantine' (POP3)")
    messages.add_argument("--verdict", choices=VERDICTS)
    messages.add_argument("--format", choices=("text", "jsonl"), default="text")
    messages.add_argument(
        "--history", action="store_true", help="list the journal instead (as 'history')"
    )
    release = sub.add_parser(
        "release", help="move quarantined messages back where they came from"
    )
    release.add_argument("urls", nargs="+", metavar="URL", help="as 'mailsentry messages' lists")
    release.add_argument(
        "--trust-sender", action="store_true", help="also trust each message's sender"
    )
    undo = sub.add_parser("undo", help="reverse the last quarantine or release")
    undo.add_argument("--account", help="only this account (default: each account's last)")
    history = sub.add_parser("history", help="what was moved, when, and by what")
    history.add_argument("--account", help="account id, address or USER@HOST")
    history.add_argument("--format", choices=("text", "jsonl"), default="text")


def run(args: argparse.Namespace, env: Env) -> int:
    try:
        if args.command == "messages" and not args.history:
            return _messages(args, env)
        if args.command in ("messages", "history"):
            return _history(args, env)
        if args.command == "release":
            return _release(args, env)
        return _undo(args, env)
    except (MailError, AccountError, NoKeyring) as error:
        env.say(str(error))
        return EXIT_ERROR


def as_json(record: MessageRecord) -> dict[str, Any]:
    """One message as ``--format jsonl`` prints it."""
    return {
        "url": record.source,
        "where": where(record),
        "place": record.place,
        "account": record.account,
        "folder": folder_of(record),
        "uidvalidity": record.uidvalidity or None,
        "uid": record.uid or None,
        "uidl": record.uidl or None,
        "local_copy": record.local_copy or None,
        "verdict": record.verdict,
        "action": record.action,
        "came_from": record.origin,
        "first_url": record.first_source,
        "message_id": record.message_id,
        "sender": record.sender,
        "subject": record.subject,
        "date": record.date,
    }


def text_line(record: MessageRecord) -> str:
    """One message in one line; every field escaped (no control character reaches the
    terminal)."""
    fields = [
        record.verdict,
        record.place,
        record.action or "-",
        where(record),
        f"from {record.origin}",
        record.sender or "-",
        record.subject or "-",
    ]
    return "  ".join(escape(field) for field in fields)


def _account_id(env: Env, key: str | None) -> str | None:
    return None if key is None else env.accounts.store.get(key).id


def _messages(args: argparse.Namespace, env: Env) -> int:
    records = listed(
        env.state,
        account=_account_id(env, args.account),
        folder=args.folder,
        verdict=args.verdict,
    )
    for record in records:
        line = json.dumps(as_json(record), ensure_ascii=False)
        print(line if args.format == "jsonl" else text_line(record), file=env.out)
    return EXIT_CLEAN


def _history(args: argparse.Namespace, env: Env) -> int:
    for entry in env.state.journal(account=_account_id(env, args.account)):
        if args.format == "jsonl":
            print(json.dumps(_entry_json(entry), ensure_ascii=False), file=env.out)
        else:
            print(_entry_line(entry), file=env.out)
    return EXIT_CLEAN


def _entry_json(entry: JournalEntry) -> dict[str, Any]:
    return {
        "time": _when(entry),
        "account": entry.account,
        "kind": entry.kind,
        "state": entry.state,
        "batch": entry.batch or None,
        "from": _place(entry.src_folder, entry.src_uidvalidity, entry.src_uid, entry.uidl),
        "to": _place(entry.dst_folder, entry.dst_uidvalidity, entry.dst_uid, None)
        or entry.local_copy,
        "message_id": entry.message_id,
        "size": entry.size,
        "detail": entry.detail if entry.state != "pending" else None,
    }


def _entry_line(entry: JournalEntry) -> str:
    data = _entry_json(entry)
    fields = [
        data["time"],
        entry.account,
        f"{entry.kind} ({entry.state})",
        f"{data['from'] or '-'} -> {data['to'] or '-'}",
        entry.message_id or "-",
        data["detail"] or "",
    ]
    return "  ".join(escape(str(field)) for field in fields)


def _when(entry: JournalEntry) -> str:
    stamp = entry.finished or entry.started or 0.0
    return datetime.fromtimestamp(stamp, UTC).isoformat(timespec="seconds")


def _place(folder: str | None, validity: int | None, uid: int | None, uidl: str | None) -> str:
    if uidl:
        return f"UIDL {uidl}"
    if folder is None:
        return ""
    return f"{folder} UID {uid}" if uid else folder


def _release(args: argparse.Namespace, env: Env) -> int:
    records, unknown = find(env.state, args.urls)
    for url in unknown:
        env.say(f"{url}: no such message known ('mailsentry messages' lists them)")
    failed = bool(unknown)
    for account, mine in _by_account(env, records):
        not_there = [r for r in mine if not r.quarantined]
        for record in not_there:
            env.say(f"{record.source}: not in quarantine ({record.place}); not changed")
        chosen = [r for r in mine if r.quarantined]
        failed |= bool(not_there)
        if not chosen:
            continue
        password = env.accounts.password(account, env.prompt())  # type: ignore[arg-type]
        if args.trust_sender:
            lines = release_and_trust(
                account, password, chosen, env.state, env.copies, env.settings
            )
        else:
            lines = act_on_records(account, password, "release", chosen, env.state, env.copies)
        failed |= _print(env, lines)
    return EXIT_ERROR if failed else EXIT_CLEAN


def _undo(args: argparse.Namespace, env: Env) -> int:
    accounts = env.accounts.store.load()
    if args.account is not None:
        accounts = [env.accounts.store.get(args.account)]
    todo = [a for a in accounts if env.state.last_batch(a.id)]
    if not todo:
        env.say("nothing to undo")
        return EXIT_CLEAN
    failed = False
    for account in todo:
        password = env.accounts.password(account, env.prompt())  # type: ignore[arg-type]
        failed |= _print(env, undo_last(account, password, env.state))
    return EXIT_ERROR if failed else EXIT_CLEAN


def _by_account(
    env: Env, records: Sequence[MessageRecord]
) -> list[tuple[Account, list[MessageRecord]]]:
    grouped: dict[str, list[MessageRecord]] = {}
    for record in records:
        grouped.setdefault(record.account, []).append(record)
    return [(env.accounts.store.get(key), mine) for key, mine in grouped.items()]


def _print(env: Env, lines: Sequence[str]) -> bool:
    """Print outcome lines; whether any says nothing was changed."""
    for line in lines:
        env.show(line)
    return any(line.startswith("NOT ") for line in lines)
