"""Pure: find the entries of a history file that carry a secret, mask them, remove them.

``scan_blocks`` reads a file as a series of blocks (any split), so a large file is never
held whole. In each block, a cheap search for the texts every rule needs (``needles``:
``bytes.find`` on the block in lower case, quoting removed) picks the few entries worth
decoding; only those run the rules' regexes.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from .bash_index import BashIndex
from .formats import Entry, ParsedIndex, decode, line_numbers
from .masking import MASK, mask_text, merge, secret_spans
from .patterns import needles as needles_of
from .patterns import pcre
from .rules import RULES, RULES_BY_ID, Rule

_DEQUOTE = b"\"'\\"
_B64_RUN = b"a" * 40
_B64_TABLE = bytes(0x61 if chr(b).isalnum() or chr(b) in "+/" else 0x20 for b in range(256))


@dataclass(frozen=True)
class _Compiled:
    rule: Rule
    terms: tuple[re.Pattern[bytes], ...]
    needles: tuple[re.Pattern[bytes], ...]  # per term with needles: one of them is needed
    block_needles: tuple[bytes, ...]  # the most selective needles: searched per block
    unless: re.Pattern[bytes] | None  # a whole command the rule leaves alone
    hint: re.Pattern[bytes] | None  # the rule's hint, matched where a block needle is


@functools.cache
def _compiled() -> tuple[_Compiled, ...]:
    """Each rule's regexes, compiled on first use (shell-init needs none of them)."""
    out = []
    for rule in RULES:
        needles = tuple(tuple(n.encode() for n in ns.texts) for ns in rule.needles if ns)
        best = max(needles, key=lambda ns: min(len(n) for n in ns), default=())
        hint = needles_of(rule.hint) if rule.hint else None
        if hint:
            best = tuple(n.encode() for n in hint.texts)
        out.append(_Compiled(rule, tuple(re.compile(p.encode(), re.DOTALL) for p in rule.pcre),
                             tuple(re.compile(b"|".join(map(re.escape, ns))) for ns in needles),
                             best,
                             re.compile(rule.unless_pcre.encode()) if rule.unless else None,
                             re.compile(pcre(rule.hint).encode()) if hint else None))
    return tuple(out)


_Hinted = tuple[tuple["re.Pattern[bytes]", frozenset[int]], ...]


@functools.cache
def _needle_items() -> tuple[dict[bytes, tuple[frozenset[int], _Hinted]], frozenset[int]]:
    """For each block needle, the rules it stands for: those without a hint, and each
    hint with the rules that share it; and the rules that have no needle."""
    plain: dict[bytes, set[int]] = {}
    hinted: dict[bytes, dict[re.Pattern[bytes], set[int]]] = {}  # equal patterns: one key
    for i, item in enumerate(_compiled()):
        for needle in item.block_needles:
            if item.hint:
                hinted.setdefault(needle, {}).setdefault(item.hint, set()).add(i)
            else:
                plain.setdefault(needle, set()).add(i)
    always = frozenset(i for i, item in enumerate(_compiled()) if not item.block_needles)
    return {n: (frozenset(plain.get(n, ())),
                tuple((h, frozenset(r)) for h, r in hinted.get(n, {}).items()))
            for n in {*plain, *hinted}}, always


@dataclass(frozen=True)
class Leak:
    """Where one rule matched a command, and the spans of its secrets (decoded offsets)."""

    rule: str
    start: int
    secrets: tuple[tuple[int, int], ...]


def _folded(text: bytes) -> bytes:
    return text.lower().translate(None, _DEQUOTE)


_SECRET_CHARS = re.compile(rb"[A-Za-z0-9]")


def _masked(value: bytes) -> bool:
    """Already replaced by ``****`` (what follows it, a quote say, holds no secret)."""
    return value.startswith(MASK) and not _SECRET_CHARS.search(value, len(MASK))


