"""The command the exec tests run: `python exec_child.py ACTION [ARG]`.

- env: print the environment as JSON
- colour VAR: print VAR's value in red, and whether stdout/stdin are terminals
- signals: print "ready PID", then wait; a forwarded signal N prints "got NAME" and
  exits 40 + N (SIGWINCH prints and keeps waiting)
- pid FILE: ignore SIGHUP, write the pid to FILE, then sleep
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time


def on_signal(number: int, frame: object) -> None:
    name = signal.Signals(number).name
    print(f"got {name}", flush=True)
    if number != signal.SIGWINCH:
        sys.exit(40 + number)


def main() -> None:
    action = sys.argv[1]
    if action == "env":
        print(json.dumps(dict(os.environ)))
    elif action == "colour":
        value = os.environ[sys.argv[2]]
        print(f"\x1b[31m{value}\x1b[0m tty={sys.stdout.isatty()},{sys.stdin.isatty()}",
              flush=True)
        print(f"on stderr: {value}", file=sys.stderr, flush=True)
    elif action == "signals":
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGUSR1,
                    signal.SIGWINCH):
            signal.signal(sig, on_signal)
        print(f"ready {os.getpid()} {os.getppid()}", flush=True)
        for _ in range(600):
            time.sleep(0.05)
        sys.exit(3)
    elif action == "pid":  # survives the pty closing: only PR_SET_PDEATHSIG ends it
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        with open(sys.argv[2], "w") as fh:
            fh.write(str(os.getpid()))
        time.sleep(60)


if __name__ == "__main__":
    main()
