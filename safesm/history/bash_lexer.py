"""Pure: does a line of a plain bash history file leave a command open?

Just enough of bash's reader to tell where a command typed over several lines ends: an
open quote (``'``, ``"``, ``$'``), a here-document waiting for its delimiter, a trailing
backslash, ``|``, ``&&`` or ``||``, and compound commands (``for … done``, ``if … fi``,
``case … esac``, ``{ … }``) that ``lithist`` keeps on separate lines. Most lines hold
none of these and are passed over with one regex search.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class LexState:
    quote: bytes = b""  # the open quote: b"'", b'"' or b"$'"
    heredocs: tuple[tuple[bytes, bool], ...] = ()  # (delimiter, strip leading tabs)
    depth: int = 0  # open compound commands
    continued: bool = False  # a trailing backslash, pipe, && or ||


CLOSED = LexState()

KEYWORDS = (b"if", b"case", b"for", b"while", b"until", b"select", b"fi", b"esac", b"done")
_KEYWORD = re.compile(rb"(?<![\w-])(?:" + b"|".join(KEYWORDS) + rb")(?![\w-])")
_MAYBE_OPEN = re.compile(rb"['\"\\]|<<|[|&][ \t]*$|[{}()]|" + _KEYWORD.pattern)
# Over many lines at once (``maybe_open_lines``): these characters and words find at least
# the lines _MAYBE_OPEN finds.
_MAYBE_OPEN_CHARS = bytes.maketrans(b"'\"\\{}()<|&", b"\0" * 10)
_MARKED_LINE = re.compile(rb"\0[^\n]*")  # the first marked character of a line, and the rest
_WORD_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
# A line that is certainly complete although MAYBE_OPEN matched: its quotes are plain
# pairs with no backslash inside (`$'…\\''` is not), and it has no other backslash, no
# here-document, brace, trailing pipe or and, or keyword.
_PLAIN = re.compile(rb"(?:[^'\"\\<{}|&\n]|<(?!<)|[|&](?![ \t]*$)|'[^'\\\n]*'|\"[^\"\\\n]*\")*")
# Code with complete quoted strings; it stops where an unterminated one begins. Inside
# a string one character at a time: a run there would backtrack exponentially on a string
# that never closes.
_CODE = re.compile(
    rb"(?:[^'\"\\$#]+|\$(?!')|(?<![^ \t;&|(])#.*|#|\\[\s\S]|'[^']*'"
    rb"|\"(?:[^\"\\]|\\[\s\S])*\"|\$'(?:[^'\\]|\\[\s\S])*')*")
_QUOTED = re.compile(rb"'[^']*'|\"(?:[^\"\\]|\\[\s\S])*\"|\$'(?:[^'\\]|\\[\s\S])*'|\\[\s\S]")
_HEREDOC = re.compile(rb"(?<!<)<<(?!<)(-?)[ \t]*(['\"]?)\\?([A-Za-z0-9_]+)\2")
_OPENERS = re.compile(
    rb"(?:^|[;&|(]|\b(?:then|do|else)\b)[ \t]*(?:if|case|for|while|until|select)(?![\w-])"
    rb"|(?:^|[;&|]|\b(?:then|do|else)\b|\)|\bfunction[ \t]+[\w-]+)[ \t]*\{(?=[ \t]|$)")
_CLOSERS = re.compile(rb"(?:^|[;&|])[ \t]*(?:fi|esac|done|\})(?=[ \t;&|)]|$)")
_CONTINUED = re.compile(rb"(?:\||&&|\\)[ \t]*$")


def maybe_open_lines(data: bytes, end: int) -> tuple[list[int], list[int]]:
    """Offsets in ``data[:end]``: one in each line with a character that may leave a
    command open (those characters marked with one ``translate``), and each keyword as a
    word (``bytes.find``).
    Together they find at least the lines ``_MAYBE_OPEN`` finds."""
    marked = data.translate(_MAYBE_OPEN_CHARS)
    chars = [m.start() for m in _MARKED_LINE.finditer(marked, 0, end)]
    words: list[int] = []
    for word in KEYWORDS:  # as _KEYWORD: no letter, digit, _ or - on either side
        pos = data.find(word, 0, end)
        while pos >= 0:
            after = pos + len(word)
            if (pos == 0 or data[pos - 1] not in _WORD_BYTES) and (
                    after >= len(data) or data[after] not in _WORD_BYTES):
                words.append(pos)
            pos = data.find(word, after, end)
    return chars, sorted(words)


def plain_closed(data: bytes, start: int, stop: int, keyword: bool = True) -> bool:
    """The line is certainly complete, read from a closed state (see ``_PLAIN``).
    ``keyword``: False when the line is known to hold none."""
    return bool(_PLAIN.fullmatch(data, start, stop)) and not (
        keyword and _KEYWORD.search(data, start, stop))


def line_state(data: bytes, start: int, stop: int, state: LexState) -> LexState:
    """The state after the line ``data[start:stop]`` (no newline), read in ``state``."""
    if state == CLOSED:
        if not _MAYBE_OPEN.search(data, start, stop):
            return CLOSED
        if _PLAIN.fullmatch(data, start, stop):
            if not _KEYWORD.search(data, start, stop):
                return CLOSED
            if data.find(b"#", start, stop) < 0:
                return plain_state(data[start:stop])
    line = data[start:stop]
    if state.heredocs:
        delim, strip = state.heredocs[0]
        body = line.lstrip(b"\t") if strip else line
        rest = state.heredocs[1:] if body == delim else state.heredocs
        return LexState(heredocs=rest, depth=state.depth)
    pos = 0
    if state.quote:
        pos = _close(line, state.quote)
        if pos < 0:
            return state
    return _code_state(line, pos, state.depth)


def plain_state(line: bytes) -> LexState:
    """``_code_state`` of a plain line with no comment (a one-line ``for … done``): only
    its compound commands can leave it open."""
    code = _QUOTED.sub(b"''", line)
    depth = max(0, len(_OPENERS.findall(code)) - len(_CLOSERS.findall(code)))
    return LexState(depth=depth) if depth else CLOSED


def _close(line: bytes, quote: bytes) -> int:
    """Where the quote that was open at the start of ``line`` closes (after it), or -1."""
    pos = 0
    while pos < len(line):
        ch = line[pos:pos + 1]
        if ch == b"\\" and quote != b"'":
            pos += 2
            continue
        if ch == quote[-1:]:
            return pos + 1
        pos += 1
    return -1


def _code_state(line: bytes, pos: int, depth: int) -> LexState:
    match = _CODE.match(line, pos)
    end = match.end() if match else pos
    code = _QUOTED.sub(b"''", line[pos:end])
    heredocs = tuple((m.group(3), bool(m.group(1))) for m in _HEREDOC.finditer(line, pos, end))
    depth = max(0, depth + len(_OPENERS.findall(code)) - len(_CLOSERS.findall(code)))
    if end < len(line):
        rest = line[end:]
        quote = b"$'" if rest.startswith(b"$'") else rest[:1]
        if quote == b"\\":  # a backslash at the very end
            return LexState(heredocs=heredocs, depth=depth, continued=True)
        return LexState(quote=quote, heredocs=heredocs, depth=depth)
    return LexState(heredocs=heredocs, depth=depth,
                    continued=bool(_CONTINUED.search(code)))
