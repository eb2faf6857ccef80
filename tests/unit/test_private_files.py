"""Files safesm writes outside a secret: the name cache, its refresh marker and the
clipboard clearer's state directory. A planted symbolic link is never followed, a
directory that is not the user's own 0700 one is refused (and left as it is), and nothing
is written then."""

from __future__ import annotations

import os
import stat

import pytest

from safesm import namecache, private_files
from safesm.clipboard import clearer, state
from safesm.config import Settings
from safesm.errors import ClipboardError


@pytest.fixture
def names_dir(tmp_path):
    """A fresh ~/.cache/safesm/names as namecache makes it."""
    path = tmp_path / "cache" / "safesm" / "names"
    namecache.write_names(path / "k", ["a"])
    return path


def foreign(path, monkeypatch):
    """Make `path` belong to someone else: really (chown, as root), or by being someone
    else (safesm compares the owner with os.getuid())."""
    if os.getuid() == 0:
        os.chown(path, 65534, 65534)
    else:
        uid = os.getuid()
        monkeypatch.setattr(os, "getuid", lambda: uid + 1)


def files_in(path):
    return sorted(p.name for p in path.iterdir())


def test_a_link_planted_at_the_old_predictable_temp_name_is_not_followed(names_dir, tmp_path):
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    (names_dir / f".k.{os.getpid()}.tmp").symlink_to(victim)
    namecache.write_names(names_dir / "k", ["b/one", "a"])
    assert victim.read_text() == "keep me"
    assert namecache.read_names(names_dir / "k") == ["a", "b/one"]
    assert stat.S_IMODE((names_dir / "k").stat().st_mode) == 0o600
    assert files_in(names_dir) == sorted([f".k.{os.getpid()}.tmp", "k"])  # no other leftovers


def test_a_link_planted_at_the_cache_file_is_replaced_and_never_read(names_dir, tmp_path):
    victim = tmp_path / "victim"
    victim.write_text("from/elsewhere\n")
    (names_dir / "k").unlink()
    (names_dir / "k").symlink_to(victim)
    assert namecache.read_names(names_dir / "k") == []  # not read through the link
    namecache.write_names(names_dir / "k", ["mine"])
    assert victim.read_text() == "from/elsewhere\n"
    assert not (names_dir / "k").is_symlink()
    assert namecache.read_names(names_dir / "k") == ["mine"]


@pytest.mark.parametrize("mode", [0o755, 0o770, 0o777, 0o701])
@pytest.mark.parametrize("which", ["names", "safesm"])
def test_a_cache_directory_open_to_others_is_refused_and_left_alone(names_dir, mode, which):
    target = names_dir if which == "names" else names_dir.parent
    target.chmod(mode)
    before = (names_dir / "k").read_bytes()
    with pytest.raises(private_files.UnsafeDirectory, match="open to other users"):
        namecache.write_names(names_dir / "k", ["new"])
    assert namecache.read_names(names_dir / "k") == []
    assert stat.S_IMODE(target.stat().st_mode) == mode  # refused, not repaired
    target.chmod(0o700)
    assert (names_dir / "k").read_bytes() == before
    assert files_in(names_dir) == ["k"]


def test_a_cache_directory_of_another_user_is_refused(names_dir, monkeypatch):
    foreign(names_dir, monkeypatch)
    with pytest.raises(private_files.UnsafeDirectory, match="belongs to another user"):
        namecache.write_names(names_dir / "k", ["new"])
    assert namecache.read_names(names_dir / "k") == []
    monkeypatch.undo()
    assert (names_dir / "k").read_text() == "a\n"


def test_a_cache_directory_that_is_a_link_is_refused(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    safesm_dir = tmp_path / "cache" / "safesm"
    safesm_dir.mkdir(parents=True, mode=0o700)
    (safesm_dir / "names").symlink_to(elsewhere)
    with pytest.raises(private_files.UnsafeDirectory, match="not a directory"):
        namecache.write_names(safesm_dir / "names" / "k", ["new"])
    assert files_in(elsewhere) == []


def test_cache_updates_after_a_command_stay_best_effort(names_dir, monkeypatch):
    """put/delete update the cache; an unsafe directory never fails them, and is untouched."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(names_dir.parent.parent))
    settings = Settings()
    names_dir.chmod(0o777)
    namecache.update(settings, add=["x"])
    namecache.replace_all(settings, ["y"])
    assert files_in(names_dir) == ["k"]


def test_a_link_planted_at_the_refresh_marker_is_not_followed(tmp_path, monkeypatch):
    """The marker is touched before the refresher starts; a planted link stops both (the
    unit tier fails any test that starts a process)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    settings = Settings()
    path = namecache.cache_file(settings)
    namecache.write_names(path, ["a"])
    victim = tmp_path / "victim"
    os.symlink(victim, os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.refresh"))
    namecache.request_refresh(settings)
    assert not victim.exists()


def test_state_dir_open_to_others_is_refused_not_repaired(tmp_path):
    loose = tmp_path / "loose" / "safesm"
    loose.mkdir(parents=True)
    loose.chmod(0o755)
    with pytest.raises(ClipboardError) as exc:
        state.state_dir({"XDG_CACHE_HOME": str(loose.parent)})
    assert "open to other users" in exc.value.message and "nothing was copied" in exc.value.message
    assert f"chmod 700 {loose}" in exc.value.hint
    assert stat.S_IMODE(loose.stat().st_mode) == 0o755


def test_state_dir_of_another_user_or_a_link_is_refused(tmp_path, monkeypatch):
    mine = tmp_path / "mine" / "safesm"
    mine.mkdir(parents=True, mode=0o700)
    linked = tmp_path / "linked"
    linked.mkdir()
    (linked / "safesm").symlink_to(mine)
    with pytest.raises(ClipboardError, match="not a directory"):
        state.state_dir({"XDG_CACHE_HOME": str(linked)})
    foreign(mine, monkeypatch)
    with pytest.raises(ClipboardError, match="belongs to another user"):
        state.state_dir({"XDG_CACHE_HOME": str(mine.parent)})


def test_the_clearer_lock_does_not_follow_a_planted_link(tmp_path):
    victim = tmp_path / "victim"
    lock = tmp_path / "clearer-0123456789abcdef.lock"
    lock.symlink_to(victim)
    with pytest.raises(OSError), clearer._locked(str(lock)):
        pass
    assert not victim.exists()
