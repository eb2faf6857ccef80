"""TAB completion: secret names from the local cache, profiles, regions, shell scripts.

Everything here runs on every TAB press, so it reads small local files only: no
botocore import, no network, no prompt, and any failure yields no candidates rather
than an error in the user's command line.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import click
from click.shell_completion import BashComplete, CompletionItem, ZshComplete, add_completion_class

from . import namecache

SHELLS = ("bash", "zsh", "fish")


def _settings(ctx: click.Context) -> Any:
    from . import config

    root = ctx.find_root().params
    return config.load({k: root.get(k) for k in ("profile", "region", "endpoint_url")})


def secret_names(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    try:
        settings = _settings(ctx)
        names = namecache.names_for(settings, settings.agent != "off")
        return [CompletionItem(n) for n in namecache.complete(names, incomplete)]
    except Exception:  # completion must never break the user's line
        return []


def _profile_names(env: Mapping[str, str]) -> set[str]:
    import configparser

    from .config import home_dir

    aws = os.path.join(home_dir(env), ".aws")
    files = {
        env.get("AWS_CONFIG_FILE", os.path.join(aws, "config")): "profile ",
        env.get("AWS_SHARED_CREDENTIALS_FILE", os.path.join(aws, "credentials")): "",
    }
    names: set[str] = set()
    for path, prefix in files.items():
        parser = configparser.RawConfigParser()
        try:
            parser.read(path, encoding="utf-8")
        except (configparser.Error, UnicodeDecodeError):
            continue
        for section in parser.sections():
            if section == "default" or not prefix:
                names.add(section)
            elif section.startswith(prefix):
                names.add(section[len(prefix):].strip())
    return names


def profiles(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    try:
        return [CompletionItem(p) for p in sorted(_profile_names(os.environ))
                if p.startswith(incomplete)]
    except Exception:
        return []


def _region_names() -> set[str]:
    """Regions from botocore's own endpoints.json, read as data: botocore is not imported."""
    from .regions import known_regions

    return set(known_regions())


def regions(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    try:
        return [CompletionItem(r) for r in sorted(_region_names()) if r.startswith(incomplete)]
    except Exception:
        return []


def _patched(template: str, old: str, new: str) -> str:
    if old not in template:
        raise RuntimeError("click's completion template changed; update safesm/complete.py")
    return template.replace(old, new)


class SafesmBash(BashComplete):
    """click's bash script, plus: each candidate is inserted quoted (printf %q), as zsh and
    fish do, so a name holding `$(...)`, backquotes, `;` or glob characters is text on the
    command line and never runs on Enter; lines are read without word splitting, globbing
    or backslash processing; and no space after a name segment ending in '/'."""

    source_template = _patched(
        _patched(
            _patched(
                _patched(BashComplete.source_template,
                         "    for completion in $response; do\n",
                         "    while IFS= read -r completion; do\n"
                         "        [[ -z $completion ]] && continue\n"),
                "        IFS=',' read type value <<< \"$completion\"\n",
                "        IFS=',' read -r type value <<< \"$completion\"\n"),
            "    done\n",
            "    done <<< \"$response\"\n"),
        "            COMPREPLY+=($value)\n",
        "            [[ $value == */ ]] && compopt -o nospace\n"
        "            printf -v value '%%q' \"$value\"\n"
        "            COMPREPLY+=(\"$value\")\n",
    )


class SafesmZsh(ZshComplete):
    """click's zsh script, plus: no space after a name segment ending in '/'."""

    source_template = _patched(
        _patched(
            _patched(ZshComplete.source_template, "    local -a completions\n",
                     "    local -a completions\n    local -a completions_nospace\n"),
            '            if [[ "$descr" == "_" ]]; then\n                completions+=("$key")',
            '            if [[ "$descr" == "_" && "$key" == */ ]]; then\n'
            '                completions_nospace+=("$key")\n'
            '            elif [[ "$descr" == "_" ]]; then\n                completions+=("$key")',
        ),
        '    if [ -n "$completions" ]; then',
        '    if [ -n "$completions_nospace" ]; then\n'
        "        compadd -U -V unsorted -S '' -a completions_nospace\n    fi\n\n"
        '    if [ -n "$completions" ]; then',
    )


def register_shells() -> None:
    add_completion_class(SafesmBash, "bash")
    add_completion_class(SafesmZsh, "zsh")


def script(cli: click.Command, shell: str) -> str:
    """The completion script for `shell`, exactly what completions/ holds."""
    from click.shell_completion import get_completion_class

    register_shells()
    cls = get_completion_class(shell)
    if cls is None:
        raise click.BadParameter(f"unsupported shell {shell!r}")
    return cls(cli, {}, "safesm", "_SAFESM_COMPLETE").source()
