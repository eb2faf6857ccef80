"""Every outcome of a run becomes a message and an exit code here: the one door.

`cli.run` passes click's own exceptions through `other`; the click-free `get` path
(safesm/direct.py) comes through the same door, so an error reads the same either way.
Nothing here imports click.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

from .errors import CommandExited, ExitCode, SafesmError, Terminated


def say(text: str) -> None:
    """A line on stderr; a closed stderr swallows it."""
    stream = sys.stderr
    if stream is None:
        return
    try:
        stream.write(text + "\n")
        stream.flush()
    except (OSError, ValueError):
        pass


def report(err: SafesmError) -> None:
    from .render import error

    if err.details:
        say(err.details)
    say(error(err.message, err.hint))


def unexpected(exc: BaseException, debug: bool) -> int:
    """A bug: show where, never the message (it may hold a value)."""
    say(f"safesm: unexpected error ({type(exc).__name__}); this is a bug, please report it.")
    if debug:
        import traceback

        say("".join(traceback.format_tb(exc.__traceback__)))
    return ExitCode.UNEXPECTED


def guarded(invoke: Callable[[], Any], debug: bool,
            other: Callable[[Exception], int | None] | None = None) -> int:
    """Run `invoke` and turn every outcome into an exit code. `other` may claim an
    exception it knows (click's), returning its exit code; None leaves it a bug."""
    try:
        invoke()
        return ExitCode.OK
    except SafesmError as err:
        report(err)
        return err.exit_code
    except KeyboardInterrupt:
        say("safesm: interrupted.")
        return ExitCode.INTERRUPTED
    except Terminated:
        say("safesm: terminated.")
        return ExitCode.TERMINATED
    except CommandExited as exc:  # exec --mask: the command's own exit code
        return exc.code
    except BrokenPipeError:
        return ExitCode.OK
    except Exception as exc:
        code = other(exc) if other is not None else None
        return unexpected(exc, debug) if code is None else code


def flush_stdout() -> None:
    """`safesm list | head -1` closes the pipe early: that is no error, and must not end in
    Python's 'Exception ignored ... BrokenPipeError' at exit. A closed stdout has no flush."""
    if sys.stdout is None:
        return
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _on_sigterm(signum: int, frame: Any) -> None:
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM ends us at once
    raise Terminated()


def handle_sigterm() -> Any:
    """SIGTERM unwinds like Ctrl-C (no traceback, temp files removed) and exits 143.
    Returns the previous handler, for callers that run safesm in-process."""
    import signal

    try:
        return signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:  # not the main thread (e.g. an embedding test runner)
        return None


def restore_sigterm(previous: Any) -> None:
    import signal

    if previous is not None:
        try:
            signal.signal(signal.SIGTERM, previous)
        except ValueError:
            pass
