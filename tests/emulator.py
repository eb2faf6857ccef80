"""The local Secrets Manager emulator: moto's server, extended where moto lacks a call.

Started by the test rig (tests/conftest.py) and by `make demo` as a real HTTP server on
127.0.0.1. Extensions here are test-only: the product calls the real API unchanged.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import IO

HERE = Path(__file__).resolve()


def install_extensions() -> None:
    """Hook for test-only additions to moto (e.g. calls it does not implement)."""


def main(argv: list[str] | None = None) -> None:
    install_extensions()
    from moto.server import main as moto_main

    moto_main(argv if argv is not None else sys.argv[1:])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(log: IO[bytes], port: int | None = None,
          timeout: float = 30) -> tuple[subprocess.Popen, str]:
    """Start the emulator on 127.0.0.1 and wait until it answers; returns (process, url)."""
    port = port or free_port()
    proc = subprocess.Popen(
        [sys.executable, str(HERE), "-H", "127.0.0.1", "-p", str(port)],
        stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "AWS_REGION": "us-east-1"},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the emulator exited early with {proc.returncode}")
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=1).read()
            return proc, url
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"the emulator did not answer within {timeout:.0f} s")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def reset(url: str) -> None:
    req = urllib.request.Request(url + "/moto-api/reset", method="POST", data=b"")
    urllib.request.urlopen(req, timeout=10).read()


if __name__ == "__main__":
    main()