def find_leaks(text: bytes, only: Iterable[int] | None = None) -> list[Leak]:
    """Every rule that matches ``text``, with every secret its last term points at.

    ``only``: the rules worth trying (indexes in ``RULES``; the others' needles are known
    to be missing). A secret already replaced by ``****`` (`history scrub --mask`) is not
    one any more.
    """
    folded = _folded(text)
    leaks = []
    compiled = _compiled()
    for item in compiled if only is None else [compiled[i] for i in sorted(only)]:
        if not all(rx.search(folded) for rx in item.needles):
            continue
        firsts = [regex.search(text) for regex in item.terms]
        if not all(firsts) or (item.unless and item.unless.match(text)):
            continue
        spans = [s for m in item.terms[-1].finditer(text)
                 for s in secret_spans(item.rule.mask, text, m)]
        spans = [(a, b) for a, b in set(spans) if not _masked(text[a:b])]
        if spans:
            start = min(m.start() for m in firsts if m)
            leaks.append(Leak(item.rule.id, start, tuple(sorted(spans))))
    return leaks


def printable(text: bytes) -> str:
    """A command fit for one terminal line: newlines as \\n, control bytes escaped."""
    decoded = text.decode("utf-8", "backslashreplace")
    return "".join(
        "\\n" if ch == "\n" else ch if ch.isprintable() or ch == "\t" else f"\\x{ord(ch):02x}"
        for ch in decoded
    )


@dataclass(frozen=True)
class Finding:
    """An entry that carries a secret. Holds offsets and the masked command, never a value."""

    shell: str
    line: int
    rules: tuple[str, ...]
    command: str  # masked, printable
    remove: tuple[tuple[int, int], ...]  # raw byte ranges that removing the entry deletes
    secrets: tuple[tuple[int, int], ...]  # raw byte ranges of the secret parts

    @property
    def in_process_listing(self) -> bool:
        return any(RULES_BY_ID[r].runs_a_process for r in self.rules)


def _removal(entry: Entry, reach: tuple[int, int]) -> tuple[tuple[int, int], ...]:
    """The whole entry; of a bash group that holds several commands, only those the leak
    touches (a session without timestamps may have appended them after a timed one)."""
    parts = entry.removable()
    touched = tuple(p for p in parts if p[0] < reach[1] and reach[0] < p[1])
    if len(touched) == len(parts) or not touched:
        return ((entry.start, entry.end),)
    return touched


@dataclass(frozen=True)
class _Wanted:
    """An entry worth decoding: its first line (0-based, in the block) and the rules whose
    needles its lines hold."""

    entry: Entry
    line: int
    rules: frozenset[int]


def _finding(data: bytes, want: _Wanted, shell: str, base: int,
             lines: int) -> Finding | None:
    entry = want.entry
    text, offsets = decode(data, entry, shell)
    leaks = find_leaks(text, want.rules | _needle_items()[1])
    if not leaks:
        return None
    spans = merge([s for leak in leaks for s in leak.secrets])
    first = min(leak.start for leak in leaks)
    raw = [(offsets[a], offsets[b]) for a, b in spans]
    reach = (offsets[first], offsets[max(b for _, b in spans)])
    return Finding(
        shell=shell,  # the line where the (first) secret is:
        line=lines + want.line + data.count(b"\n", entry.start, raw[0][0]) + 1,
        rules=tuple(leak.rule for leak in leaks),
        command=printable(mask_text(text, spans)),
        remove=tuple((a + base, b + base) for a, b in _removal(entry, reach)),
        secrets=tuple((a + base, b + base) for a, b in raw),
    )


def _hits(block: bytes) -> dict[int, frozenset[int]]:
    """Every line (0-based) where some rule could match, and those rules (by index; the
    rules without needles are always tried)."""
    folded = _folded(block)
    points: list[tuple[int, frozenset[int]]] = []
    for needle, (plain, hinted) in _needle_items()[0].items():
        pos = folded.find(needle)
        while pos >= 0:
            items = plain
            for hint, rules in hinted:
                if hint.match(folded, pos):
                    items = items | rules
            if items:
                points.append((pos, items))
            pos = folded.find(needle, pos + len(needle))
    runs, material = block.translate(_B64_TABLE), []
    pos = runs.find(_B64_RUN)
    while pos >= 0:  # a long base64 run: key material, no needle to look for
        material.append(pos)
        pos = runs.find(b" ", pos)
        pos = runs.find(_B64_RUN, pos) if pos >= 0 else -1
    points.sort(key=lambda p: p[0])
    out: dict[int, frozenset[int]] = dict.fromkeys(line_numbers(block, material), frozenset())
    for line, (_, items) in zip(line_numbers(folded, [p for p, _ in points]), points,
                                strict=True):
        out[line] = out.get(line, frozenset()) | items
    return out


