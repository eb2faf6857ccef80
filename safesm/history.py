"""Pure: the leak rules, the shell-init snippets built from them, and history file formats.

Every rule is written once, as a small pattern tree, and compiled three ways:
a Python regex (the scanner, with a ``secret`` group to mask), a POSIX ERE (the
zsh ``zshaddhistory`` hook and fish's ``string match -r``), and bash glob patterns
for ``HISTIGNORE``. The ERE and the Python regex match exactly the same commands.
Globs have no repetition of a character class, so a glob is broader than its rule
(it may keep a few harmless look-alikes out of bash history), with one exception:
where a rule allows a run of blanks before a value, its globs take exactly one
(a ``*`` there would swallow the exemptions that follow, like ``file://``).

Nothing here does I/O: parsers take bytes and return entries with byte offsets, so
that ``history scrub`` can rewrite a file keeping every other byte as it was.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .values import VALUE_OPTIONS

SHELLS = ("bash", "zsh", "fish")
MASK = b"****"

# --------------------------------------------------------------------------- patterns


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


def _is_boundary(atom: Atom) -> bool:
    """An Alt with a start- or end-of-command option; only ever at a rule's edges."""
    return isinstance(atom, Alt) and any(o[:1] in ((Bol(),), (Eol(),)) for o in atom.options)


def to_globs(seq: Seq, wrap: bool = True) -> list[str]:
    """Bash glob patterns that together match (at least) what the regex matches.

    A boundary at either end of a rule is dropped: the glob's own ``*`` covers it.
    """
    if wrap and seq and _is_boundary(seq[0]):
        seq = seq[1:]
    if wrap and seq and _is_boundary(seq[-1]):
        seq = seq[:-1]
    globs = ["".join(p) for p in itertools.product(*(_glob_parts(a) for a in seq))]
    if wrap:
        globs = [re.sub(r"(?<!\\)\*{2,}", "*", f"*{g}*") for g in globs]
    return list(dict.fromkeys(globs))


# --------------------------------------------------------------------------- rules


def not_prefixed(prefixes: Sequence[str], never_first: str = "") -> Alt:
    """A value start that does not begin with any of ``prefixes`` (a trie, as alternatives).

    ``never_first`` lists further characters a value may not start with (e.g. a space).
    Each alternative ends with one character outside the trie, so the value is non-empty.
    """
    options: list[Seq] = []
    nodes = sorted({p[:i] for p in prefixes for i in range(len(p))})
    for node in nodes:
        nexts = sorted({p[len(node)] for p in prefixes
                        if p.startswith(node) and len(p) > len(node)})
        extra = never_first if node == "" else ""
        excluded = "".join(nexts) + extra
        options.append((Lit(node), Cls(_bracket(excluded), negate=True)) if node else
                       (Cls(_bracket(excluded), negate=True),))
    return Alt(tuple(options))


def _bracket(chars: str) -> str:
    """Bracket content for a set of characters, portable (a '-' goes last)."""
    body = "".join(sorted(set(chars) - {"-"}))
    return body.replace("\\", "\\\\") + ("-" if "-" in chars else "")


WORD = Cls("A-Za-z0-9_")
SPACE = Cls(" ")
SPACES = Rep(SPACE, 1, None, glob_max=1)  # globs: exactly one space (see Rep)
SEP = " ;|&()<>"  # ends an unquoted shell word (newlines too, for the masker)
BOUNDARY = Alt(((Bol(),), (Cls("A-Za-z0-9_", negate=True),)))
# Where a command starts: after ; | & ( or a newline (any non-word, non-blank byte),
# or after fish's `and`/`or`/`not`.
COMMAND_START = Alt(((Bol(), Rep(SPACE)), (Cls("A-Za-z0-9_ -", negate=True), Rep(SPACE)),
                     (Alt(((Lit("and"),), (Lit("or"),), (Lit("not"),))), SPACES)))
