"""Pure: the leak rules. Each is one or more terms (see ``patterns``) that must all match.

A term is short and anchored, so every engine runs it in time linear in the line. Where
a rule needs context (``curl`` and ``-u user:pass``; ``safesm put`` and a here-string),
the context is a separate term matched anywhere in the same command: a command that has
both in different parts of one line is flagged too. That costs a rare false positive and
keeps every term free of "any text" gaps. The last term holds the ``Secret``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from ..values import VALUE_OPTIONS
from .patterns import (
    Alt,
    Any,
    Bound,
    Cls,
    End,
    LineEnd,
    LineStart,
    Lit,
    Needles,
    Rep,
    Secret,
    Seq,
    Star,
    ere,
    expand,
    needles,
    not_one_of,
    pcre,
)

WORD = "A-Za-z0-9_"
QUOTES = "'\""
SEP = " \t\n;|&<>()"  # ends an unquoted shell word
BLANK = Cls(" \t")
BLANKS = Rep(BLANK, 1)
SOME_BLANK = Rep(BLANK)
WORD_START = Bound(WORD + "-")  # a command or option name starts here, not mid-word
CONTINUED = Star((Alt(((BLANK,), (Lit("\\\n"),))),), low=1)  # blanks, or \ and newline
SEP_OR_END = Alt(((Cls(SEP),), (End(),)))


def _excluding(base: str, *prefixes: str) -> Alt:
    """A value's first characters: one not in ``base``, and not the start of ``prefixes``.

    A trie of the prefixes, as alternatives; each ends with one character that leaves
    the trie, so a value that merely starts like ``file`` (``filet``) still counts.
    """
    options: list[Seq] = []
    nodes = sorted({p[:i] for p in prefixes for i in range(len(p))})
    for node in nodes or [""]:
        nexts = "".join(sorted({p[len(node)] for p in prefixes
                                if p.startswith(node) and len(p) > len(node)}))
        excluded = nexts + (base if node == "" else "")
        options.append(((Lit(node),) if node else ()) + (Cls(_set(excluded), negate=True),))
    return Alt(tuple(options))


def _set(chars: str) -> str:
    """Bracket text for these characters: ranges are not used, a '-' goes last."""
    chars = "".join(dict.fromkeys(chars))
    return "".join(c for c in chars if c != "-") + ("-" if "-" in chars else "")


def value(*refs: str, bare_also: str = "", first_also: str = "") -> Alt:
    """Where a literal value starts (not a reference such as ``$VAR``, ``file://`` or a
    command substitution): bare, ``'single'`` or ``"double"`` quoted, or ``$'…'``.

    A quote followed by a blank, a newline or another quote closes a string rather than
    opening one (``grep "API_KEY=" .``): no value there. ``first_also``: characters no
    form of the value may start with; ``bare_also``: those only a bare value may not.
    """
    bare = _excluding(SEP + QUOTES + "$`\\" + bare_also + first_also, *refs)
    single = _excluding("' \t\n" + first_also, *refs)
    double = _excluding("\" \t\n$`" + first_also, *refs)
    return Alt((
        (bare,),
        (Lit("\\"), Cls(_set("\n" + first_also), negate=True)),
        (Lit("'"), single),
        (Lit('"'), double),
        (Lit("$"), Cls(QUOTES), Cls(_set(QUOTES + "\n" + first_also), negate=True)),
    ))


def _words(*words: str, fold: bool = False, quoted: bool = False) -> Alt:
    return Alt(tuple((Lit(w, fold=fold, quoted=quoted),) for w in words))


def command(*names: str, tail: Seq = ()) -> Seq:
    """A command name as a whole word, however it is quoted (``"aws"``, ``a\\ws``)."""
    return (WORD_START, _words(*names, quoted=True), *tail, SEP_OR_END)


# A shell word: plain characters, quoted strings, escapes. Each alternative starts with
# a different character, so there is one way to read a word.
SHELL_WORD = Star((Alt((
    (Cls(SEP + QUOTES + "\\", negate=True),),
    (Lit('"'), Star((Alt(((Cls('"\\', negate=True),), (Lit("\\"), Any()))),)), Lit('"')),
    (Lit("'"), Rep(Cls("'", negate=True)), Lit("'")),
    (Lit("\\"), Any()),
)),), low=1)
OPTION_STOP = SEP + QUOTES + "=\\"  # what ends an option's name


def option(takes_value: Sequence[str]) -> Seq:
    """One option: ``--name=WORD``, ``--name WORD`` for those that take a value, or a flag.

    ``takes_value`` lists names without their first dash (``-profile``); ``-`` itself is
    in none of the forms, so ``--`` (end of options) is never read as an option.
    """
    with_value = _words(*takes_value)
    others = not_one_of((*takes_value, "-"), OPTION_STOP)
    return (Lit("-"), Alt((
        (with_value, Alt(((Lit("="), SHELL_WORD), (BLANKS, SHELL_WORD)))),
        (others, Alt(((Lit("="), SHELL_WORD), ()))),
    )))


# safesm's own command line: the options that take a value (the rest are flags). A unit
# test keeps these equal to the CLI's.
SAFESM_GLOBAL_VALUE_OPTIONS = ("--profile", "--region", "--endpoint-url")
SAFESM_PUT_VALUE_OPTIONS = ("--file", "--key", "--description", "--kms-key", "--tag",
                            "--reader", "--writer", "--length", "--exclude-chars",
                            "--replicate-to", *SAFESM_GLOBAL_VALUE_OPTIONS)
SAFESM_VALUE_OPTIONS = VALUE_OPTIONS  # refused by safesm because they would carry a value

_GLOBAL = option(tuple(o[1:] for o in SAFESM_GLOBAL_VALUE_OPTIONS))
_PUT_OPTION = option(tuple(o[1:] for o in SAFESM_PUT_VALUE_OPTIONS))
SAFESM_PUT: Seq = (WORD_START, Lit("safesm", quoted=True), Star((BLANKS, *_GLOBAL)), BLANKS,
                   Lit("put", quoted=True))
_POSITIONAL = (Alt(((Cls(SEP + "-", negate=True),),)), Rep(Cls(SEP, negate=True)))
_DIGITS = expand("0-9")
# The value safesm refused: not an option, not a redirection such as 2>/dev/null.
_SAFESM_VALUE = Alt((
    (value(bare_also=_DIGITS, first_also="-"),),
    (Rep(Cls(_DIGITS), 1), Alt(((Cls(_set(SEP + _DIGITS), negate=True),), (Cls(" \t\n;|&"),),
                                (End(),)))),
))

_SUFFIXES = ("PASSWORD", "PASSWD", "PASSPHRASE", "_PASS", "TOKEN", "SECRET", "SECRET_KEY",
             "SECRET_ACCESS_KEY", "SECRET_KEY_BASE", "API_KEY", "APIKEY", "PRIVATE_KEY",
             "MYSQL_PWD", "ENCRYPTION_KEY", "SIGNING_KEY", "MASTER_KEY")
SECRET_NAME: Seq = (Rep(Cls(WORD)), _words(*_SUFFIXES, fold=True))
_ASSIGN: Seq = (*SECRET_NAME, Rep(Cls("+"), 0, 1), Lit("="))
_HERESTRING: Seq = (Lit("<<<"), SOME_BLANK, Secret((value(),)))
# `safesm exec|env -e VAR=NAME[#FIELD]`: VAR is set to the secret *named* NAME, so the
# assignment holds no secret (when NAME looks like one, see _SECRET_REF). Left alone
# only when the whole command is that: one line, safesm's global options, exec or env,
# then options and words with no other `=`, and after `--` words with no `=` at all
# (`-- env DB_TOKEN=...` is still a leak).
_NO_EQ = Star((Alt((
    (Cls(SEP + QUOTES + "=\\", negate=True),),
    (Lit("'"), Rep(Cls("'=\n", negate=True)), Lit("'")),
    (Lit('"'), Rep(Cls('"=\\\n', negate=True)), Lit('"')),
)),), low=1)
_REF_CHAR = SEP + QUOTES + "$`\\"
# NAME holds a "/" or a "#" (db/prod, db/prod#password): a literal typed by mistake where
# a name belongs (`-e DB_PASSWORD=hunter2`) is still a leak.
_SECRET_REF = (Rep(Cls(QUOTES), 0, 1), Cls("A-Za-z_"), Rep(Cls(WORD)), Lit("="),
               Rep(Cls(_REF_CHAR + "/#", negate=True)), Cls("/#"),
               Rep(Cls(_REF_CHAR, negate=True)), Rep(Cls(QUOTES), 0, 1))
_EXEC_ITEM = Alt((
    (_words("-e", "--env"), Alt(((BLANKS,), (Lit("="),))), *_SECRET_REF),
    (not_one_of(("-e", "--env", "--"), SEP + QUOTES + "=\\"),),
))
SAFESM_EXEC_REFS: Seq = (
    Rep(Cls(" \t\n")), Lit("safesm", quoted=True), Star((BLANKS, *_GLOBAL)), BLANKS,
    _words("exec", "env"), Star((BLANKS, _EXEC_ITEM)),
    Alt(((BLANKS, Lit("--"), Star((BLANKS, _NO_EQ))), ())), Rep(Cls(" \t\n")),
)
_SUFFIX_HINT = _words(*(x.lower() for x in _SUFFIXES))
_ASSIGN_HINT: Seq = (_SUFFIX_HINT, Rep(Cls("+"), 0, 1), Lit("="))
_HEADERS = ("authorization", "proxy-authorization", "x-api-key", "api-key", "x-auth-token",
            "private-token", "x-access-token")
_B64 = "A-Za-z0-9+/"


@dataclass(frozen=True)
class Rule:
    """One kind of leak: ``terms`` must all match; the last one marks the secret.

    ``mask`` says how far a secret reaches from where the last term marks it: "word" (a
    shell word), "json" (a JSON/YAML/shorthand value), "group" (what the term matched),
    "to-quote" (to the next quote or the end of the line), "heredoc" (the body), "pem" (to
    the END line), "args" (the words up to a pipe).
    """

    id: str
    summary: str
    terms: tuple[Seq, ...]
    mask: str = "word"
    runs_a_process: bool = True  # the command line was visible in `ps` while it ran
    unless: Seq = ()  # a whole command this rule leaves alone (matched from start to end)
    # What every match holds, in lower case with quotes removed, starting with one of its
    # own needles: a scanner checks it where it finds that needle in a large file, to
    # pass over the many lines that hold the word but cannot match (`secretsmanager`).
    hint: Seq = ()

    @cached_property
    def pcre(self) -> tuple[str, ...]:
        return tuple(pcre(t) for t in self.terms)

    @cached_property
    def ere(self) -> tuple[str, ...]:
        return tuple(ere(t) for t in self.terms)

    @cached_property
    def unless_pcre(self) -> str:
        return f"^(?:{pcre(self.unless)})$" if self.unless else ""

    @cached_property
    def unless_ere(self) -> str:
        return f"^({ere(self.unless)})$" if self.unless else ""

    @cached_property
    def needles(self) -> tuple[Needles | None, ...]:
        """Per term, texts one of which it needs (see ``patterns.Needles``)."""
        return tuple(needles(t) for t in self.terms)


RULES: tuple[Rule, ...] = (
    Rule("aws-inline-secret",
         "--secret-string/--secret-binary with an inline value (aws secretsmanager, any "
         "spelling of the command)",
         ((Lit("--secret-"), _words("string", "binary"), Rep(Cls(QUOTES), 0, 1),
           Alt(((Lit("="),), (CONTINUED,))), Secret((value("file://", "fileb://"),))),)),
    Rule("json-secret-string",
         "SecretString/SecretBinary given inline (--cli-input-json, JSON, shorthand)",
         ((Lit("Secret"), _words("String", "Binary"), Rep(Cls("\\\"'"), 0, 3),
           Rep(Cls(" \t\n")), Cls(":="), Rep(Cls(" \t\n")),
           Secret((Rep(Cls("\\\"'"), 0, 3), Cls("\\\"'$ ,}\t\n", negate=True)))),),
         mask="json"),
    Rule("vault-kv-put",
         "vault kv put/patch with key=value on the command line",
         ((WORD_START, Lit("kv"), BLANKS, _words("put", "patch"), BLANK),
          (BLANK, Cls(WORD), Rep(Cls("A-Za-z0-9_.-")), Lit("="),
           Secret((value("@", "-"),))))),
    Rule("secret-assignment",
         "a PASSWORD/TOKEN/SECRET/API_KEY variable or option set inline "
         "(export X_PASSWORD=..., --password=..., docker run -e X_TOKEN=...)",
         ((Bound(WORD + QUOTES), *_ASSIGN, Secret((value("@"),))),),
         runs_a_process=False, unless=SAFESM_EXEC_REFS, hint=_ASSIGN_HINT),
    Rule("quoted-secret-assignment",
         "the same, quoted, as an option or declaration (docker run -e \"X_TOKEN=...\")",
         ((WORD_START, _words("-e", "--env", "--build-arg", "--set", "--set-string", "export",
                              "env", "declare", "typeset", "local", "readonly"),
           Star((BLANKS, Lit("-"), Rep(Cls("A-Za-z"), 1)), high=3), Rep(Cls(" \t="), 1),
           Cls(QUOTES), *_ASSIGN, Secret((Cls("\"'$` \t\n\\", negate=True),))),),
         mask="to-quote", unless=SAFESM_EXEC_REFS, hint=_ASSIGN_HINT),
    Rule("fish-set-secret",
         "fish `set` of a PASSWORD/TOKEN/SECRET variable with an inline value",
         ((WORD_START, Lit("set"), Star((BLANKS, Lit("-"), Rep(Cls("A-Za-z-"), 1))), BLANKS,
           *SECRET_NAME, BLANKS, Secret((value(),))),),
         runs_a_process=False, hint=(_SUFFIX_HINT, BLANK)),
    Rule("read-herestring",
         "read VAR <<< VALUE: a here-string with a literal value",
         (command("read"), _HERESTRING), runs_a_process=False),
    Rule("password-option",
         "--password/--token/--api-key VALUE (or =VALUE) on the command line",
         ((WORD_START, Lit("--"), _words("password", "passwd", "token", "api-key", "apikey",
                                         "access-token", "auth-token", "client-secret",
                                         fold=True),
           Alt(((Lit("="),), (BLANKS,))), Secret((value("@"),))),)),
    Rule("mysql-password",
         "mysql/mariadb -pPASSWORD (not -p alone, which prompts)",
         (command("mysql", "mariadb", tail=(Rep(Cls("a-z-")),)),
          (BLANK, Lit("-p"), Secret((value(),))))),
    Rule("curl-user-password",
         "curl -u user:password (not -u user, which prompts)",
         (command("curl"),
          (BLANK, _words("-u", "--user", "-U", "--proxy-user"), SOME_BLANK,
           Rep(Cls(QUOTES), 0, 1), Rep(Cls(SEP + QUOTES + ":", negate=True)), Lit(":"),
           Secret((Cls(SEP + QUOTES + "$`", negate=True),)))),
         hint=(Lit("-u"),)),  # rarer than "curl"; no run after it: "-u-u-u…" stays linear
    Rule("url-credentials",
         "credentials in a URL: scheme://user:password@host",
         ((Lit("://"), Rep(Cls(" \t\n/@:\"'\\", negate=True)), Lit(":"),
           Secret((Cls(" \t\n/@\"'\\$`", negate=True), Rep(Cls(" \t\n/@\"'", negate=True)))),
           Lit("@")),),
         mask="group", hint=(Lit("://"), Rep(Cls(" \t\n/@:", negate=True)), Lit(":"))),
    Rule("authorization-header",
         "an Authorization (or API key/token) header with its value",
         ((WORD_START, _words(*_HEADERS, fold=True), Rep(Cls(QUOTES), 0, 1), SOME_BLANK,
           Lit(":"), SOME_BLANK,
           Secret((Alt(((Rep(Cls("A-Za-z"), 1), BLANKS, value()),
                        (value(), Rep(Cls(" \t\n\"'", negate=True)),
                         Alt(((Cls("\"'\n"),), (End(),)))))),))),),
         mask="to-quote"),
    Rule("aws-configure-secret",
         "aws configure set (or a credentials file line) of a secret key or session token",
         ((Lit("aws_"), _words("secret_access_key", "session_token"), Rep(Cls(QUOTES), 0, 1),
           Alt(((BLANKS,), (SOME_BLANK, Lit("="), SOME_BLANK))), Secret((value(),))),)),
    Rule("safesm-put-argv",
         "safesm put NAME VALUE: the value typed on the command line (safesm refused it)",
         ((*SAFESM_PUT, Star((BLANKS, *_PUT_OPTION)), BLANKS,
           Alt(((*_POSITIONAL, Star((BLANKS, *_PUT_OPTION)), BLANKS,
                 Alt(((Lit("--"), BLANKS), ()))),
                (Lit("--"), BLANKS, Rep(Cls(SEP, negate=True), 1), BLANKS))),
           Secret((_SAFESM_VALUE,))),)),
    Rule("safesm-value-option",
         "safesm with a value option (--secret-string, --value, ...) on the command line",
         (command("safesm"),
          (BLANK, _words(*SAFESM_VALUE_OPTIONS, quoted=True), Alt(((Lit("="),), (BLANKS,))),
           Secret((value(),)))),
         hint=(_words(*(o.lower() for o in SAFESM_VALUE_OPTIONS)), Cls("= \t"))),
    Rule("safesm-herestring",
         "safesm put NAME <<< VALUE (or another command's here-string piped into it)",
         ((*SAFESM_PUT, SEP_OR_END), _HERESTRING)),
    Rule("safesm-heredoc",
         "a here-document into safesm put (or piped into it): the shell saves its body",
         ((*SAFESM_PUT, SEP_OR_END),
          (Bound("<"), Lit("<<"), Rep(Cls("-"), 0, 1), SOME_BLANK, Rep(Cls("\"'\\"), 0, 1),
           Secret((Cls(WORD),)))),
         mask="heredoc"),
    Rule("safesm-piped-literal",
         "echo/printf VALUE | safesm put NAME: a literal piped into safesm",
         ((*SAFESM_PUT, SEP_OR_END), (Lit("|"),),
          (WORD_START, _words("echo", "printf", quoted=True),
           Star((BLANKS, Lit("-"), Rep(Cls("A-Za-z"), 1))),
           Alt(((BLANKS, Alt(((Cls(QUOTES), Lit("%"), Rep(Cls(QUOTES + "\n", negate=True)),
                               Cls(QUOTES)),
                              (Lit("%"), Rep(Cls(SEP, negate=True)))))),
                ())),
           BLANKS, Secret((value(first_also="%"),)))),
         mask="args"),
    Rule("aws-access-key-id",
         "an AWS access key id (AKIA.../ASIA...)",
         ((Bound("A-Za-z0-9"), _words("AKIA", "ASIA"), Secret((Rep(Cls("A-Z0-9"), 16, 16),)),
           Alt(((Cls("A-Za-z0-9", negate=True),), (End(),)))),),
         mask="key"),
    Rule("private-key",
         "a PEM private key (BEGIN/END ... PRIVATE KEY lines)",
         ((Lit("PRIVATE KEY"), Rep(Cls(" A-Z"), 0, 6), Secret((Lit("-----"),))),),
         mask="pem"),
    Rule("secret-material",
         "a line of 40 or more base64 characters alone: a key body or secret access key",
         ((LineStart(), SOME_BLANK, Secret((Rep(Cls(_B64), 40),)), Rep(Cls("="), 0, 2),
           SOME_BLANK, LineEnd()),),
         mask="group", runs_a_process=False),
)
RULES_BY_ID = {r.id: r for r in RULES}
