"""The canary sweep: one unique value through every command that touches a value.

Every command runs as the installed `safesm`, through pipes and in a real pty, with a
real X clipboard (Xvfb + xclip), a real Secret Service (MFA role sessions), default
policies on create, and shell history scan/scrub. The canary may appear only where
printing was asked for (stdout of a pipe, `--print` on a terminal) and in the clipboard
until its clearer is done (told so with SIGTERM rather than waited for). It must never
appear in:
- stderr or the terminal screen, including every `--debug` log;
- /proc/PID/cmdline or /proc/PID/environ of any process safesm started while it ran
  (clipboard helpers, the detached clearer, the name-cache refresher);
- any file under the test's HOME or TMPDIR (history files are scrubbed by then);
- the clipboard once the clearer is done.
Add each new value-touching command here as it lands (audit, trail and scan included).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from .conftest import ProcessWatcher, files_containing, run_watched
from .test_clipboard import (  # noqa: F401 (xserver is a fixture)
    clear_now,
    clipboard,
    processes_with,
    xserver,
)
from .test_session import (  # noqa: F401 (role_profile, secret_service are fixtures)
    CODE,
    PROFILE,
    SERIAL,
    role_profile,
    secret_service,
    stored_entry,
)

pytestmark = pytest.mark.e2e

CLIP = "600"  # seconds the clipboard would hold the value; clear_now() cuts it short


class Sweep:
    """Runs steps and remembers every place the canary must not be."""

    def __init__(self, safesm_bin: str, canary: str, terminal) -> None:
        self.bin = safesm_bin
        self.needle = canary.encode()
        self.terminal = terminal
        self.env = dict(os.environ)
        self.marker = f"HOME={os.environ['HOME']}".encode()

    def pipe(self, *args: str, stdin: bytes | None = None, prints: bool = False,
             code: int = 0, argv_has_it: bool = False) -> bytes:
        """One command through pipes; stdout holds the canary only when `prints`."""
        result, seen = run_watched([self.bin, *args], stdin, env=self.env)
        assert result.returncode == code, (args, result.stderr)
        assert self.needle not in result.stderr, args
        assert (self.needle in result.stdout) == prints, args
        if "--debug" in args and "history" not in args:
            assert b"[DEBUG]" in result.stderr, args  # the log is there, without the value
        for pid, data in seen.items():
            if argv_has_it and self.bin.encode() in data.split(b"\0")[:2]:
                continue  # the user typed it on safesm's own command line; children are checked
            assert self.needle not in data, (args, pid)
        self.check_our_processes(args)
        return result.stdout

    def pty(self, *args: str, answers: list[tuple[str, str]], prints: bool = False,
            expect_after: str | None = None) -> bytes:
        """One command in a real terminal, answering its prompts."""
        t = self.terminal(*args)
        watcher = ProcessWatcher(t.child.pid)
        for prompt, answer in answers:
            t.expect(prompt)
            t.type(answer)
        if expect_after:
            t.expect(expect_after)
        code = t.finish()
        seen = watcher.stop()
        assert code == 0, (args, t.screen)
        assert (self.needle in t.screen) == prints, (args, t.screen)
        for pid, data in seen.items():
            assert self.needle not in data, (args, pid)
        self.check_our_processes(args)
        return t.screen

    def exec_masked(self, *args: str) -> bytes:
        """`exec --mask`: the value may be in the command's environment, nowhere else."""
        proc = subprocess.Popen([self.bin, *args], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=self.env)
        watcher = ProcessWatcher(proc.pid)
        out, err = proc.communicate(timeout=60)
        seen = watcher.stop()
        assert proc.returncode == 0, (args, err)
        assert self.needle not in out + err, args
        assert self.needle not in seen[proc.pid], args  # the supervisor
        holders = [pid for pid, data in seen.items() if self.needle in data]
        assert any(b"sweep-command" in seen[pid] for pid in holders), args  # the command
        # (and what it started, e.g. its `sleep`): every process the supervisor started
        self.check_our_processes(args)
        return out

    def check_our_processes(self, args) -> None:
        """Processes that outlived the command (the clearer, xclip owners, refreshers)."""
        for pid in processes_with(self.marker):
            for part in ("cmdline", "environ"):
                try:
                    data = Path(f"/proc/{pid}/{part}").read_bytes()
                except OSError:
                    continue
                assert self.needle not in data, (args, pid, part)