QUOTES = "'\""
FILE_REFS = ("file://", "fileb://", "$")


def _inline_value(prefixes: Sequence[str], never_first: str = "") -> Secret:
    """An inline value, bare or quoted, that is not a file reference or an expansion."""
    bare = not_prefixed(prefixes, never_first=SEP + QUOTES + never_first)
    inner = not_prefixed(prefixes, never_first=QUOTES)
    return Secret((Alt(((bare,), (Cls(QUOTES), inner))),))


def _keyword(*words: str) -> Alt:
    return Alt(tuple((Lit(w, fold=True),) for w in words))


def _words(*words: str) -> Alt:
    return Alt(tuple((Lit(w),) for w in words))


@dataclass(frozen=True)
class Rule:
    """One kind of leak. ``mask`` says how far the secret reaches from the match."""

    id: str
    summary: str
    pattern: Seq
    mask: str = "word"  # "word": a shell word; "json": a JSON/shorthand value; "key": [A-Z0-9]
    runs_a_process: bool = True  # the command line was visible in `ps` while it ran

    @property
    def regex(self) -> str:
        return to_regex(self.pattern)

    @property
    def globs(self) -> list[str]:
        return to_globs(self.pattern)


_SECRET_NAME: Seq = (
    Rep(WORD),
    Alt(((_keyword("PASSWORD", "PASSWD", "TOKEN"),),
         (_keyword("SECRET", "API_KEY", "APIKEY"), Rep(WORD)))),
)
_NOT_SPACE = Cls(" ", negate=True)
_PUT_OPTION = Alt((
    (_words("-f", "--force", "--keep-newline", "--multiline", "--binary", "--json"),),
    (Lit("--"), Rep(Cls("a-z-"), 1), Lit("="), Rep(_NOT_SPACE)),
    (_words("--file", "--key", "--description", "--kms-key", "--tag"), SPACES,
     Rep(_NOT_SPACE, 1)),
))
_PUT_OPTIONS = Star((SPACES, _PUT_OPTION))
_SAFESM_VALUE = Alt((
    (Cls(_bracket(SEP + "-0123456789"), negate=True),),
    (Rep(Cls("0-9"), 1), Cls(_bracket(SEP + "0123456789"), negate=True)),  # not 2>file
))

# The options safesm refuses because they would carry a value (cli.VALUE_OPTIONS).
SAFESM_VALUE_OPTIONS = VALUE_OPTIONS

