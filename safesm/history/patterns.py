"""Pure: a small pattern language for the leak rules, and its two compilers.

A rule is a conjunction of terms (see ``rules``); each term is a tuple of atoms written
once and compiled two ways:

- ``pcre``: the scanner's Python ``re`` and fish's PCRE2 (``string match -r``), with a
  ``secret`` group where the secret starts;
- ``ere``: POSIX ERE for zsh's ``=~`` and bash's ``[[ =~ ]]`` (glibc, run in the C locale).

Both match exactly the same commands (a unit test compares them on the shared command
table and on random input).

Linear time, in every engine. A term never holds an unbounded "any text" gap; it starts
at an anchor (a literal, or a word start) and what follows is either bounded or a run
of a class that the next atom cannot start with, so a backtracking engine never has two
ways to split the text. ``Bound`` and line anchors may only open a term (in ERE they
consume the byte before the match).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lit:
    """Literal text. ``fold``: letters in either case (portable: no regex flags).
    ``quoted``: shell quoting may surround or split it (``"aws"``, ``a\\ws``, ``'put'``):
    up to two of ``"'\\`` before each character and after the last."""

    text: str
    fold: bool = False
    quoted: bool = False


@dataclass(frozen=True)
class Cls:
    """One character from a set (``chars`` lists them; ``a-z`` style ranges allowed)."""

    chars: str
    negate: bool = False


@dataclass(frozen=True)
class Rep:
    """``cls`` repeated ``low``..``high`` times (``high`` None: unbounded)."""

    cls: Cls
    low: int = 0
    high: int | None = None


@dataclass(frozen=True)
class Alt:
    options: tuple[Seq, ...]


@dataclass(frozen=True)
class Star:
    """A sequence repeated ``low`` to ``high`` times (``high`` None: unbounded)."""

    body: Seq
    low: int = 0
    high: int | None = None


@dataclass(frozen=True)
class Bound:
    """Start of the text, or a character not in ``chars`` before this point."""

    chars: str


@dataclass(frozen=True)
class LineStart:
    """Start of the text or of a line."""


@dataclass(frozen=True)
class End:
    """End of the text (only as an option beside a class that holds a newline)."""


@dataclass(frozen=True)
class LineEnd:
    """End of the text or of a line (the newline is part of the match in ERE)."""


@dataclass(frozen=True)
class Any:
    """Any one character, a newline too."""


@dataclass(frozen=True)
class Secret:
    """Where the secret starts (its extent is the rule's ``mask``); never shown."""

    body: Seq


Atom = Lit | Cls | Rep | Alt | Star | Bound | LineStart | End | LineEnd | Any | Secret
Seq = tuple[Atom, ...]

_SPECIAL = set(".[]()*+?{}|^$\\")
QUOTING = "\"'\\"


def expand(chars: str) -> str:
    """The characters a bracket set lists, ranges spelled out (``a-c`` -> ``abc``)."""
    out, i = [], 0
    while i < len(chars):
        if i + 2 < len(chars) and chars[i + 1] == "-":
            out += [chr(c) for c in range(ord(chars[i]), ord(chars[i + 2]) + 1)]
            i += 3
        else:
            out.append(chars[i])
            i += 1
    return "".join(dict.fromkeys(out))


def _bracket_body(chars: str, pcre: bool) -> str:
    """Portable bracket content: ranges kept, ``\\`` doubled, ``-`` last, no ``]``/``^``/``[``."""
    if any(c in chars for c in "]^["):
        raise ValueError(f"{chars!r}: ']', '^' and '[' are not portable in a bracket")
    body, dash, i = [], False, 0
    while i < len(chars):
        if i + 2 < len(chars) and chars[i + 1] == "-":
            body.append(chars[i:i + 3])
            i += 3
            continue
        if chars[i] == "-":
            dash = True
        else:
            body.append(_bracket_char(chars[i], pcre))
        i += 1
    return "".join(body) + ("-" if dash else "")


def _bracket_char(ch: str, pcre: bool) -> str:
    if ch == "\\":
        return "\\\\"  # PCRE: an escaped backslash; POSIX: a backslash, twice
    if pcre and ch in "\t\n":
        return "\\t" if ch == "\t" else "\\n"
    return ch


def _cls(cls: Cls, pcre: bool) -> str:
    chars = cls.chars
    if not cls.negate and len(chars) == 1:
        return _char(chars, pcre)
    return f"[{'^' if cls.negate else ''}{_bracket_body(chars, pcre)}]"


def _char(ch: str, pcre: bool, fold: bool = False) -> str:
    if fold and ch.isalpha() and ch.upper() != ch.lower():
        return f"[{ch.upper()}{ch.lower()}]"
    if ch == "\\":
        return "[\\\\]"  # PCRE: an escaped backslash; POSIX: a backslash, twice
    if ch == "^":
        return "\\^"
    if ch in _SPECIAL:
        return f"[{ch}]"
    if pcre and ch in "\t\n":
        return "\\t" if ch == "\t" else "\\n"
    return ch


def _lit(atom: Lit, pcre: bool) -> str:
    chars = [_char(c, pcre, atom.fold) for c in atom.text]
    if not atom.quoted:
        return "".join(chars)
    q = "[\"'\\\\]{0,2}"
    return q + q.join(chars) + q


def _group(body: str, pcre: bool) -> str:
    return f"(?:{body})" if pcre else f"({body})"


