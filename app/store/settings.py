"""The one declared settings schema, and the TOML file that holds the user's values.

Every setting is declared once in `SCHEMA` with its type, default, allowed values and
a description; the settings file, `resources/default-settings.toml`, the CLI and the
settings dialog are all read from it. A bad file is reported with the file, the key and
what is wrong, and the last good settings stay in force.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.extensions import ExtensionPolicy, shipped_tiers
from app.core.rules import Rules
from app.store import paths

ACTIONS = ("quarantine", "delete", "mark", "leave")


@dataclass(frozen=True)
class Setting:
    """One declared setting: dotted key, Python type, default, choices, description."""

    key: str
    type: type
    default: Any
    description: str
    choices: tuple[str, ...] = ()

    def check(self, value: Any) -> str | None:
        """What is wrong with ``value`` for this setting, or None."""
        if self.type is list:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                return "must be a list of strings"
            return None
        if self.type is int and isinstance(value, bool):
            return "must be a whole number"
        if not isinstance(value, self.type):
            return f"must be a {_TYPE_WORDS[self.type]}"
        if self.choices and value not in self.choices:
            return f"must be one of {', '.join(self.choices)} (not {value!r})"
        if isinstance(value, int) and value < 0:
            return "must not be negative"
        return None


_TYPE_WORDS = {str: "text in quotes", bool: "true or false", int: "whole number"}

SCHEMA: tuple[Setting, ...] = (
    Setting(
        "extensions.mode",
        str,
        "block-list",
        "block-list: flag the dangerous types on the shipped lists. allow-list: flag "
        "every attachment type that is not on the list of allowed types.",
        ("block-list", "allow-list"),
    ),
    Setting(
        "extensions.extra_block",
        list,
        [],
        "More extensions to treat as programs (without the dot).",
    ),
    Setting(
        "extensions.extra_warn",
        list,
        [],
        "More extensions to treat as risky (suspicious from strangers).",
    ),
    Setting(
        "extensions.allowed",
        list,
        [
            "pdf",
            "txt",
            "jpg",
            "jpeg",
            "png",
            "gif",
            "docx",
            "xlsx",
            "pptx",
            "odt",
            "ods",
            "odp",
            "csv",
            "ics",
            "zip",
        ],
        "In allow-list mode, the only attachment types that pass.",
    ),
    Setting(
        "trust.senders", list, [], "Addresses you trust. Trust never makes dangerous mail safe."
    ),
    Setting("trust.domains", list, [], "Domains you trust (for example your company's)."),
    Setting(
        "trust.me",
        str,
        "",
        "Your own address, for 'same domain' trust; empty: each account's address, "
        "or the message's recipient.",
    ),
    Setting(
        "actions.dangerous",
        str,
        "quarantine",
        "What to do with dangerous mail: quarantine (move it to the quarantine folder), "
        "delete (MailSentry keeps a local copy), mark (leave it in place, flagged in "
        "MailSentry's list) or leave.",
        ACTIONS,
    ),
    Setting(
        "actions.suspicious",
        str,
        "mark",
        "What to do with suspicious mail: quarantine, delete (a local copy is kept), "
        "mark (leave it in place, flagged in MailSentry's list) or leave.",
        ACTIONS,
    ),
    Setting("actions.clean", str, "leave", "What to do with clean mail.", ("leave",)),
    Setting("actions.review_first", bool, False, "Ask before acting instead of acting at once."),
    Setting(
        "notifications.dangerous", bool, True, "Notify from the tray when dangerous mail arrives."
    ),
    Setting("notifications.suspicious", bool, False, "Notify about suspicious mail too."),
    Setting(
        "watch.poll_seconds",
        int,
        300,
        "How often to check accounts that cannot be watched live (POP3).",
    ),
    Setting(
        "watch.imap_command_seconds",
        int,
        120,
        "IMAP: a server that takes longer than this (seconds) to answer one command is cut off.",
    ),
    Setting(
        "watch.pop3_max_message_mb",
        int,
        50,
        "POP3: a message larger than this (MB) is judged suspicious without being read whole.",
    ),
    Setting(
        "watch.pop3_message_seconds",
        int,
        120,
        "POP3: a message that takes longer than this (seconds) to read is judged suspicious.",
    ),
    Setting(
        "watch.pop3_session_minutes",
        int,
        60,
        "POP3: one check stops after this many minutes; the rest waits for the next check.",
    ),
    Setting("ui.language", str, "system", "Language of the window.", ("system", "en", "ja")),
    Setting("ui.start_at_login", bool, False, "Start MailSentry when you log in."),
)
BY_KEY: dict[str, Setting] = {s.key: s for s in SCHEMA}


class SettingsError(Exception):
    """A settings file that cannot be used, with where and why."""

    def __init__(self, path: Path, key: str | None, problem: str) -> None:
        where = f"{path}" + (f", key {key}" if key else "")
        super().__init__(f"{where}: {problem}")
        self.path, self.key, self.problem = path, key, problem


@dataclass(frozen=True)
class Settings:
    """Validated values for every declared key."""

    values: Mapping[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def rules(self, me: str | None = None) -> Rules:
        """The verdict rules these settings describe (``me`` from the account)."""
        policy = ExtensionPolicy(
            shipped_tiers(),
            mode=self["extensions.mode"],
            extra_block=_exts(self["extensions.extra_block"]),
            extra_warn=_exts(self["extensions.extra_warn"]),
            allowed=_exts(self["extensions.allowed"]),
        )
        return Rules(
            policy=policy,
            trusted_senders=frozenset(s.strip().lower() for s in self["trust.senders"]),
            trusted_domains=frozenset(d.strip().lower().lstrip("@") for d in self["trust.domains"]),
            me=me or self["trust.me"] or None,
        )


def _exts(values: list[str]) -> frozenset[str]:
    return frozenset(v.strip().lower().lstrip(".") for v in values)


def defaults() -> Settings:
    return Settings({s.key: s.default for s in SCHEMA})


def parse(text: str, path: Path) -> Settings:
    """Validate TOML text against the schema: unknown keys and wrong types are errors."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(path, None, f"not valid TOML: {error}") from None
    values = {s.key: s.default for s in SCHEMA}
    for key, value in _flatten(data):
        setting = BY_KEY.get(key)
        if setting is None:
            close = [k for k in BY_KEY if k.rsplit(".", 1)[-1] == key.rsplit(".", 1)[-1]]
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise SettingsError(path, key, f"unknown setting{hint}")
        problem = setting.check(value)
        if problem:
            raise SettingsError(path, key, problem)
        values[key] = value
    for key in ("extensions.extra_block", "extensions.extra_warn", "extensions.allowed"):
        for ext in values[key]:
            if not re.fullmatch(r"\.?[A-Za-z0-9_\-]{1,30}", ext):
                raise SettingsError(path, key, f"{ext!r} is not a file extension")
    return Settings(values)