RULES: tuple[Rule, ...] = (
    Rule("aws-inline-secret",
         "aws secretsmanager with --secret-string/--secret-binary on the command line",
         (BOUNDARY, Lit("aws"), SPACE, Gap(), Lit("secretsmanager"), SPACE, Gap(),
          Lit("--secret-"), _words("string", "binary"), Cls("= "), Rep(SPACE, glob_max=0),
          _inline_value(FILE_REFS))),
    Rule("json-secret-string",
         "SecretString/SecretBinary given inline (--cli-input-json, JSON, shorthand)",
         (Lit("Secret"), _words("String", "Binary"), Rep(Cls("\\\\\"'"), 0, 2),
          Rep(SPACE, 0, 1), Cls(":="), Rep(SPACE, 0, 1),
          Secret((Rep(Cls("\\\\\"'"), 0, 2), Cls("\\\\\"'$ ,}", negate=True)))),
         mask="json"),
    Rule("vault-kv-put",
         "vault kv put/patch with key=value on the command line",
         (BOUNDARY, Lit("vault"), SPACE, Gap(), Lit("kv"), SPACE, _words("put", "patch"),
          SPACE, Gap(), SPACE, WORD, Rep(Cls(" =", negate=True)), Lit("="),
          _inline_value(("@", "-", "$")))),
    Rule("secret-assignment",
         "a PASSWORD/TOKEN/SECRET variable or option set inline (export X_PASSWORD=...)",
         (BOUNDARY, *_SECRET_NAME, Lit("="), _inline_value(("$", "@"))),
         runs_a_process=False),
    Rule("fish-set-secret",
         "fish `set` of a PASSWORD/TOKEN/SECRET variable with an inline value",
         (COMMAND_START, Lit("set"), Star((SPACES, Lit("-"), Rep(Cls("A-Za-z-"), 1))), SPACES,
          *_SECRET_NAME, SPACES, _inline_value(("$", "(")), ),
         runs_a_process=False),
    Rule("aws-configure-secret",
         "aws configure set of a secret access key or session token",
         (BOUNDARY, Lit("aws"), SPACE, Gap(), Lit("configure"), SPACES, Lit("set"), SPACE,
          Gap(), _words("aws_secret_access_key", "aws_session_token"), SPACES,
          _inline_value(("$",)))),
    Rule("safesm-put-argv",
         "safesm put NAME with the value typed on the command line (safesm refused it)",
         (BOUNDARY, Lit("safesm"), Rep(Cls(";|&", negate=True)), SPACE, Lit("put"),
          _PUT_OPTIONS, SPACES, Cls(_bracket(SEP + "-"), negate=True),
          Rep(Cls(_bracket(SEP), negate=True)), _PUT_OPTIONS, SPACES,
          Secret((_SAFESM_VALUE,)))),
    Rule("safesm-value-option",
         "safesm with a value option (--secret-string, --value, ...) on the command line",
         (BOUNDARY, Lit("safesm"), Rep(Cls(";|&", negate=True)), SPACE,
          _words(*SAFESM_VALUE_OPTIONS), Cls("= "), Rep(SPACE, glob_max=0),
          _inline_value(("$",)))),
    Rule("aws-access-key-id",
         "an AWS access key id (AKIA.../ASIA...)",
         (BOUNDARY, _words("AKIA", "ASIA"), Secret((Rep(Cls("A-Z0-9"), 16, 16),)),
          Alt(((Eol(),), (Cls("A-Za-z0-9", negate=True),)))),
         mask="key"),
)
RULES_BY_ID = {r.id: r for r in RULES}

# --------------------------------------------------------------------------- shell-init


def _sh_quote(text: str) -> str:
    """Single quotes for bash and zsh: the text stays literal."""
    return "'" + text.replace("'", "'\\''") + "'"


def _fish_quote(text: str) -> str:
    """Single quotes for fish, where backslash escapes a quote or a backslash."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _bash_snippet() -> str:
    globs = ":".join(g for r in RULES for g in r.globs)
    return f"""\
# safesm shell-init bash: keep commands that carry secrets out of bash history.
# Appends to HISTIGNORE and HISTCONTROL; whatever you set there stays in effect.
__safesm_histignore={_sh_quote(globs)}
case ":${{HISTIGNORE-}}:" in
  *":$__safesm_histignore:"*) ;;
  *) HISTIGNORE="${{HISTIGNORE:+$HISTIGNORE:}}$__safesm_histignore" ;;
esac
case ":${{HISTCONTROL-}}:" in
  *:ignorespace:*|*:ignoreboth:*) ;;
  *) HISTCONTROL="${{HISTCONTROL:+$HISTCONTROL:}}ignorespace" ;;
esac
unset __safesm_histignore
"""


def _zsh_snippet() -> str:
    regexes = " \\\n    ".join(_sh_quote(r.regex) for r in RULES)
    return f"""\
# safesm shell-init zsh: keep commands that carry secrets out of zsh history.
# Adds a zshaddhistory hook next to yours (add-zsh-hook) and sets HIST_IGNORE_SPACE.
__safesm_zshaddhistory() {{
  emulate -L zsh
  local MATCH MBEGIN MEND re line=${{1%$'\\n'}}
  local -a match mbegin mend
  for re in \\
    {regexes}; do
    [[ $line =~ $re ]] && return 1
  done
  return 0
}}
setopt HIST_IGNORE_SPACE
autoload -Uz add-zsh-hook
add-zsh-hook zshaddhistory __safesm_zshaddhistory
"""


def _fish_snippet() -> str:
    regexes = " \\\n        ".join(_fish_quote("(?s)" + r.regex) for r in RULES)
    return f"""\
