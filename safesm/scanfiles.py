"""Which files `safesm scan` reads, and the per-repository fingerprint key.

Skipped by default: `.git/` directories, symbolic links, binary files (a NUL byte in the
first 8 KiB, as git decides), files over 5 MiB, and paths git ignores (asked of git
itself with `git check-ignore`, which knows nested .gitignore files, .git/info/exclude
and core.excludesFile; a file already tracked is never ignored). Outside a git work tree
nothing is gitignored.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .config import xdg_dir

MAX_BYTES = 5 * 1024 * 1024
KEY_FILE = "safesm-scan.key"


@dataclass
class Walk:
    files: list[str] = field(default_factory=list)
    binary: int = 0
    large: int = 0
    ignored: int = 0
    no_git: bool = False  # a work tree was found but git is not installed


def is_binary(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            return b"\0" in fh.read(8192)
    except OSError:
        return True


def git_dir(start: str) -> tuple[str, str] | None:
    """(work tree root, git directory) of the repository holding `start`, if any."""
    here = os.path.abspath(start if os.path.isdir(start) else os.path.dirname(start) or ".")
    while True:
        dot = os.path.join(here, ".git")
        if os.path.isdir(dot):
            return here, dot
        if os.path.isfile(dot):  # a worktree or submodule: "gitdir: PATH"
            try:
                with open(dot, encoding="utf-8") as fh:
                    line = fh.read().strip()
            except OSError:
                return None
            if line.startswith("gitdir:"):
                return here, os.path.normpath(os.path.join(here, line[7:].strip()))
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def _ignored(root: str, paths: Sequence[str]) -> set[str]:
    """The paths (absolute) that git ignores in the work tree at `root`."""
    if not paths:
        return set()
    rel = [os.path.relpath(p, root) for p in paths]
    proc = subprocess.run(["git", "-C", root, "check-ignore", "--stdin", "-z"],
                          input="\0".join(rel).encode() + b"\0", capture_output=True,
                          check=False, timeout=120)
    if proc.returncode not in (0, 1):  # 1: nothing ignored
        return set()
    return {os.path.join(root, p.decode()) for p in proc.stdout.split(b"\0") if p}


def _candidates(paths: Sequence[str], walk: Walk) -> list[str]:
    found: list[str] = []
    for top in paths:
        if os.path.isfile(top) and not os.path.islink(top):
            found.append(top)
            continue
        for here, dirs, names in os.walk(top):
            dirs[:] = sorted(d for d in dirs if d != ".git"
                             and not os.path.islink(os.path.join(here, d)))
            found.extend(os.path.join(here, n) for n in sorted(names)
                         if not os.path.islink(os.path.join(here, n)))
    return found


def _readable(path: str, walk: Walk) -> bool:
    try:
        if os.path.getsize(path) > MAX_BYTES:
            walk.large += 1
            return False
    except OSError:
        return False
    if is_binary(path):
        walk.binary += 1
        return False
    return True


def files(paths: Sequence[str]) -> Walk:
    """The text files under `paths` to scan, in order, and what was skipped."""
    walk = Walk()
    found = [p for p in _candidates(paths, walk) if _readable(p, walk)]
    by_repo: dict[str, list[str]] = {}
    for path in found:
        repo = git_dir(path)
        if repo is not None:
            by_repo.setdefault(repo[0], []).append(os.path.abspath(path))
    ignored: set[str] = set()
    if by_repo and shutil.which("git") is None:
        walk.no_git = True
    elif by_repo:
        for root, members in by_repo.items():
            ignored |= _ignored(root, members)
    walk.ignored = sum(os.path.abspath(p) in ignored for p in found)
    walk.files = [p for p in found if os.path.abspath(p) not in ignored]
    return walk


def fingerprint_key(path: str, environ: Mapping[str, str]) -> bytes:
    """The HMAC key for fingerprints of findings in `path`: per repository (kept in its git
    directory, which git never commits), else per user ($XDG_DATA_HOME/safesm); made once,
    random, 0600."""
    repo = git_dir(path)
    if repo is not None:
        where = os.path.join(repo[1], KEY_FILE)
    else:
        data = xdg_dir(environ, "XDG_DATA_HOME", os.path.join(".local", "share"))
        os.makedirs(os.path.join(data, "safesm"), mode=0o700, exist_ok=True)
        where = os.path.join(data, "safesm", KEY_FILE)
    try:
        fd = os.open(where, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        with open(where, "rb") as fh:
            return fh.read()
    with os.fdopen(fd, "wb") as fh:
        key = secrets.token_bytes(32)
        fh.write(key)
    return key


def keyed_hash(key: bytes, value: bytes) -> str:
    """A keyed HMAC: unlike a bare hash, no dictionary of likely values reverses it."""
    return "hmac-sha256:" + hmac.new(key, value, hashlib.sha256).hexdigest()[:32]
