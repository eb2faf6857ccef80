"""Hidden, confirmed value entry on the terminal (prompt-toolkit, imported only here).

The prompt draws on stderr so that `safesm put NAME --json > meta.json` still shows
it, and every typed character is masked with '*'. Three rules keep a value off the
screen whatever the terminal:

- `hush_terminal()` turns the terminal's echo off first thing in a run that will ask
  for a value, so text typed or pasted before the prompt is drawn is not shown;
  `discard_typeahead()` then drops it (as glibc's getpass does), so it is never taken
  as an answer.
- Cursor-position requests (CPR) are never sent: a terminal that does not answer them
  would stall each prompt and print a warning.
- A dumb terminal (TERM=dumb, unknown or unset) gets a plain prompt: echo off, one line
  read as the terminal's own line editing gives it — no escape sequences.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import IO, Any, TextIO

from .errors import InterruptedError_, InvalidValueError, NotConfirmed
from .values import SecretValue, check_value

MAX_ATTEMPTS = 3
DUMB_TERMS = {"", "dumb", "unknown"}


# the terminal itself ------------------------------------------------------------------------


def _fd(stream: IO[Any] | None) -> int | None:
    """The descriptor of a stream that is a terminal, else None (pipes, test runners)."""
    try:
        if stream is not None and stream.isatty():
            return stream.fileno()
    except (OSError, ValueError, AttributeError):
        pass
    return None


def hush_terminal(stream: IO[Any] | None = None) -> Callable[[], None]:
    """Turn off the terminal's echo now (line editing stays); returns the undo.

    Called before anything slow (imports, the network), so keys pressed while safesm
    starts are not shown. Nothing happens when `stream` (stdin) is not a terminal.
    """
    fd = _fd(sys.stdin if stream is None else stream)
    if fd is None or sys.platform == "win32" or not _in_foreground(fd):
        return lambda: None
    import termios

    try:
        saved = termios.tcgetattr(fd)
        quiet = termios.tcgetattr(fd)
        quiet[3] &= ~(termios.ECHO | termios.ECHONL)
        termios.tcsetattr(fd, termios.TCSANOW, quiet)
    except termios.error:
        return lambda: None

    def restore() -> None:
        try:
            termios.tcsetattr(fd, termios.TCSANOW, saved)
        except termios.error:
            pass

    return restore


def _in_foreground(fd: int) -> bool:
    """Whether this process owns the terminal: a background job (`safesm put x --file f &`)
    that changed its modes would be stopped by SIGTTOU."""
    try:
        return os.tcgetpgrp(fd) == os.getpgrp()
    except OSError:
        return False


def discard_typeahead(stream: IO[Any] | None = None) -> None:
    """Drop input typed before the prompt was ready: it was not meant as the answer."""
    fd = _fd(sys.stdin if stream is None else stream)
    if fd is None or sys.platform == "win32" or not _in_foreground(fd):
        return
    import termios

    try:
        termios.tcflush(fd, termios.TCIFLUSH)
    except termios.error:
        pass


def is_dumb(environ: Any = None) -> bool:
    """TERM says the terminal understands no escape sequences (or says nothing)."""
    term = (os.environ if environ is None else environ).get("TERM", "")
    return sys.platform != "win32" and term.lower() in DUMB_TERMS


# one question -------------------------------------------------------------------------------


def _prompt(message: str, cancelled: str, tty: tuple[TextIO, TextIO] | None = None,
            **kwargs: Any) -> str:
    """One prompt-toolkit question: drawn on stderr, or on `tty` (its input and output)."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.input import create_input
    from prompt_toolkit.output import create_output

    output = create_output(stdout=sys.stderr if tty is None else tty[1])
    output.enable_cpr = False  # type: ignore[attr-defined]  # (Vt100 only) never ask, never stall
    if tty is None:
        session: PromptSession[str] = PromptSession(output=output)
    else:
        session = PromptSession(input=create_input(tty[0]), output=output)
    discard_typeahead(sys.stdin if tty is None else tty[0])
    try:
        return session.prompt(message, **kwargs)
    except (KeyboardInterrupt, EOFError):
        raise InterruptedError_(f"cancelled; {cancelled}.") from None