def test_canary_sweep(aws, sm, safesm_bin, canary, terminal, tmp_path, xserver,  # noqa: F811
                      secret_service, role_profile):  # noqa: F811
    s = Sweep(safesm_bin, canary, terminal)
    needle = canary.encode()
    outside = tmp_path / "outside"  # a value file the user keeps elsewhere (not HOME/TMPDIR)
    outside.mkdir(mode=0o700)
    value_file = outside / "value"
    value_file.write_bytes(needle)
    value_file.chmod(0o600)
    field_json = json.dumps({"user": "u", "password": canary}).encode()

    # put, through pipes: stdin, --file, --file -, --binary, --key, --force, default policy
    s.pipe("put", "p/stdin", stdin=needle + b"\n")
    assert sm.get_resource_policy(SecretId="p/stdin").get("ResourcePolicy")
    s.pipe("--debug", "put", "p/debug", "--json", stdin=needle)
    s.pipe("put", "p/file", "--file", str(value_file))
    s.pipe("put", "p/dash", "--file", "-", stdin=needle)
    s.pipe("--debug", "put", "p/stdin", "--force", stdin=needle + b"2")
    s.pipe("put", "j", stdin=field_json)
    s.pipe("--debug", "put", "j", "--key", "token", stdin=needle + b"-t")
    s.pipe("put", "bin", "--binary", stdin=b"\x00" + needle)
    s.pipe("put", "p/stdin", stdin=needle, code=5)  # exists, no --force: refused
    s.pipe("put", "a", "--secret-string", canary, code=2, argv_has_it=True)
    s.pipe("put", "a", canary, stdin=b"x", code=2, argv_has_it=True)

    # get, through pipes: exact bytes out where asked, nothing anywhere else
    assert s.pipe("get", "p/file", prints=True) == needle
    s.pipe("--debug", "get", "p/debug", prints=True)
    assert s.pipe("get", "j", "--field", "password", prints=True) == needle
    s.pipe("--debug", "get", "bin", prints=True)
    s.pipe("get", "p/file", "p/dash", prints=True)  # several at once, as JSON
    s.pipe("--debug", "get", "p/file", "--clip", "--clip-timeout", CLIP)
    assert clipboard() == needle
    assert clear_now()
    assert clipboard() != needle

    # metadata commands never carry it
    s.pipe("list", "--json")
    s.pipe("--debug", "describe", "p/stdin", "--json")
    s.pipe("versions", "p/stdin")
    s.pipe("policy", "show", "p/stdin")

    # in a real terminal: the hidden prompt, the overwrite question, the clipboard
    s.pty("put", "prompted", answers=[("Value for", canary + "\r"), ("Again", canary + "\r")])
    assert sm.get_secret_value(SecretId="prompted")["SecretString"] == canary
    s.pty("put", "j", "--key", "typed", answers=[("Value for", canary + "\r"),
                                                ("Again", canary + "\r")])
    s.pty("put", "prompted", answers=[("Overwrite", "y\r"), ("Value for", canary + "x\r"),
                                      ("Again", canary + "x\r")])
    s.pty("get", "p/file", "--clip-timeout", CLIP, answers=[], expect_after="Copied")
    assert clipboard() == needle
    assert clear_now()
    assert clipboard() != needle
    s.pty("get", "p/file", "--print", answers=[], prints=True)

    # an MFA role profile: the session lives in the Secret Service, the value goes nowhere
    s.pty("--profile", PROFILE, "get", "app/db", "--clip-timeout", CLIP,
          answers=[(f"MFA code for profile {PROFILE} \\({SERIAL}\\)", CODE + "\r")],
          expect_after="Copied")
    assert stored_entry() is not None
    assert needle not in json.dumps(stored_entry()).encode()
    s.pipe("--profile", PROFILE, "--debug", "get", "app/db", prints=True)
    s.pipe("session", "status", "--json")
    assert clear_now()

    # programs: exec (the command's environment only), env and inject (where asked), import
    assert s.exec_masked("--debug", "exec", "--mask", "-v", "-e", "X=p/file", "--from", "j",
                         "--", "sh", "-c", 'sleep 0.3; echo "$X $PASSWORD"',
                         "sweep-command") == b"**** ****\n"
    assert json.loads(s.pipe("--debug", "env", "--from", "j", "--format", "json",
                             prints=True))["PASSWORD"] == canary
    s.pipe("env", "-e", "X=p/file", "--format", "shell", "-o", str(outside / "x.sh"))
    assert needle in (outside / "x.sh").read_bytes()
    (outside / "t.tmpl").write_text("x={{ sm://j#password }}")
    assert s.pipe("--debug", "inject", "-i", str(outside / "t.tmpl"), prints=True) == \
        b"x=" + needle
    (outside / "import.env").write_bytes(b"A=" + needle + b"\nB='" + needle + b"'\n")
    (outside / "import.env").chmod(0o600)
    s.pipe("--debug", "import", str(outside / "import.env"), "--prefix", "imp/")
    assert sm.get_secret_value(SecretId="imp/B")["SecretString"] == canary
    s.pipe("import", str(outside / "import.env"), "--into", "imp/all", "--dry-run")

    # shell history: found, reported masked, scrubbed away
    history = Path(os.environ["HOME"]) / ".bash_history"
    history.write_text(f"ls\nexport DB_PASSWORD={canary}\nmysql -u root --password={canary}\n"
                       f"aws secretsmanager create-secret --name a --secret-string {canary}\n"
                       f"safesm put a {canary}\n")
    history.chmod(0o600)
    s.pipe("history", "scan", code=8)
    s.pipe("--debug", "history", "scan", "--json", code=8)
    s.pipe("history", "scrub", "--yes")
    assert needle not in history.read_bytes() and b"ls\n" in history.read_bytes()

    # the lifecycle commands: rollback, update, rotation, replication, edit, generate
    from tests.rotators import make_rotator

    s.pipe("put", "life", stdin=needle)
    s.pipe("put", "life", "--force", stdin=b"second")
    s.pipe("--debug", "rollback", "life")
    assert sm.get_secret_value(SecretId="life")["SecretString"] == canary
    s.pipe("--debug", "update", "life", "--description", "d", "--untag", "none")
    s.pipe("replication", "add", "life", "eu-west-1", "--wait")
    s.pipe("replication", "show", "life", "--json")
    runtime = Path(tempfile.mkdtemp(prefix="safesm-sweep-", dir="/dev/shm"))
    editor = tmp_path / "editor.py"
    editor.write_text("import sys\nopen(sys.argv[-1], 'ab').write(b'-edited')\n")
    s.env.update(XDG_RUNTIME_DIR=str(runtime), EDITOR=f"{sys.executable} {editor}")
    s.pipe("--debug", "edit", "life")
    assert sm.get_secret_value(SecretId="life")["SecretString"] == canary + "-edited"
    assert list(runtime.iterdir()) == []
    runtime.rmdir()
    s.pipe("rotation", "set", "life", "--every", "30d", "--lambda", make_rotator(aws),
           "--grant-rotator", "--now")
    s.pipe("--debug", "rotation", "show", "life", "--json")
    s.pipe("put", "gen", "--generate")
    s.pipe("generate", "--exclude-chars", canary[:8], prints=False)
    # audit, trail, scan: metadata and events only; scan and --migrate never show a value
    s.pipe("--debug", "audit", "--format", "sarif")
    s.pipe("audit", "--format", "csv")
    s.pipe("--debug", "trail", "p/file", "--json")
    s.pipe("trail", "--kind", "read")
    repo = outside / "repo"
    repo.mkdir()
    (repo / "settings.py").write_text(f'DATABASE_URL = "postgres://app:{canary}@db/app"\n')
    s.pipe("scan", str(repo), code=8)
    s.pipe("scan", str(repo), "--format", "sarif", code=8)
    s.pipe("--debug", "scan", str(repo), "--migrate", "moved/", code=8)
    moved = sm.list_secrets(Filters=[{"Key": "name", "Values": ["moved/"]}])["SecretList"]
    assert [sm.get_secret_value(SecretId=m["Name"])["SecretString"] for m in moved] == [canary]

    # nothing left behind on disk, in the clipboard, or in a live process
    time.sleep(0.2)
    home, tmp = Path(os.environ["HOME"]), Path(os.environ["TMPDIR"])
    assert files_containing(home, needle) == []
    assert files_containing(tmp, needle) == []
    assert clipboard() != needle
    s.check_our_processes("at the end")
