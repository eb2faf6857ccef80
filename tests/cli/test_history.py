"""`safesm history scan|scrub` and `safesm shell-init` through click, on real files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from safesm.cli import cli


@pytest.fixture
def run():
    def invoke(*args: str, input: bytes | str | None = None):
        return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)

    return invoke


def write(path: Path, data: bytes, mode: int = 0o600) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    path.chmod(mode)
    return path


def bash_history(canary: str) -> bytes:
    return (b"#1700000000\nls -la\n#1700000001\naws secretsmanager create-secret --name db "
            b"--secret-string " + canary.encode() + b"\n#1700000002\necho 'kept \xe2\x9c\x93'\n"
            b"#1700000003\nexport DB_PASSWORD=" + canary.encode() + b"x\n#1700000004\npwd\n")


KEPT = b"#1700000000\nls -la\n#1700000002\necho 'kept \xe2\x9c\x93'\n#1700000004\npwd\n"


def test_scan_reports_masked_findings_and_exits_8(run, isolated_env, canary):
    hist = write(isolated_env / ".bash_history", bash_history(canary))
    r = run("history", "scan")
    assert r.exit_code == 8
    assert canary not in r.output
    lines = r.stdout.splitlines()
    assert lines == [
        f"{hist}:4: [bash] aws-inline-secret: aws secretsmanager create-secret --name db "
        "--secret-string ****",
        f"{hist}:8: [bash] secret-assignment: export DB_PASSWORD=****",
    ]
    assert "2 history entries with secrets in 1 file" in r.stderr
    assert "safesm history scrub" in r.stderr
    assert "ps" in r.stderr and "cannot undo" in r.stderr


def test_scan_clean_exits_0(run, isolated_env):
    write(isolated_env / ".bash_history", b"ls\naws secretsmanager get-secret-value "
                                          b"--secret-id db/prod\n")
    r = run("history", "scan")
    assert r.exit_code == 0
    assert r.stdout == ""
    assert "no secrets found" in r.stderr


def test_scan_without_any_history_file(run):
    r = run("history", "scan")
    assert r.exit_code == 0
    assert "no shell history files found" in r.stderr


def test_scan_json(run, isolated_env, canary):
    write(isolated_env / ".zsh_history", b": 1700000000:0;ls\n: 1700000001:0;safesm put db "
                                         + canary.encode() + b"\n")
    r = run("history", "scan", "--json")
    assert r.exit_code == 8
    assert canary not in r.output
    doc = json.loads(r.stdout)
    assert doc["files"] == [{"path": str(isolated_env / ".zsh_history"), "shell": "zsh"}]
    assert doc["findings"] == [{"path": str(isolated_env / ".zsh_history"), "line": 2,
                                "shell": "zsh", "rules": ["safesm-put-argv"],
                                "command": "safesm put db ****"}]
    assert doc["visible_in_process_listings"] is True


def test_scan_finds_every_shell_by_default(run, isolated_env, canary, monkeypatch):
    secret = canary.encode()
    write(isolated_env / ".bash_history", b"export A_TOKEN=" + secret + b"\n")
    write(isolated_env / ".zsh_history", b": 1:0;export B_TOKEN=" + secret + b"\n")
    write(isolated_env / ".local/share/fish/fish_history",
          b"- cmd: set -gx C_TOKEN " + secret + b"\n  when: 1\n")
    write(isolated_env / "custom_hist", b"export D_TOKEN=" + secret + b"\n")
    monkeypatch.setenv("HISTFILE", str(isolated_env / "custom_hist"))
    r = run("history", "scan", "--json")
    doc = json.loads(r.stdout)
    assert sorted(f["shell"] for f in doc["findings"]) == ["bash", "bash", "fish", "zsh"]
    assert len(doc["files"]) == 4
    assert doc["visible_in_process_listings"] is False  # assignments never ran as processes
    assert canary not in r.output


def test_scan_explicit_file_detects_or_takes_the_format(run, tmp_path, canary):
    hist = write(tmp_path / "weird-name", b"- cmd: export X_SECRET=" + canary.encode()
                 + b"\\nnext\n  when: 1\n")
    found = json.loads(run("history", "scan", "--json", str(hist)).stdout)["findings"]
    assert [(f["shell"], f["command"]) for f in found] == [("fish", "export X_SECRET=****\\nnext")]
    r = run("history", "scan", "--json", "--shell", "bash", str(hist))
    assert r.exit_code == 8
    assert json.loads(r.stdout)["findings"][0]["shell"] == "bash"
    assert canary not in r.output


def test_scan_missing_file_is_a_usage_error(run, tmp_path):
    r = run("history", "scan", str(tmp_path / "nope"))
    assert r.exit_code == 2
    assert "cannot read" in r.stderr


def test_scrub_in_a_script_needs_yes_and_changes_nothing(run, isolated_env, canary):
    hist = write(isolated_env / ".bash_history", bash_history(canary))
    before = hist.stat()
    r = run("history", "scrub", input=b"")
    assert r.exit_code == 5  # the one confirmation rule
    assert "--yes" in r.stderr and "nothing was changed" in r.stderr
    assert canary not in r.output
    assert hist.read_bytes() == bash_history(canary)
    assert hist.stat().st_mtime_ns == before.st_mtime_ns
    assert sorted(os.listdir(isolated_env)) == [".bash_history"]


@pytest.mark.parametrize("mode", [0o600, 0o640])
def test_scrub_removes_only_the_leaks_atomically(run, isolated_env, canary, mode):
    hist = write(isolated_env / ".bash_history", bash_history(canary), mode)
    inode = hist.stat().st_ino
    r = run("history", "scrub", "--yes")
    assert r.exit_code == 0, r.output
    assert hist.read_bytes() == KEPT
    assert hist.stat().st_mode & 0o7777 == mode
    assert hist.stat().st_uid == os.getuid()
    assert hist.stat().st_ino != inode  # replaced by rename, never rewritten in place
    assert sorted(os.listdir(isolated_env)) == [".bash_history"]  # no temp file, no backup
    assert canary not in r.output
    assert "Removed 2 history entries from" in r.stderr
    assert "history -c; history -r" in r.stderr
    assert run("history", "scan").exit_code == 0


def test_scrub_mask_keeps_the_commands(run, isolated_env, canary):
    hist = write(isolated_env / ".zsh_history",
                 b": 1:0;ls\n: 2:0;vault kv put secret/x \\\npassword=" + canary.encode()
                 + b"\n: 3:0;pwd\n")
    r = run("history", "scrub", "--mask", "--yes")
    assert r.exit_code == 0
    assert hist.read_bytes() == b": 1:0;ls\n: 2:0;vault kv put secret/x \\\npassword=****\n" \
                                b": 3:0;pwd\n"
    assert "() { local HISTSIZE=0 }; fc -R" in r.stderr
    assert run("history", "scan").exit_code == 0


def test_scrub_follows_a_symlinked_history_file(run, isolated_env, canary):
    real = write(isolated_env / "dotfiles" / "bash_history", bash_history(canary))
    (isolated_env / ".bash_history").symlink_to(real)
    assert run("history", "scrub", "--yes").exit_code == 0
    assert (isolated_env / ".bash_history").is_symlink()
    assert real.read_bytes() == KEPT


def test_scrub_fish_advice(run, isolated_env, canary):
    write(isolated_env / ".local/share/fish/fish_history",
          b"- cmd: ls\n  when: 1\n- cmd: set -x GH_TOKEN " + canary.encode()
          + b"\n  when: 2\n  paths:\n    - /tmp\n")
    r = run("history", "scrub", "-y")
    assert r.exit_code == 0
    assert (isolated_env / ".local/share/fish/fish_history").read_bytes() == \
        b"- cmd: ls\n  when: 1\n"
    assert "history merge" in r.stderr


def test_scrub_nothing_to_do(run, isolated_env):
    write(isolated_env / ".bash_history", b"ls\n")
    r = run("history", "scrub")
    assert r.exit_code == 0
    assert "nothing to scrub" in r.stderr


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_shell_init_prints_the_snippet(run, shell):
    r = run("shell-init", shell)
    assert r.exit_code == 0
    assert r.stdout.startswith(f"# safesm shell-init {shell}")


def test_shell_init_unknown_shell(run):
    r = run("shell-init", "tcsh")
    assert r.exit_code == 2
    assert "one of: bash, zsh, fish" in r.stderr
    assert "tcsh" not in r.stderr  # argv text is never echoed: it may be a pasted value


# --------------------------------------------------------------------------- issue 18


PEM = (b'aws secretsmanager create-secret --name k --secret-string "-----BEGIN PRIVATE KEY-----\n'
       b"MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7q8Zf0kCANARY01\n"
       b"MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7q8Zf0kCANARY02\n"
       b'-----END PRIVATE KEY-----"\n')


def test_scrub_removes_every_line_of_a_key_typed_in_plain_bash(run, isolated_env):
    """A default bash (no HISTTIMEFORMAT) saved a quoted key over four lines; scrub used to
    remove the first line only, and scan then called the file clean."""
    hist = write(isolated_env / ".bash_history", b"ls\n" + PEM + b"pwd\n")
    r = run("history", "scan")
    assert r.exit_code == 8 and "CANARY" not in r.output
    assert r.stdout.count("\n") == 1  # one entry, its four lines
    assert run("history", "scrub", "--yes", "--mask").exit_code == 0
    assert hist.read_bytes() == (b'ls\naws secretsmanager create-secret --name k '
                                 b'--secret-string "****"\npwd\n')
    assert run("history", "scan").exit_code == 0
    write(hist, b"ls\n" + PEM + b"pwd\n")
    assert run("history", "scrub", "--yes").exit_code == 0
    assert hist.read_bytes() == b"ls\npwd\n"


def test_scan_flags_key_material_left_without_its_command(run, isolated_env):
    """What the old scrub left behind: the key's lines, no command line that matches."""
    hist = write(isolated_env / ".bash_history", b"ls\n" + PEM.split(b"\n", 1)[1] + b"pwd\n")
    r = run("history", "scan", "--json")
    assert r.exit_code == 8
    rules = [f["rules"] for f in json.loads(r.stdout)["findings"]]
    assert rules == [["secret-material"], ["secret-material"], ["private-key"]]
    assert "CANARY" not in r.output
    assert run("history", "scrub", "--yes").exit_code == 0
    assert hist.read_bytes() == b"ls\npwd\n"


