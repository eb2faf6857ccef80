"""The console entry point. Before click (or any dataclass, enum or json) is imported it
decides whether this run is one it can answer with the standard library alone:

- a plain `get` to a pipe or file: from a running agent of the same context
  (safesm/agent/client.py); without one, directly through botocore but without click
  (safesm/direct.py), through the same door for errors (safesm/outcome.py);
- TAB on a secret name (safesm/lean_complete.py).

Anything else, and anything this parser does not fully understand (an unknown option,
a value that starts with '-', `--`, a repeated option, a terminal on stdout, a closed
stdout, --debug, --help ...), runs the full CLI unchanged, so argv refusals and every
other rule stay where they are. Output is the same bytes either way.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .agent.client import Values

# Global options this parser knows. After the command they are accepted only once the
# full CLI accepts them there too (tests/unit/test_lean.py keeps the two in step).
GLOBALS_AFTER_COMMAND = True
GLOBAL_VALUES = ("--profile", "--region", "--endpoint-url")
GLOBAL_FLAGS = ("-q", "--quiet")
GET_FLAGS = ("--print", "--fresh")
FLAG_KEYS = {"--profile": "profile", "--region": "region", "--endpoint-url": "endpoint_url"}


class GetCall:
    """A plain `get`: names, an optional --field, --fresh, and the AWS flags given."""

    __slots__ = ("names", "field", "fresh", "flags")

    def __init__(self) -> None:
        self.names: list[str] = []
        self.field: str | None = None
        self.fresh = False
        self.flags: dict[str, str | None] = {}


def parse_get(args: list[str]) -> GetCall | None:
    """The call if `args` is a plain get this path can answer, else None (full CLI)."""
    call, command, seen = GetCall(), None, set()
    words = iter(args)
    for word in words:
        option, eq, value = word.partition("=") if word.startswith("--") else (word, "", "")
        if option in GLOBAL_VALUES or (command and option == "--field"):
            if command and option != "--field" and not GLOBALS_AFTER_COMMAND:
                return None
            value = value if eq else next(words, "")
            if not value or value.startswith("-") or option in seen:
                return None
            seen.add(option)
            if option == "--field":
                call.field = value
            else:
                call.flags[FLAG_KEYS[option]] = value
        elif word in GLOBAL_FLAGS:
            if command and not GLOBALS_AFTER_COMMAND:
                return None
        elif command and word in GET_FLAGS:
            call.fresh = call.fresh or word == "--fresh"
        elif not word or word.startswith("-") or (command is None and word != "get"):
            return None
        elif command is None:
            command = word
        else:
            call.names.append(word)
    return call if command and call.names else None


def _stdout_is_a_pipe_or_file() -> bool:
    """A terminal gets the clipboard path, a closed stdout an error: both are the CLI's."""
    try:
        os.fstat(1)
    except OSError:
        return False
    return not os.isatty(1)


class _Terminated(BaseException):  # noqa: N818 (a signal, like KeyboardInterrupt)
    pass


def output(call: GetCall, values: Values) -> bytes | None:
    """The bytes `get` writes: one value as stored, several as one JSON object; None when
    the CLI must say why not (a binary value cannot go into JSON)."""
    if len(call.names) == 1:
        return values[0][0]
    if any(binary for _, binary in values):
        return None
    import json

    try:
        doc = {name: data.decode("utf-8") for name, (data, _) in zip(call.names, values,
                                                                     strict=True)}
    except UnicodeDecodeError:
        return None
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def write_all(data: bytes) -> int:
    """Exact bytes to stdout; a reader that went away is no error (as in the CLI)."""
    view = memoryview(data)
    try:
        while view:
            view = view[os.write(1, view):]
    except BrokenPipeError:
        return 0
    except OSError as exc:
        from .outcome import unexpected

        return unexpected(exc, False)
    return 0


def serve_get(call: GetCall) -> int:
    """From a running agent of this context, else directly (without click)."""
    why = "SAFESM_AGENT=off"
    if os.environ.get("SAFESM_AGENT") != "off":
        from .agent import client
        from .protect import protect_process

        protect_process()
        values, why = client.fetch(call.flags, call.names, call.field, call.fresh)
        data = None if values is None else output(call, values)
        if data is not None:
            return write_all(data)
    from .direct import Get, get

    return get(Get(call.names, call.field, call.fresh, call.flags, why))


def _answer_get(call: GetCall) -> int:
    """SIGTERM and Ctrl-C end it as they end the CLI: one line, exit 143 or 130."""
    import _signal  # type: ignore[import-not-found]  # the signal module without its enums

    def on_sigterm(signum: int, frame: object) -> None:
        _signal.signal(_signal.SIGTERM, _signal.SIG_DFL)  # a second one ends us at once
        raise _Terminated()

    _signal.signal(_signal.SIGTERM, on_sigterm)
    try:
        return serve_get(call)
    except KeyboardInterrupt:
        sys.stderr.write("safesm: interrupted.\n")
        return 130
    except _Terminated:
        sys.stderr.write("safesm: terminated.\n")
        return 143


def main() -> None:
    user_umask = os.umask(0o077)  # every file safesm writes is private
    if os.environ.get("_SAFESM_COMPLETE"):
        from .lean_complete import answer

        out = answer(os.environ)
        if out is not None:
            write_all(out.encode("utf-8"))
            sys.exit(0)
    else:
        call = parse_get(sys.argv[1:])
        if call is not None and _stdout_is_a_pipe_or_file():
            sys.exit(_answer_get(call))
    from .cli import main as full_cli

    os.umask(user_umask)  # the full CLI records it (exec gives it back) and sets 077 again
    full_cli()
