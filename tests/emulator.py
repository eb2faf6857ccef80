"""The local Secrets Manager emulator: moto's server, extended where moto lacks a call.

Started by the test rig (tests/conftest.py) and by `make demo` as a real HTTP server on
127.0.0.1. Extensions here are test-only: the product calls the real API unchanged.
"""

from __future__ import annotations

import sys


def install_extensions() -> None:
    """Hook for test-only additions to moto (e.g. calls it does not implement)."""


def main(argv: list[str] | None = None) -> None:
    install_extensions()
    from moto.server import main as moto_main

    moto_main(argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    main()