@pytest.mark.parametrize("make", ["fifo", "device"])
def test_scan_refuses_what_is_not_a_regular_file(run, tmp_path, make):
    """A FIFO would block forever and /dev/zero never ends: refused before any read."""
    if make == "fifo":
        path = tmp_path / "history-fifo"
        os.mkfifo(path)  # nobody writes to it: opening it blocking would hang the test
    else:
        path = Path("/dev/zero")
    for command in (["scan"], ["scrub", "--yes"]):
        r = run("history", *command, "--shell", "bash", str(path))
        assert r.exit_code == 2, r.output
        assert "history file #1 is not a regular file" in r.stderr
        assert str(path) not in r.stderr  # a path typed on the command line is not echoed


def test_scan_reads_a_large_file_in_blocks(run, tmp_path, canary, monkeypatch):
    """Entries that straddle a block boundary are found whole (blocks made tiny here)."""
    from safesm.ops import history as ops_history

    monkeypatch.setattr(ops_history, "BLOCK", 7)
    data = b"ls\n" * 50 + PEM + b"echo " * 20 + b"\nexport DB_PASSWORD=" + canary.encode() + b"\n"
    hist = write(tmp_path / "big_history", data)
    r = run("history", "scan", "--json", "--shell", "bash", str(hist))
    assert [f["line"] for f in json.loads(r.stdout)["findings"]] == [51, 56]
    assert run("history", "scrub", "--yes", "--shell", "bash", str(hist)).exit_code == 0
    assert hist.read_bytes() == b"ls\n" * 50 + b"echo " * 20 + b"\n"


