"""The edge of `safesm edit`: which directory is in memory, the editor's command line, and
the private file's life (created 0600 in a 0700 directory, scrubbed and removed)."""

from __future__ import annotations

import os
import stat

import pytest

from safesm import editor
from safesm.errors import UsageError

MOUNTS = """\
/dev/vda / ext4 rw,relatime 0 0
tmpfs /dev/shm tmpfs rw,nosuid,nodev 0 0
tmpfs /run/user/1000 tmpfs rw,nosuid,nodev,relatime,size=1638000k,mode=700 0 0
/dev/vdb /run/user/1000/disk ext4 rw 0 0
tmpfs /mnt/with\\040space tmpfs rw 0 0
"""


@pytest.mark.parametrize("path, kind", [
    ("/dev/shm", "tmpfs"), ("/dev/shm/x/y", "tmpfs"), ("/dev/shmem", "ext4"),
    ("/run/user/1000", "tmpfs"), ("/run/user/1000/disk/a", "ext4"), ("/home/u", "ext4"),
    ("/mnt/with space/f", "tmpfs"),
])
def test_fs_type_is_the_longest_mount_point_above(path, kind):
    assert editor.fs_type(path, MOUNTS) == kind


@pytest.fixture
def fake_mounts(tmp_path, monkeypatch):
    def use(text: str) -> None:
        path = tmp_path / "mounts"
        path.write_text(text)
        monkeypatch.setattr(editor, "MOUNTS", str(path))
    return use


def test_disk_is_refused_unless_allowed(tmp_path, fake_mounts, monkeypatch):
    fake_mounts("/dev/vda / ext4 rw 0 0\n")
    with pytest.raises(UsageError, match="will not write the value to disk"):
        editor.choose_dir({"XDG_RUNTIME_DIR": str(tmp_path)}, allow_disk=False)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    assert editor.choose_dir({}, allow_disk=True) == (str(tmp_path), False)


def test_xdg_runtime_dir_first_then_dev_shm(tmp_path, fake_mounts):
    fake_mounts(f"/dev/vda / ext4 rw 0 0\ntmpfs {tmp_path} tmpfs rw 0 0\n"
                "tmpfs /dev/shm tmpfs rw 0 0\n")
    assert editor.choose_dir({"XDG_RUNTIME_DIR": str(tmp_path)}, False) == (str(tmp_path), True)
    if os.path.isdir("/dev/shm"):
        assert editor.choose_dir({"XDG_RUNTIME_DIR": "/nonexistent"}, False) == ("/dev/shm",
                                                                                  True)


def test_editor_command(tmp_path):
    for name, extra in (("vim.basic", True), ("nvim", True), ("nano", False), ("vi", False)):
        exe = tmp_path / name
        exe.write_text("#!/bin/sh\n")
        exe.chmod(0o755)
        argv = editor.editor_command({"EDITOR": f"{name} -x", "PATH": str(tmp_path)})
        assert argv[:2] == [name, "-x"]
        assert ("-n" in argv and "NONE" in argv) == extra, name
    assert editor.editor_command({"VISUAL": "a", "EDITOR": "b", "PATH": ""})[0] == "a"
    assert editor.editor_command({"PATH": ""}) == ["vi"]
    with pytest.raises(UsageError):
        editor.editor_command({"EDITOR": "'unclosed"})


def test_private_file_is_private_and_scrubbed(tmp_path):
    tmp_path = tmp_path / "base"
    tmp_path.mkdir()
    with editor.private_file(str(tmp_path), b"s3cret", ".txt") as path:
        assert open(path, "rb").read() == b"s3cret"
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode) == 0o700
        open(path + ".swp", "wb").write(b"s3cret swap")  # an editor's own files go too
    assert list(tmp_path.iterdir()) == []


def test_private_file_is_removed_on_an_exception(tmp_path):
    tmp_path = tmp_path / "base"
    tmp_path.mkdir()
    with pytest.raises(KeyboardInterrupt), editor.private_file(str(tmp_path), b"x", ".txt"):
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []
