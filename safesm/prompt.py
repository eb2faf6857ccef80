"""Hidden, confirmed value entry on the terminal (prompt-toolkit, imported only here).

The prompt draws on stderr so that `safesm put NAME --json > meta.json` still shows
it, and every typed character is masked with '*'.
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

from .errors import InterruptedError_, InvalidValueError
from .values import SecretValue, check_value

MAX_ATTEMPTS = 3


def _prompt(message: str, cancelled: str, tty: tuple[TextIO, TextIO] | None = None,
            **kwargs: Any) -> str:
    """One prompt-toolkit question: drawn on stderr, or on `tty` (its input and output)."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.input import create_input
    from prompt_toolkit.output import create_output

    if tty is None:
        session: PromptSession[str] = PromptSession(output=create_output(stdout=sys.stderr))
    else:
        session = PromptSession(input=create_input(tty[0]), output=create_output(stdout=tty[1]))
    try:
        return session.prompt(message, **kwargs)
    except (KeyboardInterrupt, EOFError):
        raise InterruptedError_(f"cancelled; {cancelled}.") from None


def ask_value(name: str, multiline: bool = False, binary: bool = False) -> SecretValue:
    """Ask twice; a mismatch asks again, at most three times, then gives up."""
    suffix = " (Esc then Enter to finish)" if multiline else ""
    hidden: dict[str, Any] = {"is_password": True, "multiline": multiline}
    cancelled = "nothing was written"
    for attempt in range(1, MAX_ATTEMPTS + 1):
        first = _prompt(f"Value for {name}{suffix}: ", cancelled, **hidden)
        second = _prompt(f"Again, to confirm{suffix}: ", cancelled, **hidden)
        if first == second:
            return check_value(first.encode("utf-8"), binary=binary)
        left = MAX_ATTEMPTS - attempt
        if left:
            sys.stderr.write(f"The two entries differ; try again ({left} left).\n")
            sys.stderr.flush()
    raise InvalidValueError(f"the entries differed {MAX_ATTEMPTS} times; nothing was written.")


def confirm(message: str) -> bool:
    """A yes/no question on the terminal; anything but y/yes is no."""
    answer = _prompt(f"{message} [y/N] ", cancelled="nothing was changed")
    return answer.strip().lower() in {"y", "yes"}


def ask_line(message: str) -> str:
    """A visible single-line answer (e.g. typing a name to confirm a deletion)."""
    return _prompt(message, cancelled="nothing was changed")


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
