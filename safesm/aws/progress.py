"""One line on a terminal when Secrets Manager is slow to answer ("still waiting").

A timer starts when a call's first request goes out (botocore's before-send, after
signing, so an MFA prompt is never interrupted) and stops when the call ends
(after-call, after-call-error, or the error translation's exit). The line is printed
under a lock that ending the call also takes, so it can never appear after the call has
returned, in the middle of the command's own output. At most one line per run, and only
when the CLI passes a `say` (stderr is a terminal, and not --quiet).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

SLOW_AFTER = 3.0  # seconds before "still waiting" is said


class SlowCallNotice:
    def __init__(self, say: Callable[[str], None], endpoint: Callable[[], str | None],
                 attempts: int, after: float | None = None) -> None:
        self.say, self.endpoint, self.attempts = say, endpoint, attempts
        self.after = SLOW_AFTER if after is None else after
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._call = 0  # which call a timer belongs to: a late one for an ended call is void
        self._sent = 0  # requests sent in this call (retries included)
        self._told = False

    def install(self, events: Any) -> None:
        events.register("before-send.secrets-manager", self.sending)
        events.register("after-call.secrets-manager", self.ended)
        events.register("after-call-error.secrets-manager", self.ended)

    def sending(self, **_: Any) -> None:
        """A request is going out (the first of a call, or a retry); returns None, so
        botocore sends it as usual."""
        with self._lock:
            self._sent += 1
            if self._timer is None and not self._told:
                self._timer = threading.Timer(self.after, self._fire, args=(self._call,))
                self._timer.daemon = True
                self._timer.start()

    def ended(self, **_: Any) -> None:
        with self._lock:
            timer, self._timer = self._timer, None
            self._call += 1
            self._sent = 0
        if timer is not None:
            timer.cancel()

    def _fire(self, call: int) -> None:
        with self._lock:
            if call != self._call or self._told:
                return
            self._told = True
            where = self.endpoint() or "Secrets Manager"
            retrying = f", retrying (attempt {self._sent} of {self.attempts})" \
                if self._sent > 1 else ""
            self.say(f"safesm: still waiting for {where}{retrying}; Ctrl-C stops.")
