"""Pure: the leak rules, each a pattern (see ``patterns``) with how far its secret reaches."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..values import VALUE_OPTIONS
from .patterns import Alt, Bol, Cls, Eol, Gap, Lit, Rep, Secret, Seq, Star, to_globs, to_regex


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
