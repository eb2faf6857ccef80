"""What one run of safesm carries: settings, the terminal and streams, per-run state.

Like httpie's ``Environment``: commands never look at ``sys.stdin.isatty()`` or module
globals; they ask the ``Runtime`` on ``ctx.obj``. Tests inject an ``Environment`` (a
terminal that is not there, a closed stdout) and run the CLI in-process in
milliseconds. Nothing here imports botocore, click or prompt-toolkit.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import IO, TYPE_CHECKING, Any, BinaryIO

from .config import Settings
from .redact import Redactor

if TYPE_CHECKING:
    from .aws.store import SecretStore
    from .values import SecretValue


def _binary(stream: IO[str] | None) -> BinaryIO:
    """The byte stream under a text stream (CliRunner's streams and files have one)."""
    if stream is None:
        raise ValueError("the stream is closed")
    buffer: BinaryIO = stream.buffer  # type: ignore[attr-defined]
    return buffer


def _isatty(stream: IO[str] | IO[bytes] | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (ValueError, OSError):  # a closed stream is no terminal
        return False


@dataclass
class Environment:
    """The process's streams and whether each is a terminal. None: the stream is closed."""

    stdin: IO[str] | None = None
    stdout: IO[str] | None = None
    stderr: IO[str] | None = None
    stdin_isatty: bool = False
    stdout_isatty: bool = False
    stderr_isatty: bool = False
    environ: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_process(cls, **overrides: Any) -> Environment:
        """This process's streams; tests override what is a terminal."""
        found = cls(sys.stdin, sys.stdout, sys.stderr, _isatty(sys.stdin), _isatty(sys.stdout),
                    _isatty(sys.stderr), os.environ)
        return replace(found, **overrides)

    def stdout_bytes(self) -> BinaryIO:
        """stdout for exact bytes (values are written byte for byte)."""
        return _binary(self.stdout)

    def stdin_bytes(self) -> BinaryIO:
        return _binary(self.stdin)

    def say(self, message: str) -> None:
        """One line on stderr (a closed stderr swallows it)."""
        if self.stderr is None:
            return
        try:
            self.stderr.write(message + "\n")
            self.stderr.flush()
        except (OSError, ValueError):
            pass


@dataclass
class RunState:
    """Per-run state that used to be module globals: the values held (for the log filter)
    and the notices already given once."""

    redactor: Redactor = field(default_factory=Redactor)
    told: set[str] = field(default_factory=set)


@dataclass
class Runtime:
    """ctx.obj of every command: settings, terminal I/O and per-run state."""

    settings: Settings
    env: Environment
    state: RunState = field(default_factory=RunState)
    flags: dict[str, Any] = field(default_factory=dict)  # the global options, as given

    def apply_flags(self, **given: Any) -> None:
        """Global options given after the command (`safesm get x --region eu-west-1`, as
        the AWS CLI allows) count as if given before it: the settings are resolved again,
        flags first, so precedence and checks are the same wherever an option stands."""
        from . import config

        self.flags.update(given)
        self.settings = config.load(self.flags, self.env.environ)
        if given.get("debug"):
            from .hardening import enable_debug_logging

            enable_debug_logging(self.state.redactor)

    def notice(self, message: str) -> None:
        """Information on stderr, silenced by --quiet."""
        if not self.settings.quiet:
            self.env.say(message)

    def warn(self, message: str) -> None:
        """Warnings show even with --quiet: they are about safety."""
        self.env.say(f"safesm: warning: {message}")

    def tell_once(self, message: str, quiet_ok: bool = True) -> None:
        """A notice given at most once per run (e.g. 'MFA sessions are not cached')."""
        if message in self.state.told:
            return
        self.state.told.add(message)
        if not (quiet_ok and self.settings.quiet):
            self.env.say(message)

    def hold(self, value: SecretValue) -> SecretValue:
        """Register a value with this run's log filter."""
        return self.state.redactor.remember(value)

    def store(self, region: str | None = None) -> SecretStore:
        """A SecretStore (for another Region than the settings' if given); imported here so
        that --help never loads botocore."""
        from .aws.store import SecretStore

        settings = replace(self.settings, region=region) if region else self.settings
        slow = self.notice if self.env.stderr_isatty else None  # never on a pipe
        return SecretStore(settings, redactor=self.state.redactor, notify=self.tell_once,
                           progress=slow)

    @property
    def notifier(self) -> Callable[[str], None]:
        return self.tell_once
