"""Questions several detectors ask about one attachment: what it really is."""

from __future__ import annotations

from app.core import magic, names
from app.core.extensions import ExtensionPolicy, Tier
from app.core.facts import Part

_TIER_ORDER: dict[Tier, int] = {"block": 3, "warn": 2, "macro": 1}


def shown_name(part: Part) -> str:
    """The name a person would see, hidden characters escaped; the path if nameless."""
    return names.escape(part.names[0]) if part.names else f"(unnamed part {part.path})"


def name_tier(part: Part, policy: ExtensionPolicy) -> tuple[Tier, str] | None:
    """The most dangerous tier among every extension every name of the part has."""
    best: tuple[Tier, str] | None = None
    for name in part.names:
        for ext in names.extensions_of(name):
            tier = policy.tier(ext)
            if tier and (best is None or _TIER_ORDER[tier] > _TIER_ORDER[best[0]]):
                best = (tier, ext)
    return best


def is_executable(part: Part, policy: ExtensionPolicy) -> bool:
    """Named, declared or built as a program (block tier, or program bytes)."""
    tier = name_tier(part, policy)
    return (
        (tier is not None and tier[0] == "block")
        or magic.is_executable(part.head)
        or part.content_type in magic.EXECUTABLE_TYPES
    )


def archive_executables(part: Part, policy: ExtensionPolicy) -> list[str]:
    """Members of an archive or container part that are programs: named as block-tier
    programs, or (where the reader saw their bytes) built as one."""
    if part.archive is None:
        return []
    out: list[str] = []
    for member in part.archive.members:
        if member.endswith("/"):
            continue
        if any(policy.tier(ext) == "block" for ext in _member_extensions(member)):
            out.append(member)
    return out + [f"{m} (a program by its content)" for m in part.archive.programs if m not in out]


def names_inside(part: Part) -> list[tuple[str, str]]:
    """Every name a person may see for this part: its own names, then the names of the
    files its archive holds, each with the words that say where it is (``""`` for the
    part's own name, ``"x.zip holds "`` for a member)."""
    out = [(name, "") for name in part.names]
    if part.archive is not None:
        where = f"{shown_name(part)} holds "
        out += [(member, where) for member in part.archive.members]
    return out


def _member_extensions(member: str) -> tuple[str, ...]:
    """`names.extensions_of`, quickly for the plain names most members have (printable
    ASCII without escapes, streams or CLSIDs): an archive may list 20,000 of them."""
    if member.isascii() and member.isprintable() and not any(c in member for c in "%:{"):
        base = names.basename(member)
        found = (names.extension(base.rstrip(" .")), names.extension(base))
        return tuple(dict.fromkeys(e for e in found if e))
    return names.extensions_of(member)
