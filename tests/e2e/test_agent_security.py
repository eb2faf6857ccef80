"""The agent against other users and planted files: another uid is refused and served
nothing (root's agent by a uid-65534 process, and root's client by a uid-65534 "agent"),
a planted symlink or a foreign directory is refused and not followed, and a value never
reaches a file, the agent's argv or environment, its log or any stderr."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import tempfile
import threading
from pathlib import Path

import pytest

from safesm.agent import client, paths, protocol
from tests.faultproxy import wait_until

from .agent_helpers import NOBODY, agent_pids, as_nobody, safesm, socket_file
from .agent_helpers import status as agent_status
from .conftest import files_containing

pytestmark = pytest.mark.e2e


@pytest.fixture
def open_runtime_dir(monkeypatch):
    """An XDG_RUNTIME_DIR that uid 65534 may pass through (0711) once the test loosens the
    agent's own directory: the peer check is then the only thing in the way."""
    where = tempfile.mkdtemp(prefix="safesm-e2e-")
    os.chmod(where, 0o711)
    monkeypatch.setenv("XDG_RUNTIME_DIR", where)
    yield Path(where)
    shutil.rmtree(where, ignore_errors=True)


def _request_as_nobody(path: str) -> bytes:
    """Connect to `path` as uid 65534, ask for a value, report what came back."""
    def work() -> bytes:
        sock = socket.socket(socket.AF_UNIX)
        try:
            sock.connect(path)
        except OSError as exc:
            return f"connect: {type(exc).__name__}".encode()
        pairs = [("op", b"get"), *client.context_pairs({}, dict(os.environ)),
                 ("id", b"db/prod")]
        try:
            protocol.send(sock, pairs)
            reply = protocol.receive(sock)
        except OSError as exc:
            return f"closed: {type(exc).__name__}".encode()
        return b"served: " + b"|".join(b"".join(v) for v in reply.values())
    return as_nobody(work)


def test_another_uid_cannot_reach_the_socket(agents, sm):
    sm.create_secret(Name="db/prod", SecretString="the value")
    assert agents().returncode == 0
    assert _request_as_nobody(str(socket_file())) == b"connect: PermissionError"


def test_another_uid_is_refused_by_the_peer_check_and_served_nothing(
        open_runtime_dir, agents, safesm_bin, sm):
    sm.create_secret(Name="db/prod", SecretString="the value")
    log = open_runtime_dir / "agent.log"
    assert agents("--log", str(log)).returncode == 0
    assert safesm(safesm_bin, "get", "db/prod").stdout == b"the value"  # cached now
    sock = socket_file()
    os.chmod(sock.parent, 0o711)  # loosened by hand: only the peer check is left
    os.chmod(sock, 0o666)
    got = _request_as_nobody(str(sock))
    assert got.startswith(b"closed:") and b"the value" not in got
    assert f"refused a connection from uid {NOBODY}" in log.read_text()
    loosened = agent_status(safesm_bin)  # safesm itself no longer trusts the directory
    assert loosened["running"] is False and "open to other users" in loosened["why"]
    os.chmod(sock.parent, 0o700)
    facts = agent_status(safesm_bin)
    assert (facts["hits"], facts["misses"]) == (0, 1)  # the refused request was not served


def test_the_client_refuses_an_agent_of_another_uid(aws, safesm_bin, sm):
    """A socket in the right place, answered by a uid-65534 process with a forged value:
    the client reads the peer's uid, goes direct, and gets the real value."""
    sm.create_secret(Name="db/prod", SecretString="the real value")
    fd = paths.open_dir(paths.socket_dir(), create=True)
    assert fd is not None
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(paths.socket_path(paths.socket_dir(), fd))  # root's file, in root's dir
    os.close(fd)
    answered = []

    def forge() -> bytes:  # as uid 65534: answer every request with a forged value
        listener.listen(4)  # the peer credentials a client sees are the listener's
        listener.settimeout(20)
        conn, _ = listener.accept()
        try:
            protocol.receive(conn)
            protocol.send(conn, [("ok", b"1"), ("value", b"FORGED"), ("binary", b"0")])
        except OSError:
            return b"client hung up before asking"
        return b"answered"

    worker = threading.Thread(target=lambda: answered.append(as_nobody(forge)))
    worker.start()
    try:
        got = safesm(safesm_bin, "get", "db/prod")
        assert (got.returncode, got.stdout, got.stderr) == (0, b"the real value", b"")
        debug = safesm(safesm_bin, "--debug", "get", "db/prod")
        assert b"another user's" in debug.stderr and debug.stdout == b"the real value"
    finally:
        worker.join(30)
        listener.close()
    assert answered == [b"client hung up before asking"]


def test_a_planted_symlink_is_refused_and_not_followed(aws, agents, safesm_bin, sm, tmp_path):
    """agent.sock is a symlink to a socket that serves forged values: neither the client
    nor `agent start` follows it."""
    sm.create_secret(Name="db/prod", SecretString="the real value")
    forged = tmp_path / "forged.sock"
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(forged))
    listener.listen(4)
    listener.settimeout(0.2)
    fd = paths.open_dir(paths.socket_dir(), create=True)
    assert fd is not None
    os.symlink(forged, paths.SOCKET, dir_fd=fd)
    os.close(fd)
    try:
        got = safesm(safesm_bin, "get", "db/prod")
        assert (got.returncode, got.stdout) == (0, b"the real value")
        with pytest.raises(TimeoutError):
            listener.accept()  # nobody connected through the symlink
        started = agents()
        assert started.returncode == 5 and b"is a symlink" in started.stderr
        assert socket_file().is_symlink() and wait_until(lambda: not agent_pids())
    finally:
        listener.close()


def test_a_foreign_directory_is_refused(agents, safesm_bin, sm):
    sm.create_secret(Name="db/prod", SecretString="the real value")
    where = Path(paths.socket_dir())
    where.mkdir(mode=0o700)
    os.chown(where, NOBODY, NOBODY)
    started = agents()
    assert started.returncode == 5 and b"belongs to another user" in started.stderr
    assert wait_until(lambda: not agent_pids()) and list(where.iterdir()) == []
    got = safesm(safesm_bin, "get", "db/prod")
    assert (got.returncode, got.stdout, got.stderr) == (0, b"the real value", b"")


def test_the_value_never_leaves_memory(agents, safesm_bin, sm, canary, tmp_path):
    log = tmp_path / "agent.log"
    put = safesm(safesm_bin, "put", "db/prod", input=canary.encode())
    assert put.returncode == 0, put.stderr
    started = agents("--log", str(log))
    assert started.returncode == 0
    [pid] = agent_pids()
    seen = []
    for _ in range(3):  # a miss, then hits; a batch too
        got = safesm(safesm_bin, "get", "db/prod")
        assert got.stdout == canary.encode()
        seen.append(got.stderr)
        for part in ("cmdline", "environ"):
            seen.append(Path(f"/proc/{pid}/{part}").read_bytes())
    batch = safesm(safesm_bin, "get", "db/prod", "db/prod")
    assert canary.encode() in batch.stdout
    for args in (("agent", "status"), ("agent", "status", "--json"), ("agent", "clear"),
                 ("agent", "stop")):
        r = safesm(safesm_bin, *args)
        seen += [r.stdout, r.stderr]
    seen.append(started.stderr)
    assert wait_until(lambda: not agent_pids())
    assert log.read_text().count("get db/prod") == 5  # 3 single reads, a batch of 2
    assert not any(canary.encode() in s for s in seen)
    assert files_containing(tmp_path, canary.encode()) == []  # HOME, TMPDIR, socket, log


def test_root_is_refused_by_another_users_agent(aws, safesm_bin, sm):
    """An agent running as uid 65534 (forked and dropped, no exec): root's connection is
    closed unread, and root's safesm does not even trust that user's directory."""
    sm.create_secret(Name="db/prod", SecretString="the real value")
    where = Path(tempfile.mkdtemp(prefix="safesm-nobody-"))
    os.chmod(where, 0o755)
    socket_dir = where / "safesm"
    socket_dir.mkdir(mode=0o700)
    log = where / "agent.log"
    log.touch()
    for path in (where, socket_dir, log):
        os.chown(path, NOBODY, NOBODY)
    pid = os.fork()
    if pid == 0:  # pragma: no cover (the child: an agent of uid 65534)
        try:
            _serve_as_nobody(str(socket_dir), str(log))
        finally:
            os._exit(0)
    try:
        sock = socket_dir / paths.SOCKET
        assert wait_until(sock.exists)
        conn = socket.socket(socket.AF_UNIX)
        conn.connect(str(sock))
        pairs = [("op", b"get"), *client.context_pairs({}, dict(os.environ)), ("id", b"db/prod")]
        with pytest.raises(OSError):  # closed unread (before or after the request arrives:
            protocol.send(conn, pairs)  # a broken pipe or a reset), nothing served
            protocol.receive(conn)
        conn.close()
        assert wait_until(lambda: "refused a connection from uid 0" in log.read_text())
        env = {**os.environ, "XDG_RUNTIME_DIR": str(where)}  # not root's: not looked in
        got = safesm(safesm_bin, "get", "db/prod", env=env)
        assert (got.returncode, got.stdout, got.stderr) == (0, b"the real value", b"")
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        shutil.rmtree(where, ignore_errors=True)


def _serve_as_nobody(socket_dir: str, log_path: str) -> None:  # pragma: no cover (child)
    from safesm import config
    from safesm.agent.daemon import AgentStore, Forgetful
    from safesm.agent.server import AgentServer
    from safesm.agent.service import Service

    os.setgroups([])
    os.setresgid(NOBODY, NOBODY, NOBODY)
    os.setresuid(NOBODY, NOBODY, NOBODY)
    os.environ["HOME"] = os.path.dirname(socket_dir)  # root's HOME is closed to this user
    settings = config.load({})
    service = Service(settings, AgentStore(settings, redactor=Forgetful()), 300)

    def log(line: str) -> None:
        with open(log_path, "a") as fh:
            fh.write(line + "\n")

    server = AgentServer(service, socket_dir, idle=30, log=log)
    server.bind()
    server.serve()
