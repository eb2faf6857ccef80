"""The agent's wire format, peer check and socket directory checks (no process started)."""

from __future__ import annotations

import os
import socket
import stat

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safesm.agent import paths, protocol

KEYS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz._", min_size=1, max_size=20)


@given(st.lists(st.tuples(KEYS, st.binary(max_size=300)), max_size=20))
def test_any_message_round_trips(pairs):
    decoded = protocol.decode(protocol.encode(pairs)[4:])
    expected: dict[str, list[bytes]] = {}
    for key, value in pairs:
        expected.setdefault(key, []).append(value)
    assert decoded == expected


def test_values_travel_as_exact_bytes():
    value = b"\x00\xff line\r\n\x1b[2J"
    a, b = socket.socketpair(socket.AF_UNIX)
    with a, b:
        protocol.send(a, [("value", value), ("binary", b"1"), ("value", b"")])
        got = protocol.receive(b)
    assert got == {"value": [value, b""], "binary": [b"1"]}
    assert protocol.one(got, "binary") == b"1" and protocol.text(got, "missing", "x") == "x"


def test_a_truncated_or_closed_stream_is_an_error():
    with pytest.raises(protocol.ProtocolError):
        protocol.decode(protocol.encode([("value", b"abcdef")])[4:-2])
    a, b = socket.socketpair(socket.AF_UNIX)
    with b:
        a.sendall(protocol.encode([("k", b"v")])[:7])
        a.close()
        with pytest.raises(protocol.ProtocolError):
            protocol.receive(b)


def test_an_oversized_message_is_refused_before_reading_it():
    a, b = socket.socketpair(socket.AF_UNIX)
    with a, b:
        a.sendall((protocol.MAX_MESSAGE + 1).to_bytes(4, "big"))
        with pytest.raises(protocol.ProtocolError):
            protocol.receive(b)


def test_peer_uid_is_the_kernels_answer():
    a, b = socket.socketpair(socket.AF_UNIX)
    with a, b:
        assert protocol.peer_uid(a) == os.getuid()
        assert protocol.peer_pid(a) == os.getpid()


# the socket directory -----------------------------------------------------------------


def test_runtime_dir_is_preferred_and_the_temp_dir_is_per_uid(tmp_path):
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    assert paths.socket_dir({"XDG_RUNTIME_DIR": str(runtime)}) == str(runtime / "safesm")
    fallback = f"safesm-{os.getuid()}"
    assert paths.socket_dir({"TMPDIR": str(tmp_path)}) == str(tmp_path / fallback)
    assert paths.socket_dir({}) == f"/tmp/{fallback}"
    runtime.chmod(0o777)  # not a usable runtime dir: the temp dir instead
    assert paths.socket_dir({"XDG_RUNTIME_DIR": str(runtime), "TMPDIR": str(tmp_path)}) \
        == str(tmp_path / fallback)
    assert paths.socket_dir({"XDG_RUNTIME_DIR": "relative", "TMPDIR": str(tmp_path)}) \
        == str(tmp_path / fallback)


def test_the_directory_is_created_private(tmp_path):
    where = str(tmp_path / "safesm-x")
    assert paths.open_dir(where, create=False) is None
    fd = paths.open_dir(where, create=True)
    assert fd is not None
    os.close(fd)
    assert stat.S_IMODE(os.stat(where).st_mode) == 0o700


def test_a_planted_symlink_is_refused_not_followed(tmp_path):
    target = tmp_path / "elsewhere"
    target.mkdir(mode=0o700)
    link = tmp_path / "safesm-x"
    link.symlink_to(target)
    for create in (False, True):
        with pytest.raises(paths.UnsafePath, match=r"not a directory \(a symbolic link"):
            paths.open_dir(str(link), create=create)
    assert link.is_symlink() and list(target.iterdir()) == []


@pytest.mark.skipif(os.getuid() != 0, reason="planting another user's directory needs root")
def test_another_users_directory_is_refused(tmp_path):
    where = tmp_path / "safesm-x"
    where.mkdir(mode=0o700)
    os.chown(where, 65534, 65534)
    with pytest.raises(paths.UnsafePath, match="belongs to another user"):
        paths.open_dir(str(where), create=True)


def test_a_directory_open_to_others_is_refused(tmp_path):
    where = tmp_path / "safesm-x"
    where.mkdir()
    where.chmod(0o755)
    with pytest.raises(paths.UnsafePath, match="open to other users"):
        paths.open_dir(str(where), create=False)


def test_what_sits_at_the_socket_name(tmp_path):
    fd = paths.open_dir(str(tmp_path / "d"), create=True)
    assert fd is not None
    try:
        assert paths.socket_state(fd) == "missing"
        os.symlink("/etc/passwd", paths.SOCKET, dir_fd=fd)
        assert paths.socket_state(fd) == "a symlink"
        os.unlink(paths.SOCKET, dir_fd=fd)
        os.close(os.open(paths.SOCKET, os.O_CREAT | os.O_WRONLY, 0o600, dir_fd=fd))
        assert paths.socket_state(fd) == "not a socket"
        os.unlink(paths.SOCKET, dir_fd=fd)
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(paths.socket_path(str(tmp_path / "d"), fd))
        sock.close()
        assert paths.socket_state(fd) == "socket"
    finally:
        os.close(fd)


def test_the_socket_path_is_short_whatever_the_directory(tmp_path):
    deep = tmp_path / ("x" * 90) / ("y" * 90)
    deep.mkdir(parents=True)
    fd = paths.open_dir(str(deep / "safesm"), create=True)
    assert fd is not None
    try:
        name = paths.socket_path(str(deep / "safesm"), fd)
        assert len(name) < 40
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(name)
        sock.close()
        assert (deep / "safesm" / paths.SOCKET).exists()
    finally:
        os.close(fd)