# safesm shell-init fish: keep commands that carry secrets out of fish history.
function __safesm_is_risky --description 'safesm: does this command line carry a secret?'
    for re in \\
        {regexes}
        string match -qr -- $re $argv[1]; and return 0
    end
    return 1
end
if string match -qr '^[0-3][.]' -- $version
    # fish 3: a command that starts with a space is not saved, so Enter adds one.
    function __safesm_execute --description 'safesm: Enter, keeping secrets out of history'
        set -l cmd (string join \\n -- (commandline))
        if not string match -q -- ' *' "$cmd"; and __safesm_is_risky "$cmd"
            commandline -- " $cmd"
        end
        if test "$fish_bind_mode" = default
            and test "$fish_key_bindings" != fish_default_key_bindings
            set fish_bind_mode insert  # what Enter does in vi normal mode
        end
        commandline -f execute
    end
    for mode in default insert
        bind -M $mode \\r __safesm_execute
        bind -M $mode \\n __safesm_execute
    end
else if not set -q __safesm_history_hooked
    # fish 4+: fish asks fish_should_add_to_history; yours, if any, still decides too.
    set -g __safesm_history_hooked 1
    if functions -q fish_should_add_to_history
        functions -c fish_should_add_to_history __safesm_user_should_add
    end
    function fish_should_add_to_history --description 'safesm: keep secrets out of history'
        string match -q -- ' *' $argv[1]; and return 1
        __safesm_is_risky $argv[1]; and return 1
        if functions -q __safesm_user_should_add
            __safesm_user_should_add $argv; or return 1
        end
        return 0
    end
end
"""


def snippet(shell: str) -> str:
    """The text `safesm shell-init SHELL` prints for the user's rc file."""
    return {"bash": _bash_snippet, "zsh": _zsh_snippet, "fish": _fish_snippet}[shell]()


# --------------------------------------------------------------------------- file formats


@dataclass(frozen=True)
class Entry:
    """One history entry: its raw byte span, and the spans of its command line(s)."""

    start: int
    end: int
    lines: tuple[tuple[int, int], ...]  # raw (start, end) of each command line, no newline
    cmd_start: int  # where the command text starts (after a zsh/fish prefix)


_BASH_TS = re.compile(rb"#\d+")
_ZSH_EXT = re.compile(rb": *\d+:\d+;")
_FISH_CMD = b"- cmd: "


def _split_lines(data: bytes) -> list[tuple[int, int, int]]:
    """(start, end without newline, end with newline) of every line."""
    out, pos, size = [], 0, len(data)
    while pos < size:
        nl = data.find(b"\n", pos)
        stop = size if nl < 0 else nl
        out.append((pos, stop, size if nl < 0 else nl + 1))
        pos = stop + 1
    return out


def parse_bash(data: bytes) -> list[Entry]:
    """Lines; a `#1700000000` timestamp line starts an entry that runs to the next one."""
    entries: list[Entry] = []
    group: list[tuple[int, int, int]] = []
    ts_start: int | None = None

    def close() -> None:
        if group:
            start = group[0][0] if ts_start is None else ts_start
            entries.append(Entry(start, group[-1][2], tuple((s, e) for s, e, _ in group),
                                 group[0][0]))

    for line in _split_lines(data):
        if _BASH_TS.fullmatch(data, line[0], line[1]):
            close()
            group, ts_start = [], line[0]
        elif ts_start is None:
            group = [line]
            close()
            group = []
        else:
            group.append(line)
    close()
    return entries


