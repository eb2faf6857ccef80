"""Private output files for env/inject -o: 0600, atomic, never over a file without --force."""

from __future__ import annotations

import os
import stat

import pytest

from safesm.errors import ConflictError, ExitCode, UsageError
from safesm.outputs import check_destination, write_private
from safesm.runtime import Environment


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def outdir(tmp_path):
    """A directory of its own (the rig keeps HOME and TMPDIR in the test's tmp_path)."""
    out = tmp_path / "out"
    out.mkdir()
    return out


def test_a_new_file_is_0600_whatever_the_umask(outdir):
    old = os.umask(0o022)
    try:
        write_private(str(outdir / "out.env"), b"A=1\n", force=False)
    finally:
        os.umask(old)
    assert (outdir / "out.env").read_bytes() == b"A=1\n"
    assert mode(outdir / "out.env") == 0o600
    assert os.listdir(outdir) == ["out.env"]  # no temporary file left


def test_an_existing_file_is_kept_without_force(outdir):
    target = outdir / "out.env"
    target.write_bytes(b"old")
    with pytest.raises(ConflictError) as e:
        write_private(str(target), b"new", force=False)
    assert e.value.exit_code == ExitCode.CONFLICT and "--force" in (e.value.hint or "")
    assert target.read_bytes() == b"old" and os.listdir(outdir) == ["out.env"]


def test_force_replaces_with_a_new_private_file(outdir):
    target = outdir / "out.env"
    target.write_bytes(b"old")
    target.chmod(0o644)
    write_private(str(target), b"new", force=True)
    assert target.read_bytes() == b"new" and mode(target) == 0o600
    assert os.listdir(outdir) == ["out.env"]


def test_a_symlink_counts_as_existing(outdir):
    (outdir / "link").symlink_to(outdir / "nowhere")
    with pytest.raises(ConflictError):
        write_private(str(outdir / "link"), b"x", force=False)
    assert not (outdir / "nowhere").exists()


def test_a_missing_directory_is_a_usage_error_without_the_path(outdir):
    with pytest.raises(UsageError) as e:
        write_private(str(outdir / "no" / "such" / "canary-dir" / "f"), b"x", force=False)
    assert "canary" not in e.value.message


def test_values_never_go_to_a_terminal_unasked():
    tty = Environment(stdout=open(os.devnull, "w"), stdout_isatty=True)  # noqa: SIM115
    with pytest.raises(UsageError, match="terminal"):
        check_destination(tty, None, to_terminal=False)
    check_destination(tty, None, to_terminal=True)
    check_destination(tty, "file", to_terminal=False)
    with pytest.raises(UsageError, match="closed"):
        check_destination(Environment(stdout=None), None, to_terminal=False)
