"""The README's PGPASSWORD example against a real PostgreSQL server on loopback: `exec`
gives psql its password; the old `get … | psql` form never could (psql reads SQL from
stdin, and its password from PGPASSWORD or a terminal)."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pexpect
import pytest

from tests.emulator import free_port

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
PG_BIN = max(Path("/usr/lib/postgresql").glob("*/bin"), default=None)


def as_postgres(argv: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root."""
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


@pytest.fixture
def postgres(canary):
    assert PG_BIN is not None, "PostgreSQL is not installed (.ci/run installs postgresql)"
    data = Path(tempfile.mkdtemp(prefix="safesm-pg-", dir="/tmp"))  # reachable by postgres
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
    port = free_port()
    server = None
    try:
        subprocess.run(as_postgres([str(PG_BIN / "initdb"), "-D", str(data / "db"), "-U",
                                    "postgres", "--auth-local=trust",
                                    "--auth-host=scram-sha-256"]),
                       check=True, capture_output=True, timeout=120)
        server = subprocess.Popen(as_postgres([
            str(PG_BIN / "postgres"), "-D", str(data / "db"), "-p", str(port), "-k", str(data),
            "-h", "127.0.0.1"]), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        local = ["psql", "-h", str(data), "-p", str(port), "-U", "postgres", "-d", "postgres"]
        deadline = time.monotonic() + 60
        while subprocess.run(as_postgres([*local, "-c", "select 1"]),
                             capture_output=True).returncode != 0:
            assert time.monotonic() < deadline, "PostgreSQL did not start"
            time.sleep(0.2)
        subprocess.run(as_postgres([*local, "-c", f"CREATE ROLE app LOGIN PASSWORD '{canary}'"]),
                       check=True, capture_output=True, timeout=30)
        yield port
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)
        shutil.rmtree(data, ignore_errors=True)


def readme_example() -> list[str]:
    """The PGPASSWORD line at the top of the README, as a user would copy it."""
    for line in (ROOT / "README.md").read_text().splitlines():
        if line.startswith("$ safesm exec -e PGPASSWORD="):
            return shlex.split(line[2:])
    raise AssertionError("the README lost its PGPASSWORD example")


def in_a_terminal(command: str, env: dict[str, str]) -> pexpect.spawn:
    return pexpect.spawn("bash", ["--norc", "-c", command], env=env, timeout=30)


def test_the_readme_pgpassword_example_logs_in(aws, sm, safesm_bin, postgres, canary):
    sm.create_secret(Name="db/prod", SecretString=json.dumps({"user": "app",
                                                              "password": canary}))
    argv = [("127.0.0.1" if a == "db.example.com" else a) for a in readme_example()]
    assert argv[:4] == ["safesm", "exec", "-e", "PGPASSWORD=db/prod#password"]
    env = {**os.environ, "PGPORT": str(postgres), "PGDATABASE": "postgres", "TERM": "dumb"}
    env.pop("PGPASSWORD", None)
    # as a user types it, in a terminal: psql logs in with no prompt
    t = in_a_terminal(shlex.join([safesm_bin, *argv[1:], "-tAc", "select current_user"]), env)
    t.expect(pexpect.EOF)
    t.close()
    assert t.exitstatus == 0, t.before
    assert t.before.strip() == b"app" and canary.encode() not in t.before

    # the form the README used to show: psql asks the terminal for the password (the piped
    # one would have been read as SQL), so it never logs in by itself
    t = in_a_terminal(f"{safesm_bin} get db/prod --field password | psql -h 127.0.0.1 -U app "
                      "-tAc 'select current_user'", env)
    t.expect("Password for user app")
    t.sendcontrol("c")
    t.expect(pexpect.EOF)
    t.close()
    assert t.exitstatus != 0 and b"app\r\n" not in t.before