def parse_zsh(data: bytes) -> list[Entry]:
    """`: 1700000000:0;cmd` (or plain) lines; a line ending in a backslash continues."""
    entries: list[Entry] = []
    group: list[tuple[int, int, int]] = []

    def close() -> None:
        prefix = _ZSH_EXT.match(data, group[0][0], group[0][1])
        entries.append(Entry(group[0][0], group[-1][2], tuple((s, e) for s, e, _ in group),
                             prefix.end() if prefix else group[0][0]))

    for line in _split_lines(data):
        group.append(line)
        if line[1] > line[0] and data[line[1] - 1] == 0x5C and line[2] > line[1]:
            continue
        close()
        group = []
    if group:
        close()
    return entries


def parse_fish(data: bytes) -> list[Entry]:
    """`- cmd: ...` lines followed by indented `when:`/`paths:` lines."""
    entries: list[Entry] = []
    current: tuple[int, int, int] | None = None
    end = 0
    for start, stop, after in _split_lines(data):
        if data.startswith(_FISH_CMD, start) or data[start:stop] == _FISH_CMD.rstrip():
            if current:
                entries.append(Entry(current[0], end, ((current[0], current[1]),), current[2]))
            current = (start, stop, min(start + len(_FISH_CMD), stop))
            end = after
        elif current and data.startswith(b" ", start):
            end = after
        elif current:
            entries.append(Entry(current[0], end, ((current[0], current[1]),), current[2]))
            current = None
    if current:
        entries.append(Entry(current[0], end, ((current[0], current[1]),), current[2]))
    return entries


PARSERS = {"bash": parse_bash, "zsh": parse_zsh, "fish": parse_fish}


def decode(data: bytes, entry: Entry, shell: str) -> tuple[bytes, list[int]]:
    """The command as the shell sees it, and the raw offset of each of its bytes.

    zsh: a backslash-newline is a newline, and 0x83 ("Meta") means: next byte XOR 0x20.
    fish: `\\n` is a newline and `\\\\` a backslash. bash: the lines joined by newlines.
    """
    out, offsets = bytearray(), []
    for index, (start, stop) in enumerate(entry.lines):
        pos = entry.cmd_start if index == 0 else start
        if index + 1 < len(entry.lines):
            if shell == "zsh" and stop > pos and data[stop - 1] == 0x5C:
                stop -= 1  # the continuation backslash: it and the newline make one newline
        _decode_line(data, pos, stop, shell, out, offsets)
        if index + 1 < len(entry.lines):
            out.append(0x0A)
            offsets.append(stop)
    offsets.append(entry.lines[-1][1] if entry.lines else entry.end)
    return bytes(out), offsets


def _decode_line(data: bytes, pos: int, stop: int, shell: str, out: bytearray,
                 offsets: list[int]) -> None:
    while pos < stop:
        byte, step = data[pos], 1
        if shell == "zsh" and byte == 0x83 and pos + 1 < stop:
            byte, step = data[pos + 1] ^ 0x20, 2
        elif shell == "fish" and byte == 0x5C and pos + 1 < stop and data[pos + 1] in b"n\\":
            byte, step = (0x0A if data[pos + 1] == ord("n") else 0x5C), 2
        out.append(byte)
        offsets.append(pos)
        pos += step


def detect_shell(name: str, data: bytes) -> str:
    """The format of a history file, from its name, else from its first entries."""
    lowered = name.lower()
    for shell in ("fish", "zsh", "bash"):
        if shell in lowered:
            return shell
    if lowered.endswith(".zhistory"):
        return "zsh"
    head = data[:65536]
    if head.startswith(_FISH_CMD) or b"\n" + _FISH_CMD in head:
        return "fish"
    if _ZSH_EXT.match(head) or re.search(rb"\n: *\d+:\d+;", head):
        return "zsh"
    return "bash"


# --------------------------------------------------------------------------- scanning

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
        lead = seq[:1] if seq and _is_boundary(seq[0]) else ()
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