def _quant(low: int, high: int | None) -> str:
    if (low, high) == (0, None):
        return "*"
    if (low, high) == (1, None):
        return "+"
    if (low, high) == (0, 1):
        return "?"
    if low == high:
        return f"{{{low}}}"
    return f"{{{low},{'' if high is None else high}}}"


def compile_(seq: Seq, pcre: bool) -> str:
    """The regex for one term: ``pcre`` for Python and fish, else POSIX ERE."""
    out = []
    for index, atom in enumerate(seq):
        if isinstance(atom, (Bound, LineStart)) and index:
            raise ValueError("Bound and LineStart may only open a term")
        out.append(_atom(atom, pcre))
    return "".join(out)


def _atom(atom: Atom, pcre: bool) -> str:  # noqa: PLR0911 (one branch per atom kind)
    if isinstance(atom, Lit):
        return _lit(atom, pcre)
    if isinstance(atom, Cls):
        return _cls(atom, pcre)
    if isinstance(atom, Rep):
        return _cls(atom.cls, pcre) + _quant(atom.low, atom.high)
    if isinstance(atom, Alt):
        return _group("|".join(compile_(o, pcre) for o in atom.options), pcre)
    if isinstance(atom, Star):
        return _group(compile_(atom.body, pcre), pcre) + _quant(atom.low, atom.high)
    if isinstance(atom, Bound):
        body = _bracket_body(atom.chars, pcre)
        return f"(?<![{body}])" if pcre else f"(^|[^{body}])"
    if isinstance(atom, LineStart):
        return "(?<![^\\n])" if pcre else "(^|\n)"
    if isinstance(atom, LineEnd):
        return "(?![^\\n])" if pcre else "($|\n)"
    if isinstance(atom, End):
        return "$"
    if isinstance(atom, Any):
        return "."
    body = compile_(atom.body, pcre)  # Secret
    return f"(?P<secret>{body})" if pcre else f"({body})"


def pcre(seq: Seq) -> str:
    return compile_(seq, pcre=True)


def ere(seq: Seq) -> str:
    return compile_(seq, pcre=False)


@dataclass(frozen=True)
class Needles:
    """Texts one of which every match of a term contains, in lower case.

    ``quoted``: the term allows shell quoting inside them (``s\\afesm``), so they are
    only there once quotes and backslashes are removed; a text with none of those
    characters needs no such step.
    """

    texts: tuple[str, ...]
    quoted: bool


def needles(seq: Seq) -> Needles | None:
    """The needles of a term (the longest run of literal atoms), or None if it has none.

    A scanner looks for them with a plain substring search before it runs the regex.
    """
    best: Needles | None = None
    run, quoted = [""], False
    for atom in (*seq, None):
        found = _literal_texts(atom) if atom is not None else None
        if found is not None and len(run) * len(found[0]) <= 64:
            run = [a + b for a in run for b in found[0]]
            quoted = quoted or found[1]
            continue
        shortest = min(map(len, run))
        if shortest and (best is None or shortest > min(map(len, best.texts))):
            best = Needles(_minimal(run), quoted)
        run, quoted = ([""], False) if found is None else (list(found[0]), found[1])
    return best


def _literal_texts(atom: Atom) -> tuple[list[str], bool] | None:
    """The texts an atom matches, when it is a literal or a choice of literals."""
    lits = [atom] if isinstance(atom, Lit) else [o[0] for o in atom.options] if (
        isinstance(atom, Alt) and atom.options
        and all(len(o) == 1 and isinstance(o[0], Lit) for o in atom.options)) else []
    if not lits:
        return None
    texts = [x.text.lower().translate(_UNQUOTE) for x in lits if isinstance(x, Lit)]
    quoted = any(isinstance(x, Lit) and (x.quoted or set(x.text) & set(QUOTING))
                 for x in lits)
    return texts, quoted


_UNQUOTE = str.maketrans("", "", QUOTING)


def _minimal(texts: list[str]) -> tuple[str, ...]:
    """Drop a text that contains another one: finding the shorter one is enough."""
    unique = list(dict.fromkeys(texts))
    return tuple(t for t in unique if not any(o != t and o in t for o in unique))


def not_one_of(words: tuple[str, ...], stop: str) -> Alt:
    """A non-empty run of characters not in ``stop`` that is not exactly one of ``words``.

    Built as a trie: each option either leaves the trie at some node (a character no
    word continues with, then any run) or ends at a node that is not a word. The options
    never overlap, so a backtracking engine has one way to match; the caller makes sure
    the run is followed by a character in ``stop`` (or the end).
    """
    options: list[Seq] = []
    nodes = sorted({w[:i] for w in words for i in range(len(w) + 1)})
    for node in nodes:
        nexts = {w[len(node)] for w in words if w.startswith(node) and len(w) > len(node)}
        lead: Seq = (Lit(node),) if node else ()
        options.append((*lead, Cls(_as_set("".join(sorted(nexts)) + stop), negate=True),
                        Rep(Cls(stop, negate=True))))
        if node and node not in words:
            options.append(lead)
    return Alt(tuple(options))


def _as_set(chars: str) -> str:
    """Bracket text for explicit characters (a '-' goes last, so it stays literal)."""
    chars = "".join(dict.fromkeys(chars))
    return "".join(c for c in chars if c != "-") + ("-" if "-" in chars else "")