def _plain(message: str, cancelled: str, hidden: bool = True, to_eof: bool = False) -> str:
    """A question for a dumb terminal: the message, then the terminal's own line editing,
    echo off when `hidden`; `to_eof` reads lines until Ctrl-D."""
    import termios

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    mode = termios.tcgetattr(fd)
    mode[3] = mode[3] & ~termios.ECHO if hidden else mode[3] | termios.ECHO
    sys.stderr.write(message)
    sys.stderr.flush()
    try:
        termios.tcsetattr(fd, termios.TCSAFLUSH, mode)  # TCSAFLUSH: drops type-ahead too
        return _read_answer(fd, to_eof)
    except KeyboardInterrupt:
        raise InterruptedError_(f"cancelled; {cancelled}.") from None
    finally:
        termios.tcsetattr(fd, termios.TCSANOW, saved)
        if hidden:
            sys.stderr.write("\n")
            sys.stderr.flush()


def _read_answer(fd: int, to_eof: bool) -> str:
    data = b""
    while True:
        chunk = os.read(fd, 65_536)
        if not chunk:  # Ctrl-D
            if not data and not to_eof:
                raise KeyboardInterrupt
            break
        data += chunk
        if not to_eof and data.endswith(b"\n"):
            data = data[:-1]
            break
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidValueError("the value typed is not valid UTF-8; nothing was written.",
                                "Use --binary with --file PATH for bytes.") from None


def _ask(message: str, cancelled: str, hidden: bool = True, multiline: bool = False) -> str:
    if is_dumb():
        return _plain(message, cancelled, hidden, to_eof=multiline)
    kwargs: dict[str, Any] = {"is_password": hidden}
    if multiline:
        kwargs.update(multiline=True, key_bindings=_ctrl_d_finishes())
    return _prompt(message, cancelled, **kwargs)


def _ctrl_d_finishes() -> Any:
    """Ctrl-D ends a multi-line entry (as `pass insert -m` does); on an empty one it
    cancels. Esc then Enter still finishes too."""
    from prompt_toolkit.key_binding import KeyBindings

    keys = KeyBindings()

    @keys.add("c-d")
    def _finish(event: Any) -> None:
        if event.current_buffer.text:
            event.current_buffer.validate_and_handle()
        else:
            event.app.exit(exception=EOFError)

    return keys


# what safesm asks ----------------------------------------------------------------------------


def ask_value(label: str, multiline: bool = False, binary: bool = False) -> SecretValue:
    """The value for `label` ("db/prod", "password in app/db"): typed twice; or, with
    `multiline`, pasted once and confirmed by its line and byte counts (never its text)."""
    cancelled = "nothing was written"
    if multiline:
        return _ask_multiline(label, binary, cancelled)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        first = _ask(f"Value for {label}: ", cancelled)
        second = _ask("Again, to confirm: ", cancelled)
        if first == second:
            return check_value(first.encode("utf-8"), binary=binary)
        left = MAX_ATTEMPTS - attempt
        if left:
            sys.stderr.write(f"The two entries differ; try again ({left} left).\n")
            sys.stderr.flush()
    raise InvalidValueError(f"the entries differed {MAX_ATTEMPTS} times; nothing was written.")


def _ask_multiline(label: str, binary: bool, cancelled: str) -> SecretValue:
    text = _ask(f"Value for {label} (paste or type it, then Ctrl-D on a new line):\n",
                cancelled, multiline=True)
    value = check_value(text.encode("utf-8"), binary=binary)
    if not confirm(f"Got {counts(value.reveal())}. Store it?"):
        raise NotConfirmed(f"not confirmed; {cancelled}.")
    return value


def counts(data: bytes) -> str:
    """'3 lines, 120 bytes': what a person can check a paste by, without showing it."""
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
    return f"{lines} line{'s' * (lines != 1)}, {len(data)} byte{'s' * (len(data) != 1)}"


def confirm(message: str) -> bool:
    """A yes/no question on the terminal; anything but y/yes is no."""
    answer = _ask(f"{message} [y/N] ", cancelled="nothing was changed", hidden=False)
    return answer.strip().lower() in {"y", "yes"}


def ask_line(message: str) -> str:
    """A visible single-line answer (e.g. typing a name to confirm a deletion)."""
    return _ask(message, cancelled="nothing was changed", hidden=False)


def ask_on_terminal(message: str, cancelled: str) -> str | None:
    """Hidden entry on the controlling terminal, even when stdin and stdout are pipes.

    Like aws-vault, this reads /dev/tty rather than stdin, so `safesm get x | tool` and
    `tool | safesm put x` can still ask a person for an MFA code. None when the process
    has no terminal (cron, CI, a detached refresher): the caller must not hang waiting.
    """
    if sys.platform == "win32":
        return _prompt(message, cancelled, is_password=True) if sys.stdin.isatty() else None
    try:
        tty_in = open("/dev/tty", encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError:
        return None
    with tty_in, open("/dev/tty", "w", encoding="utf-8") as tty_out:
        return _prompt(message, cancelled, tty=(tty_in, tty_out), is_password=True)
