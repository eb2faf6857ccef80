"""TAB on a secret name without click: the same candidates, in the same format, as click's
completion (safesm/complete.py), from the same source (namecache.names_for: a running
agent of this context, else the name cache file).

Answered here only when the words are plain (no quotes, backslashes or odd whitespace),
the cursor is at the NAME of one of NAME_COMMANDS with nothing but global options before
the command, and the settings involved need no checking beyond the AWS target and the
agent mode. Everything else returns None and click answers, as before.
"""

from __future__ import annotations

import os

from . import namecache
from .target import AGENT_MODES, agent_mode, aws_target, config_path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

# Commands whose first argument completes from the name cache; `get` takes several.
NAME_COMMANDS = ("get", "describe", "versions", "delete", "put")  # restore: click (deleted names)
GLOBAL_VALUES = {"--profile": "profile", "--region": "region", "--endpoint-url": "endpoint_url"}
GLOBAL_FLAGS = ("-q", "--quiet", "--debug")
# Settings config.load checks: with any of them set, click answers (it may answer nothing).
CHECKED_ENV = ("SAFESM_CONNECT_TIMEOUT", "SAFESM_READ_TIMEOUT", "SAFESM_MAX_ATTEMPTS",
               "AWS_MAX_ATTEMPTS", "SAFESM_CLIP_TIME")
CHECKED_KEYS = ("connect_timeout", "read_timeout", "max_attempts", "clip_timeout", "agent_ttl",
                "agent_idle")


def split_words(text: str) -> list[str] | None:
    """Words as click's shlex split gives them, for plain text only (else None)."""
    if any(c in "'\"\\" or (c.isspace() and c != " ") for c in text):
        return None
    return [w for w in text.split(" ") if w]


def completion_args(shell: str, env: Mapping[str, str]) -> tuple[list[str], str] | None:
    """(words before the cursor, the word being completed), as click reads them."""
    words = split_words(env.get("COMP_WORDS", ""))
    if words is None:
        return None
    if shell == "fish":
        current = split_words(env.get("COMP_CWORD", ""))
        if current is None:
            return None
        incomplete = current[0] if current else ""
        args = words[1:]
        if incomplete and args and args[-1] == incomplete:
            args.pop()
        return args, incomplete
    try:
        cword = int(env.get("COMP_CWORD", ""))
    except ValueError:
        return None
    return words[1:cword], (words[cword] if cword < len(words) else "")


def name_position(args: list[str]) -> dict[str, str] | None:
    """The global flags given, if the word after `args` is a secret NAME; else None."""
    flags: dict[str, str] = {}
    command, positionals = None, 0
    words = iter(args)
    for word in words:
        if command is not None:
            if word.startswith("-"):
                return None
            positionals += 1
            continue
        option, eq, value = word.partition("=")
        if option in GLOBAL_VALUES:
            value = value if eq else next(words, "")
            if not value or value.startswith("-") or GLOBAL_VALUES[option] in flags:
                return None
            flags[GLOBAL_VALUES[option]] = value
        elif word in GLOBAL_FLAGS:
            continue
        elif word in NAME_COMMANDS:
            command = word
        else:
            return None
    if command is None or (command != "get" and positionals):
        return None
    return flags


def _config(env: Mapping[str, str]) -> dict[str, Any] | None:
    """The config file's contents; None when reading it is the CLI's business."""
    path = config_path(env)
    if not os.path.exists(path):
        return {}
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # Python 3.10
        import tomli as tomllib
    try:
        with open(path, "rb") as fh:
            data: dict[str, Any] = tomllib.load(fh)
    except (OSError, ValueError):
        return None
    return data


def candidates(args: list[str], incomplete: str, env: Mapping[str, str]) -> list[str] | None:
    flags = name_position(args)
    if flags is None or incomplete.startswith("-") or any(v in env for v in CHECKED_ENV):
        return None
    file = _config(env)
    if file is None or any(k in file for k in CHECKED_KEYS):
        return None
    mode = agent_mode(env, file)
    if mode not in AGENT_MODES:
        return None
    target = aws_target(flags, env, file)
    return namecache.complete(namecache.names_for(target, mode != "off"), incomplete)


def answer(env: Mapping[str, str]) -> str | None:
    """What click would print for this completion request, or None to let click do it."""
    shell, _, action = env.get("_SAFESM_COMPLETE", "").partition("_")
    if action != "complete" or shell not in ("bash", "zsh", "fish"):
        return None
    parsed = completion_args(shell, env)
    if parsed is None:
        return None
    try:
        names = candidates(*parsed, env)
    except Exception:  # noqa: BLE001 (click's path decides what a failure shows)
        return None
    if names is None:
        return None
    if shell == "zsh":
        return "".join(f"plain\n{n}\n_\n" for n in names) or "\n"
    return "".join(f"plain,{n}\n" for n in names) or "\n"
