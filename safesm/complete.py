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


def _cached(ctx: click.Context, incomplete: str, deleted: bool) -> list[Any]:
    try:
        settings = _settings(ctx)
        path = namecache.cache_file(settings)
        if namecache.is_stale(path):
            namecache.request_refresh(settings)
        if deleted:
            path = namecache.deleted_file(settings)
        names = namecache.complete(namecache.read_names(path), incomplete)
        return [CompletionItem(n) for n in names]
    except Exception:  # completion must never break the user's line
        return []


def secret_names(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    return _cached(ctx, incomplete, deleted=False)


def deleted_names(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """`restore <TAB>`: the secrets scheduled for deletion."""
    return _cached(ctx, incomplete, deleted=True)


def mapping_names(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """`-e VAR=NAME`: secret names once the `=` is typed."""
    var, sep, rest = incomplete.partition("=")
    if not sep:
        return []
    return [CompletionItem(f"{var}={item.value}") for item in secret_names(ctx, param, rest)]


def secret_prefixes(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """`--prefix`: the folders of cached names (the parts ending in '/')."""
    return [item for item in secret_names(ctx, param, incomplete)
            if str(item.value).endswith("/")]


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


WORDBREAKS = "=:"  # in bash's default COMP_WORDBREAKS, and in `-e VAR=NAME` or an ARN


class SafesmBash(BashComplete):
    """click's bash script, plus: each candidate is inserted quoted (printf %q), as zsh and
    fish do, so a name holding `$(...)`, backquotes, `;` or glob characters is text on the
    command line and never runs on Enter; lines are read without word splitting, globbing
    or backslash processing; no space after a name segment ending in '/'; and words read
    from the line itself. bash splits `-e DB=db/` into `DB`, `=`, `db/` (COMP_WORDS breaks
    at COMP_WORDBREAKS); click would then see `=` as an argument. The script also passes
    COMP_LINE and COMP_POINT, the words are split from them as the shell would, and each
    answer loses what bash keeps before the break (`DB=`)."""

    source_template = _patched(
        _patched(
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
        ),
        "response=$(env COMP_WORDS=",
        'response=$(env COMP_LINE="$COMP_LINE" COMP_POINT="$COMP_POINT" COMP_WORDS=',
    )

    def get_completion_args(self) -> tuple[list[str], str]:
        line, point = os.environ.get("COMP_LINE"), os.environ.get("COMP_POINT", "")
        if not line or not point.isdigit():
            return super().get_completion_args()
        from click.shell_completion import split_arg_string

        before = line[: int(point)]
        words = split_arg_string(before)
        if not words or before[-1:].isspace():
            return words[1:], ""
        return words[1:-1], words[-1]

    def complete(self) -> str:
        args, incomplete = self.get_completion_args()
        cut = max(incomplete.rfind(c) for c in WORDBREAKS) + 1
        if not os.environ.get("COMP_LINE"):
            cut = 0
        items = self.get_completions(args, incomplete)
        return "\n".join(self.format_completion(CompletionItem(str(i.value)[cut:], type=i.type,
                                                               help=i.help))
                         for i in items)


class SafesmZsh(ZshComplete):
    """click's zsh script, plus: no space after a name segment ending in '/'; and the
    second TAB of a session works too (click's script, autoloaded from $fpath, runs as the
    function `_safesm` from then on, where it only re-registered itself: that TAB did
    nothing)."""

    source_template = _patched(_patched(
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
    ), "if [[ $zsh_eval_context[-1] == loadautofunc ]]; then",
        "if [[ $zsh_eval_context[-1] == (loadautofunc|shfunc) ]]; then")


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
