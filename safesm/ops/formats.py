"""Pure: variables written out for `safesm env --format`, quoted so that any value reads
back exactly (newlines, quotes, `$`, backslashes, unicode).

- dotenv: `NAME="..."` with backslash escapes for `\\`, `"`, newline and carriage
  return, the dialect python-dotenv (and docker compose) read. A reader that expands
  `${VAR}` (python-dotenv's default) expands it inside values too: read with
  interpolation off (`dotenv_values(path, interpolate=False)`).
- shell: `export NAME='...'`, single quotes with `'` written `'\\''`, for `source`/`eval`
  in sh, bash and zsh.
- json: one object {"NAME": "value"}.
- github-actions: the `$GITHUB_ENV` heredoc form `NAME<<DELIMITER ... DELIMITER`, with a
  delimiter that occurs in no value; and `::add-mask::` workflow commands, one per line of
  each value, which the command writes to stderr (the runner reads commands there too).
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

FORMATS = ("dotenv", "shell", "json", "github-actions")


@dataclass(frozen=True)
class Rendered:
    """The text for stdout or the file, and workflow commands for stderr (github-actions)."""

    body: str
    commands: str = ""

    def __repr__(self) -> str:
        return "Rendered(****)"


def dotenv_quote(value: str) -> str:
    escaped = (value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r"))
    return f'"{escaped}"'


def shell_quote(value: str) -> str:
    return "'" + value.replace("'", "'\\''") + "'"


def delimiter(values: Sequence[str], token: str | None = None) -> str:
    """A heredoc delimiter found in no value (random, as GitHub's own toolkit does)."""
    while True:
        candidate = f"ghadelimiter_{token or secrets.token_hex(16)}"
        if not any(candidate in v for v in values):
            return candidate
        token = None


def _command_data(text: str) -> str:
    """Escape workflow-command data as the runner unescapes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def add_mask_lines(values: Sequence[str]) -> list[str]:
    """One `::add-mask::` per non-blank line of each value: the runner masks line by line,
    so a multi-line value is masked by its lines."""
    lines: dict[str, None] = {}
    for value in values:
        for line in re.split(r"\r\n|\r|\n", value):
            if line.strip():
                lines[f"::add-mask::{_command_data(line)}"] = None
    return list(lines)


def render(fmt: str, pairs: Sequence[tuple[str, str]]) -> Rendered:
    """`pairs` are (NAME, value) in order; NAME is a valid variable name."""
    if fmt == "dotenv":
        return Rendered("".join(f"{n}={dotenv_quote(v)}\n" for n, v in pairs))
    if fmt == "shell":
        return Rendered("".join(f"export {n}={shell_quote(v)}\n" for n, v in pairs))
    if fmt == "json":
        return Rendered(json.dumps(dict(pairs), ensure_ascii=False, indent=2) + "\n")
    if fmt == "github-actions":
        values = [v for _, v in pairs]
        end = delimiter(values)
        body = "".join(f"{n}<<{end}\n{v}\n{end}\n" for n, v in pairs)
        masks = add_mask_lines(values)
        return Rendered(body, "".join(m + "\n" for m in masks))
    raise ValueError(f"unknown format {fmt!r}")
