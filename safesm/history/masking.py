"""Pure: how far a secret reaches from where a rule marks it (the rules' ``mask`` modes).

Every function takes the decoded command and an offset and returns a non-empty span.
"""

from __future__ import annotations

import re

MASK = b"****"

_WORD_STOP = b" \t\n;|&()<>"
_JSON_STOP = b"\"'\\,}\n"
_ARGS_STOP = b"|;&\n<>"
_SCHEME = re.compile(rb"[A-Za-z]+[ \t]+(?=[^ \t\"'\n])")
_DELIMITER = re.compile(rb"[\"'\\]?([A-Za-z0-9_]+)")


def close_quote(text: bytes, pos: int, quote: int) -> int:
    """Index of the quote closing one opened just before ``pos`` (or the end)."""
    while pos < len(text):
        if text[pos] == 0x5C and quote in (0x22, 0x24):  # inside "…" or $'…'
            pos += 2
            continue
        if text[pos] == (0x27 if quote == 0x24 else quote):
            return pos
        pos += 1
    return len(text)


def word_span(text: bytes, start: int) -> tuple[int, int]:
    """The shell word at ``start``, without its quotes when it is quoted whole."""
    if text[start] in b"'\"":
        return start + 1, close_quote(text, start + 1, text[start])
    if text[start:start + 2] == b"$'":
        return start + 2, close_quote(text, start + 2, 0x24)
    pos = start
    while pos < len(text) and text[pos] not in _WORD_STOP:
        if text[pos] == 0x5C:
            pos += 2
        elif text[pos] in b"'\"":
            pos = close_quote(text, pos + 1, text[pos]) + 1
        else:
            pos += 1
    return start, min(pos, len(text))


def json_span(text: bytes, start: int) -> tuple[int, int]:
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
                stop = close_quote(text, stop + 1, text[stop])
        return pos, stop
    stop = pos
    while stop < len(text) and text[stop] not in _JSON_STOP:
        stop += 1
    return pos, stop


def key_span(text: bytes, start: int) -> tuple[int, int]:
    stop = start
    while stop < len(text) and (chr(text[stop]).isupper() or chr(text[stop]).isdigit()):
        stop += 1
    return start, stop


def to_quote_span(text: bytes, start: int) -> tuple[int, int]:
    """Up to the next quote or newline; past an auth scheme word (``Bearer``) first."""
    scheme = _SCHEME.match(text, start)
    if scheme:
        start = scheme.end()
    stop = start
    while stop < len(text) and text[stop] not in b"\"'\n":
        stop += 1
    return start, stop


def heredoc_span(text: bytes, start: int) -> tuple[int, int]:
    """The body of the here-document whose delimiter word starts at ``start``."""
    word = _DELIMITER.match(text, start)
    body = text.find(b"\n", start)
    if not word or body < 0:
        return start, start
    delimiter = word.group(1)
    pos = body + 1
    while pos < len(text):
        nl = text.find(b"\n", pos)
        stop = len(text) if nl < 0 else nl
        if text[pos:stop].lstrip(b"\t") == delimiter:
            return body + 1, max(body + 1, pos - 1)
        pos = stop + 1
    return body + 1, len(text)


def pem_span(text: bytes, start: int) -> tuple[int, int]:
    """From the dashes after ``PRIVATE KEY`` to the END line (or just the dashes)."""
    end = text.find(b"-----END", start + 5)
    return (start, end) if end > 0 else (start, start + 5)


def args_spans(text: bytes, start: int) -> list[tuple[int, int]]:
    """Each word from ``start`` up to a pipe, a separator or a redirection."""
    spans, pos = [], start
    while pos < len(text) and text[pos] not in _ARGS_STOP:
        if text[pos] in b" \t":
            pos += 1
            continue
        a, b = word_span(text, pos)
        if b > a:
            spans.append((a, b))
        pos = max(b + (1 if b < len(text) and text[b] in b"'\"" else 0), pos + 1)
    return spans


SPANS = {"word": word_span, "json": json_span, "key": key_span, "to-quote": to_quote_span,
         "heredoc": heredoc_span, "pem": pem_span}


def secret_spans(mask: str, text: bytes, match: re.Match[bytes]) -> list[tuple[int, int]]:
    """Never empty: when the value's end is unclear, mask up to the next blank or more."""
    start = match.start("secret")
    if mask == "group":
        spans = [(start, match.end("secret"))]
    elif mask == "args":
        spans = args_spans(text, start)
    else:
        spans = [SPANS[mask](text, start)]
    spans = [(a, b) for a, b in spans if b > a]
    if spans:
        return spans
    stop = start + 1
    while stop < len(text) and text[stop] not in b" \t\n":
        stop += 1
    return [(start, min(stop, len(text)))]


def merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, stop in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], stop))
        elif stop > start:
            merged.append((start, stop))
    return merged


def mask_text(text: bytes, spans: list[tuple[int, int]]) -> bytes:
    out, pos = bytearray(), 0
    for start, stop in merge(spans):
        out += text[pos:start] + MASK
        pos = stop
    return bytes(out + text[pos:])
