"""The extension tiers, and how a user's list mode changes them."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from typing import Literal

from app.resources import resource

Tier = Literal["block", "warn", "macro"]


@dataclass(frozen=True)
class ExtensionTiers:
    """The shipped lists (`resources/extensions.toml`), read once."""

    block: frozenset[str]
    warn: frozenset[str]
    macro: frozenset[str]
    archive: frozenset[str]
    documents: frozenset[str]


@cache
def shipped_tiers() -> ExtensionTiers:
    with resource("extensions.toml").open("rb") as handle:
        data = tomllib.load(handle)
    return ExtensionTiers(
        **{
            key: frozenset(str(v).lower() for v in data[key])
            for key in ("block", "warn", "macro", "archive", "documents")
        }
    )


@dataclass(frozen=True)
class ExtensionPolicy:
    """The tiers in force: shipped lists plus the user's additions and list mode.

    In ``allow-list`` mode every extension not on the allowed list counts as blocked:
    only listed types pass, as the forum's "whitelist" administrators asked for.
    """

    tiers: ExtensionTiers
    mode: Literal["block-list", "allow-list"] = "block-list"
    extra_block: frozenset[str] = frozenset()
    extra_warn: frozenset[str] = frozenset()
    allowed: frozenset[str] = frozenset()

    def tier(self, ext: str) -> Tier | None:
        ext = ext.lower()
        if ext == "clsid" or ext in self.tiers.block or ext in self.extra_block:
            return "block"
        if self.mode == "allow-list" and ext not in self.allowed:
            return "block"
        if ext in self.tiers.macro:
            return "macro"
        if ext in self.tiers.warn or ext in self.extra_warn:
            return "warn"
        return None

    def is_archive(self, ext: str) -> bool:
        return ext.lower() in self.tiers.archive


def default_policy() -> ExtensionPolicy:
    return ExtensionPolicy(shipped_tiers())
