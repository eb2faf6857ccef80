"""Pure: find the entries of a history file that carry a secret, mask them, remove them."""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .formats import PARSERS, Entry, decode
from .patterns import Gap, Seq, is_boundary, to_regex
from .rules import RULES, RULES_BY_ID, Rule

MASK = b"****"

_WORD_STOP = b" \t\n;|&()<>"
_JSON_STOP = b"\"'\\,}\n"


def _tail(pattern: Seq) -> Seq:
    """The atoms after the last Gap: what surrounds each secret, to find every one."""
    gaps = [i for i, atom in enumerate(pattern) if isinstance(atom, Gap)]
    return pattern[gaps[-1] + 1:] if gaps else pattern


@functools.cache
def _compiled() -> list[tuple[Rule, re.Pattern[bytes], re.Pattern[bytes]]]:
    """Each rule's regex and its tail's, compiled on first use (shell-init needs neither)."""
    def compile_(seq: Seq) -> re.Pattern[bytes]:
        lead = seq[:1] if seq and is_boundary(seq[0]) else ()
        body = to_regex(seq[len(lead):], python=True)
        # "body": where the command itself starts, after the byte that bounds it
        return re.compile(f"{to_regex(lead, python=True)}(?P<body>{body})".encode(), re.DOTALL)

    return [(r, compile_(r.pattern), compile_(_tail(r.pattern))) for r in RULES]


def _close_quote(text: bytes, pos: int, quote: int) -> int:
    """Index of the quote closing one opened just before ``pos`` (or the end)."""
    while pos < len(text):
        if text[pos] == 0x5C and quote == ord('"'):
            pos += 2
            continue
        if text[pos] == quote:
            return pos
        pos += 1
    return len(text)


def _word_span(text: bytes, start: int) -> tuple[int, int]:
    """The shell word at ``start``, without its quotes when it is quoted whole."""
    if text[start] in b"'\"":
        return start + 1, _close_quote(text, start + 1, text[start])
    pos = start
    while pos < len(text) and text[pos] not in _WORD_STOP:
        if text[pos] == 0x5C:
            pos += 2
        elif text[pos] in b"'\"":
            pos = _close_quote(text, pos + 1, text[pos]) + 1
        else:
            pos += 1
    return start, min(pos, len(text))


def _json_span(text: bytes, start: int) -> tuple[int, int]:
    """A JSON/YAML/shorthand value after its opening quote(s), escaped or not."""
    pos = start
    while pos < len(text) and text[pos] in b"\\\"'":
        pos += 1
    opener = text[start:pos]
    if b'"' in opener or b"'" in opener:
        stop = pos
        while stop < len(text) and text[stop] not in b"\"'":
            stop += 1
        if b"\\" in opener and stop > pos and text[stop - 1] == 0x5C:
            stop -= 1
        elif b"\\" not in opener:
            while stop < len(text) and text[stop - 1] == 0x5C and text[stop] in b"\"'":
                stop = _close_quote(text, stop + 1, text[stop])
        return pos, stop
    stop = pos
    while stop < len(text) and text[stop] not in _JSON_STOP:
        stop += 1
    return pos, stop


def _secret_span(rule: Rule, text: bytes, start: int) -> tuple[int, int]:
    """Never empty: when the value's end is unclear, mask up to the next blank or more."""
    a, b = _value_span(rule, text, start)
    if b > a:
        return a, b
    stop = start + 1
    while stop < len(text) and text[stop] not in b" \t\n":
        stop += 1
    return start, min(stop, len(text))


def _value_span(rule: Rule, text: bytes, start: int) -> tuple[int, int]:
    if rule.mask == "key":
        stop = start
        while stop < len(text) and (chr(text[stop]).isupper() or chr(text[stop]).isdigit()):
            stop += 1
        return start, stop
    if rule.mask == "json":
        return _json_span(text, start)
    return _word_span(text, start)


@dataclass(frozen=True)
class Leak:
    """Where one rule matched a command, and the spans of its secrets (decoded offsets)."""

    rule: str
    start: int
    secrets: tuple[tuple[int, int], ...]


def find_leaks(text: bytes) -> list[Leak]:
    """Every rule that matches ``text``, with every secret its surroundings point at.

    A secret already replaced by ``****`` (`history scrub --mask`) is not one any more.
    """
    leaks = []
    for rule, regex, tail in _compiled():
        match = regex.search(text)
        if not match:
            continue
        spans = [_secret_span(rule, text, m.start("secret")) for m in tail.finditer(text)]
        spans.append(_secret_span(rule, text, match.start("secret")))
        spans = [(a, b) for a, b in set(spans) if text[a:b] != MASK]  # scrubbed with --mask
        if spans:
            leaks.append(Leak(rule.id, match.start("body"), tuple(sorted(spans))))
    return leaks


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, stop in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], stop))
        elif stop > start:
            merged.append((start, stop))
    return merged


def mask_text(text: bytes, spans: Iterable[tuple[int, int]]) -> bytes:
    out, pos = bytearray(), 0
    for start, stop in _merge(spans):
        out += text[pos:start] + MASK
        pos = stop
    return bytes(out + text[pos:])


def printable(text: bytes) -> str:
    """A command fit for one terminal line: newlines as \\n, control bytes escaped."""
    decoded = text.decode("utf-8", "backslashreplace")
    return "".join(
        "\\n" if ch == "\n" else ch if ch.isprintable() else f"\\x{ord(ch):02x}"
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


def _removal(entry: Entry, raw_spans: list[tuple[int, int]], shell: str,
             data: bytes) -> tuple[tuple[int, int], ...]:
    """The whole entry; for a multi-line bash group, only the lines the leak touches.

    A bash file with timestamps may hold several commands between two timestamps (when
    `lithist` was off for some of them): removing just the touched lines keeps the others.
    """
    if shell != "bash" or len(entry.lines) == 1:
        return ((entry.start, entry.end),)
    touched = [(s, e) for s, e in entry.lines
               if any(a <= e and b >= s for a, b in raw_spans)]
    if len(touched) == len(entry.lines):
        return ((entry.start, entry.end),)
    return tuple((s, min(e + 1, len(data))) for s, e in touched)


def scan(data: bytes, shell: str) -> list[Finding]:
    """Every entry of a history file (bytes, in ``shell``'s format) that carries a secret."""
    findings = []
    for entry in PARSERS[shell](data):
        text, offsets = decode(data, entry, shell)
        leaks = find_leaks(text)
        if not leaks:
            continue
        spans = _merge(s for leak in leaks for s in leak.secrets)
        first = min(leak.start for leak in leaks)
        raw = [(offsets[a], offsets[b]) for a, b in spans]
        reach = [(offsets[first], offsets[max(b for _, b in spans)])]
        findings.append(Finding(
            shell=shell,
            line=data.count(b"\n", 0, raw[0][0]) + 1,  # where the (first) secret is
            rules=tuple(leak.rule for leak in leaks),
            command=printable(mask_text(text, spans)),
            remove=_removal(entry, reach, shell, data),
            secrets=tuple(raw),
        ))
    return findings


def scrub(data: bytes, findings: Sequence[Finding], mask: bool = False) -> bytes:
    """``data`` without the findings' entries (or with their secrets masked); the rest as is."""
    ranges = [r for f in findings for r in (f.secrets if mask else f.remove)]
    out, pos = bytearray(), 0
    for start, stop in sorted(ranges):
        if start < pos:
            continue
        out += data[pos:start]
        if mask:
            out += MASK
        pos = stop
    return bytes(out + data[pos:])


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