def _wanted(data: bytes, shell: str, final: bool) -> tuple[list[_Wanted], int]:
    """The entries of a block that hold a needle, and how far its entries are complete."""
    index = BashIndex(data, final) if shell == "bash" else ParsedIndex(data, shell, final)
    found: dict[Entry, tuple[int, set[int]]] = {}
    for line, rules in _hits(data[:index.consumed]).items():
        if hit := index.entry_at(line):
            found.setdefault(hit[0], (hit[1], set()))[1].update(rules)
    wanted = [_Wanted(entry, first, frozenset(rules))
              for entry, (first, rules) in found.items()]
    return sorted(wanted, key=lambda w: w.entry.start), index.consumed


def scan_block(data: bytes, shell: str, final: bool, base: int = 0,
               lines: int = 0) -> tuple[list[Finding], int]:
    """Findings in one block (offsets made absolute with ``base``, line numbers with
    ``lines``), and how far its entries were complete."""
    wanted, consumed = _wanted(data, shell, final)
    found = (_finding(data, want, shell, base, lines) for want in wanted)
    return [f for f in found if f], consumed


def scan_blocks(blocks: Iterable[bytes], shell: str) -> Iterator[Finding]:
    """Findings of a file read as consecutive blocks; an entry may span blocks."""
    carry, base, lines = b"", 0, 0
    stream = iter(blocks)
    block = next(stream, None)
    while block is not None:
        following = next(stream, None)
        data, final = carry + block, following is None
        cut = len(data) if final else data.rfind(b"\n") + 1
        findings, consumed = scan_block(data[:cut], shell, final, base, lines)
        yield from findings
        lines += data.count(b"\n", 0, consumed)
        base += consumed
        carry = data[consumed:]
        block = following


def scan(data: bytes, shell: str) -> list[Finding]:
    """Every entry of a history file (bytes, in ``shell``'s format) that carries a secret."""
    return list(scan_blocks([data], shell))


def plan(findings: Sequence[Finding], mask: bool) -> list[tuple[int, int]]:
    """The raw ranges a scrub replaces (masks) or deletes, sorted, never overlapping."""
    ranges = sorted(r for f in findings for r in (f.secrets if mask else f.remove))
    out: list[tuple[int, int]] = []
    for start, stop in ranges:
        if out and start < out[-1][1]:
            continue
        out.append((start, stop))
    return out


def rewrite(blocks: Iterable[bytes], ranges: Sequence[tuple[int, int]],
            mask: bool) -> Iterator[bytes]:
    """The file's bytes (read as blocks) with ``ranges`` deleted or masked."""
    pos, todo = 0, list(ranges)
    index = 0
    for block in blocks:
        end, start = pos + len(block), pos
        out = bytearray()
        while index < len(todo) and todo[index][0] < end:
            a, b = todo[index]
            if a >= start:
                out += block[start - pos:a - pos]
                if mask:
                    out += MASK
            start = max(start, min(b, end))
            if b > end:
                break
            index += 1
        out += block[start - pos:]
        pos = end
        yield bytes(out)


def scrub(data: bytes, findings: Sequence[Finding], mask: bool = False) -> bytes:
    """``data`` without the findings' entries (or with their secrets masked); the rest as is."""
    return b"".join(rewrite([data], plan(findings, mask), mask))


ROUNDS = 5


def clean(data: bytes, shell: str, mask: bool = False) -> tuple[bytes, int]:
    """``data`` scrubbed until a scan finds nothing, and how many findings it took.

    One pass can expose another finding: a removed line regroups its neighbours in a
    plain bash file, a ``****`` next to a word makes it a word of its own. Each round
    removes or masks at least one more, so this ends (``ROUNDS`` at most).
    """
    total = 0
    for _ in range(ROUNDS):
        findings = scan(data, shell)
        if not findings:
            break
        total += len(findings)
        data = scrub(data, findings, mask)
    return data, total


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()