def test_an_entry_appended_during_the_rename_is_not_lost(run, isolated_env, canary, monkeypatch):
    """bash takes no lock: it may append to the old file between scrub's last check and the
    rename. What it wrote there is carried over to the new file."""
    hist = write(isolated_env / ".bash_history", bash_history(canary))
    real_replace = os.replace

    def bash_appends_then_replace(src, dst):
        if str(dst) == str(hist):
            with open(hist, "ab") as old:  # the old file, as bash had it open
                old.write(b"echo appended-meanwhile\n")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", bash_appends_then_replace)
    r = run("history", "scrub", "--yes")
    assert r.exit_code == 0, r.output
    assert hist.read_bytes() == KEPT + b"echo appended-meanwhile\n"
    assert "wrote to the file while it was replaced" in r.stderr


def test_scrub_takes_what_a_pass_exposed_too(run, tmp_path, canary):
    """Masking can expose a secret its neighbour hid: `-----safesm put …` is no command,
    `****safesm put …` is. scrub goes on until a scan finds nothing."""
    hist = write(tmp_path / "h", b"ls\necho -----BEGIN PRIVATE KEY-----safesm put db "
                 + canary.encode() + b"\n")
    first = json.loads(run("history", "scan", "--json", "--shell", "bash", str(hist)).stdout)
    assert [f["rules"] for f in first["findings"]] == [["private-key"]]
    r = run("history", "scrub", "--yes", "--mask", "--shell", "bash", str(hist))
    assert r.exit_code == 0, r.output
    assert hist.read_bytes() == b"ls\necho -----BEGIN PRIVATE KEY****safesm put db ****\n"
    assert "Masked the secrets of 2 history entries" in r.stderr
    assert "1 of them came to light only once the others were gone" in r.stderr
    assert run("history", "scan", "--shell", "bash", str(hist)).exit_code == 0


@pytest.mark.parametrize("cmd", [
    'safesm put db/prod --description "the db password" --tag team=core',
    'grep -r "API_KEY=" .',
    'git commit -m "TOKEN=abc"',
    "export SECRETS_DIR=/etc/secrets",
])
def test_ordinary_commands_are_neither_reported_nor_scrubbed(run, isolated_env, cmd):
    hist = write(isolated_env / ".bash_history", f"ls\n{cmd}\n".encode())
    assert run("history", "scan").exit_code == 0
    assert run("history", "scrub", "--yes").exit_code == 0
    assert hist.read_bytes() == f"ls\n{cmd}\n".encode()
