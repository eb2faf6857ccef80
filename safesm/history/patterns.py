"""Pure: a small pattern language for the leak rules, and its three compilers.

A rule is written once as a tuple of atoms and compiled three ways: a Python regex
(the scanner, with a ``secret`` group to mask), a POSIX ERE (the zsh ``zshaddhistory``
hook and fish's ``string match -r``), and bash glob patterns for ``HISTIGNORE``. The
ERE and the Python regex match exactly the same commands. Globs have no repetition of
a character class, so a glob is broader than its rule (it may keep a few harmless
look-alikes out of bash history), with one exception: where a rule allows a run of
blanks before a value, its globs take exactly one (a ``*`` there would swallow the
exemptions that follow, like ``file://``).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Lit:
    """Literal text; ``fold`` matches letters in either case (portable: no regex flags)."""

    text: str
    fold: bool = False


@dataclass(frozen=True)
class Cls:
    """One character from a bracket set. ``chars`` is portable bracket content."""

    chars: str
    negate: bool = False


@dataclass(frozen=True)
class Rep:
    """``cls`` repeated ``low``..``high`` times (``high`` None: unbounded).

    In a glob, an unbounded run becomes ``*`` (broader than the rule), unless
    ``glob_max`` caps it at that many copies (for runs of spaces before a value,
    where ``*`` would swallow the exemptions that follow).
    """

    cls: Cls
    low: int = 0
    high: int | None = None
    glob_max: int | None = None


@dataclass(frozen=True)
class Gap:
    """Any text, including none."""


@dataclass(frozen=True)
class Bol:
    """Start of the command (in globs: nothing, as every glob starts with ``*``)."""


@dataclass(frozen=True)
class Eol:
    """End of the command (in globs: nothing, as every glob ends with ``*``)."""


@dataclass(frozen=True)
class Alt:
    options: tuple[Seq, ...]


@dataclass(frozen=True)
class Star:
    """A sequence repeated zero or more times (in globs: ``*``)."""

    body: Seq


@dataclass(frozen=True)
class Secret:
    """The part of the match where the secret starts; masked and never shown."""

    body: Seq


Atom = Lit | Cls | Rep | Gap | Bol | Eol | Alt | Star | Secret
Seq = tuple[Atom, ...]

_ERE_SPECIAL = set(".[]()*+?{}|^$\\")
# Escaped with a backslash in globs: glob syntax, and what HISTIGNORE itself parses
# (':' separates patterns, '&' means the previous line, quotes would span separators).
_GLOB_SPECIAL = set("*?[]\\:&'\"")


def _ere_char(ch: str, fold: bool) -> str:
    if fold and ch.isalpha():
        return f"[{ch.upper()}{ch.lower()}]"
    if ch == "\\":
        return "[\\\\]"
    if ch in _ERE_SPECIAL:
        if ch in "^]":
            raise ValueError(f"{ch!r} is not portable in a rule literal")
        return f"[{ch}]"
    return ch


def _ere_cls(cls: Cls) -> str:
    if not cls.negate and len(cls.chars) == 1 and cls.chars not in _ERE_SPECIAL:
        return cls.chars
    return f"[{'^' if cls.negate else ''}{cls.chars}]"


def to_regex(seq: Seq, python: bool = False) -> str:
    """The ERE for the shells, or (``python=True``) the scanner's regex with a secret group."""
    out = []
    for atom in seq:
        if isinstance(atom, Lit):
            out.append("".join(_ere_char(c, atom.fold) for c in atom.text))
        elif isinstance(atom, Cls):
            out.append(_ere_cls(atom))
        elif isinstance(atom, Rep):
            high = "" if atom.high is None else str(atom.high)
            quant = {(0, ""): "*", (1, ""): "+"}.get((atom.low, high), f"{{{atom.low},{high}}}")
            if atom.low == atom.high:
                quant = f"{{{atom.low}}}"
            out.append(_ere_cls(atom.cls) + quant)
        elif isinstance(atom, Gap):
            out.append(".*")
        elif isinstance(atom, Bol):
            out.append("^")
        elif isinstance(atom, Eol):
            out.append("$")
        elif isinstance(atom, Alt):
            opts = "|".join(to_regex(o, python) for o in atom.options)
            out.append(f"(?:{opts})" if python else f"({opts})")
        elif isinstance(atom, Star):
            out.append(f"(?:{to_regex(atom.body, python)})*" if python
                       else f"({to_regex(atom.body)})*")
        elif isinstance(atom, Secret):
            body = to_regex(atom.body, python)
            out.append(f"(?P<secret>{body})" if python else f"({body})")
    return "".join(out)


def _glob_cls(cls: Cls) -> str:
    if not cls.negate and len(cls.chars) == 1:
        return _glob_char(cls.chars, fold=False)
    chars = re.sub(r"([&:'\"])", r"\\\1", cls.chars)  # HISTIGNORE specials, see above
    return f"[{'!' if cls.negate else ''}{chars}]"


def _glob_char(ch: str, fold: bool) -> str:
    if fold and ch.isalpha():
        return f"[{ch.upper()}{ch.lower()}]"
    return "\\" + ch if ch in _GLOB_SPECIAL else ch


def _glob_parts(atom: Atom) -> list[str]:
    """The glob alternatives for one atom (a list: globs have no alternation)."""
    if isinstance(atom, Lit):
        return ["".join(_glob_char(c, atom.fold) for c in atom.text)]
    if isinstance(atom, Cls):
        return [_glob_cls(atom)]
    if isinstance(atom, Rep):
        top = atom.high if atom.glob_max is None else atom.glob_max
        if top is not None and top - atom.low <= 2:
            return [_glob_cls(atom.cls) * n for n in range(atom.low, top + 1)]
        return [_glob_cls(atom.cls) * atom.low + "*"]
    if isinstance(atom, (Gap, Star)):
        return ["*"]
    if isinstance(atom, (Bol, Eol)):
        return [""]
    if isinstance(atom, Alt):
        return [g for option in atom.options for g in to_globs(option, wrap=False)]
    return to_globs(atom.body, wrap=False)  # Secret


def is_boundary(atom: Atom) -> bool:
    """An Alt with a start- or end-of-command option; only ever at a rule's edges."""
    return isinstance(atom, Alt) and any(o[:1] in ((Bol(),), (Eol(),)) for o in atom.options)


def to_globs(seq: Seq, wrap: bool = True) -> list[str]:
    """Bash glob patterns that together match (at least) what the regex matches.

    A boundary at either end of a rule is dropped: the glob's own ``*`` covers it.
    """
    if wrap and seq and is_boundary(seq[0]):
        seq = seq[1:]
    if wrap and seq and is_boundary(seq[-1]):
        seq = seq[:-1]
    globs = ["".join(p) for p in itertools.product(*(_glob_parts(a) for a in seq))]
    if wrap:
        globs = [re.sub(r"(?<!\\)\*{2,}", "*", f"*{g}*") for g in globs]
    return list(dict.fromkeys(globs))