def _flatten(data: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for key, value in data.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            out.extend(_flatten(value, f"{full}."))
        else:
            out.append((full, value))
    return out


def load(path: Path) -> Settings:
    """The settings in ``path``; the defaults when the file does not exist."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return defaults()
    except (OSError, UnicodeDecodeError) as error:
        raise SettingsError(path, None, f"cannot be read: {error}") from None
    return parse(text, path)


class SettingsStore:
    """Keeps the last good settings; `reload` reports a bad file without using it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.current = defaults()
        self.error: SettingsError | None = None

    def reload(self) -> SettingsError | None:
        try:
            self.current = load(self.path)
        except SettingsError as error:
            self.error = error
            return error
        self.error = None
        return None

    def save(self, values: Mapping[str, Any]) -> None:
        """Write ``values`` (validated first) as a commented TOML file."""
        text = render(values)
        self.current = parse(text, self.path)
        paths.write_private(self.path, text)


def render(values: Mapping[str, Any]) -> str:
    """TOML text for ``values`` with each setting's description as a comment."""
    lines: list[str] = []
    section = None
    for setting in SCHEMA:
        head, _, name = setting.key.partition(".")
        if head != section:
            lines.append(f"{'' if section is None else chr(10)}[{head}]")
            section = head
        lines.append(f"# {setting.description}")
        if setting.choices:
            lines.append(f"# One of: {', '.join(setting.choices)}.")
        lines.append(f"{name} = {_toml_value(values.get(setting.key, setting.default))}")
    return "\n".join(lines) + "\n"


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
