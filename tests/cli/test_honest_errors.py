"""Honest errors (issue 17, items 5-9): each message says what happened in the user's
terms, with the documented exit code, never repeats what was typed, and changes nothing."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from safesm.cli import cli


def config_file(home, text: str):
    path = home / ".config" / "safesm" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def names(sm) -> list[str]:
    return sorted(s["Name"] for s in sm.list_secrets(IncludePlannedDeletion=True)["SecretList"])


# --- the config file (item 2) -----------------------------------------------------------


def test_an_unknown_config_key_is_a_warning_naming_it_and_the_file(run, sm, isolated_env):
    """`reader` for `readers` would silently leave the app off every new secret's policy."""
    path = config_file(isolated_env, 'reader = ["arn:aws:iam::123456789012:role/app"]\n')
    r = run("-q", "put", "db/prod", input=b"v")
    assert r.exit_code == 0, r.stderr
    assert (f"safesm: warning: unknown key `reader` in config file {path} is ignored; did you "
            "mean `readers`?") in r.stderr  # even with -q: it is about safety
    assert names(sm) == ["db/prod"]


@pytest.mark.parametrize("text, key", [("region = 5\n", "region"),
                                       ("clip_timeout = true\n", "clip_timeout"),
                                       ('endpoint_url = "localhost:4566"\n', "endpoint_url"),
                                       ("max_attempts = 100\n", "max_attempts")])
def test_a_config_value_of_the_wrong_type_or_range_exits_2_naming_the_file(run, sm,
                                                                           isolated_env,
                                                                           text, key):
    path = config_file(isolated_env, text)
    r = run("put", "db/prod", input=b"v")
    assert r.exit_code == 2, r.stderr
    assert f"bad value for `{key}` in the config file {path}: " in r.stderr
    assert "this is a bug" not in r.stderr
    assert names(sm) == []


# --- the command line (item 7) ----------------------------------------------------------


@pytest.mark.parametrize("argv, path", [(["get"], "safesm get"),
                                        (["describe"], "safesm describe"),
                                        (["policy", "grant"], "safesm policy grant")])
def test_a_missing_name_is_named_and_points_at_the_subcommand_help(isolated_env, argv, path):
    r = CliRunner().invoke(cli, argv)
    assert r.exit_code == 2
    assert "missing argument NAME." in r.stderr
    assert "invalid value" not in r.stderr and "NAME..." not in r.stderr
    assert f"Try '{path} --help'" in r.stderr


@pytest.mark.parametrize("argv", [[], ["policy"], ["history"], ["session"]])
def test_a_group_without_a_subcommand_shows_its_help_not_an_error(isolated_env, argv):
    r = CliRunner().invoke(cli, argv)
    assert r.exit_code == 2  # click's convention for a group given no command
    assert r.stderr.startswith(f"Usage: {' '.join(['safesm', *argv])} [OPTIONS] COMMAND")
    assert "Commands:" in r.stderr
    assert "error" not in r.stderr.lower()


@pytest.mark.parametrize("argv, suggestion, path", [
    (["gte", "db/prod"], "did you mean get?", "safesm"),
    (["policy", "shwo", "db/prod"], "did you mean show?", "safesm policy"),
    (["hunter2-canary-zq"], "no such command (the text given is not shown).", "safesm"),
])
def test_an_unknown_command_suggests_safesms_own_names_never_the_text(isolated_env, argv,
                                                                      suggestion, path):
    r = CliRunner().invoke(cli, argv)
    assert r.exit_code == 2
    assert suggestion in r.stderr
    assert f"Try '{path} --help'" in r.stderr
    typed = next(a for a in argv if a not in ("policy", "db/prod"))
    assert typed not in r.stderr
    assert "could not be parsed" not in r.stderr


def test_an_unknown_command_does_not_echo_a_pasted_value(isolated_env, canary):
    r = CliRunner().invoke(cli, [canary[:-1] + "x"])  # close to nothing safesm knows
    assert r.exit_code == 2
    assert canary[:-1] not in r.output


# --- nothing to do is said so (item 9) --------------------------------------------------

APP = "arn:aws:iam::123456789012:role/app"
NEVER = "arn:aws:iam::123456789012:role/never-granted"


def test_restore_of_a_secret_not_scheduled_for_deletion_says_nothing_changed(run, sm):
    sm.create_secret(Name="db/prod", SecretString="v")
    before = sm.describe_secret(SecretId="db/prod")
    r = run("restore", "db/prod")
    assert r.exit_code == 0, r.stderr
    assert "Nothing changed: db/prod is not scheduled for deletion." in r.stderr
    assert "Restored" not in r.stderr
    after = sm.describe_secret(SecretId="db/prod")
    assert after["LastChangedDate"] == before["LastChangedDate"] and "DeletedDate" not in after


def test_restore_of_a_scheduled_secret_still_restores(run, sm):
    sm.create_secret(Name="db/prod", SecretString="v")
    sm.delete_secret(SecretId="db/prod", RecoveryWindowInDays=7)
    r = run("restore", "db/prod")
    assert r.exit_code == 0 and "Restored db/prod." in r.stderr
    assert "DeletedDate" not in sm.describe_secret(SecretId="db/prod")


@pytest.mark.parametrize("flags, lists", [([], "readers or writers"), (["--read"], "readers"),
                                          (["--write"], "writers")])
def test_revoke_of_a_principal_never_granted_says_nothing_changed(run, sm, flags, lists):
    assert run("put", "db/prod", input=b"v").exit_code == 0
    assert run("policy", "grant", "db/prod", "--read", APP).exit_code == 0
    before = sm.get_resource_policy(SecretId="db/prod")["ResourcePolicy"]
    r = run("policy", "revoke", "db/prod", NEVER, *flags)
    assert r.exit_code == 0, r.stderr
    assert (f"Nothing changed: the principal(s) given were not on db/prod's {lists} list."
            in r.stderr)
    assert "already revoked" not in r.stderr and "Revoked" not in r.stderr
    assert sm.get_resource_policy(SecretId="db/prod")["ResourcePolicy"] == before


# --- versions and stages (item 6) -------------------------------------------------------


@pytest.mark.parametrize("option, value, says", [
    ("--version-stage", "NOPE", "has no version with the stage label given to --version-stage"),
    ("--version-stage", "AWSPREVIOUS",
     "has no version with the stage label given to --version-stage"),
    ("--version-id", "0123456789abcdef0123456789abcdef",
     "has no version with the id given to --version-id"),
])
def test_a_missing_version_or_stage_is_named_and_points_at_versions(run, sm, option, value,
                                                                    says):
    sm.create_secret(Name="db/prod", SecretString="v")
    r = run("get", "db/prod", option, value)
    assert r.exit_code == 3, r.stderr
    assert f"secret 'db/prod' {says}." in r.stderr
    assert "`safesm versions db/prod`" in r.stderr
    assert value not in r.stderr and "was not found" not in r.stderr
    assert r.stdout == ""


def test_a_missing_secret_with_a_stage_is_still_a_missing_secret(run, sm):
    r = run("get", "db/nope", "--version-stage", "AWSCURRENT")
    assert r.exit_code == 3
    assert "the secret was not found." in r.stderr and "db/nope" not in r.stderr


@pytest.mark.parametrize("option, value", [
    ("--version-id", "hunter2-canary"),  # too short
    ("--version-id", "x" * 65),  # too long
    ("--version-id", "a b" * 11),  # spaces
    ("--version-stage", ""),
    ("--version-stage", "x" * 257),
])
def test_a_malformed_version_option_is_a_usage_error_before_any_call(isolated_env, option,
                                                                     value):
    """isolated_env points at a closed port: any AWS call would end in exit 6, not 2."""
    r = CliRunner().invoke(cli, ["get", "db/prod", option, value])
    assert r.exit_code == 2, r.stderr
    assert f"invalid value for {option}:" in r.stderr
    assert "ParamValidationError" not in r.stderr and "could not reach" not in r.stderr
    assert not value or value not in r.stderr


# --- the endpoint (item 5) --------------------------------------------------------------


@pytest.mark.parametrize("args, env, source", [
    (["--endpoint-url", "not-a-url"], {}, "--endpoint-url"),
    (["--endpoint-url", "localhost:4566"], {}, "--endpoint-url"),
    ([], {"AWS_ENDPOINT_URL": "ftp://example.com"}, "AWS_ENDPOINT_URL"),
    ([], {"AWS_ENDPOINT_URL_SECRETS_MANAGER": "http://"}, "AWS_ENDPOINT_URL_SECRETS_MANAGER"),
])
def test_a_bad_endpoint_url_is_a_usage_error_naming_its_source(aws, sm, monkeypatch, args, env,
                                                               source):
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    r = CliRunner().invoke(cli, [*args, "put", "db/prod"], input=b"v")
    assert r.exit_code == 2, r.stderr
    assert r.stderr.startswith(f"safesm: error: bad value for {source}: a URL of the form "
                               "https://HOST[:PORT][/PATH]")
    assert "this is a bug" not in r.stderr
    assert not any(v in r.stderr for v in [*args[1:], *env.values()])
    assert names(sm) == []


class _WebServer:
    """A plain web server on loopback (http.server), answering every POST with `status`."""

    def __init__(self, status: int, body: bytes, kind: str = "text/html") -> None:
        import http.server
        import threading

        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                outer.requests += 1
                if status == 501:  # what http.server says to a method it does not serve
                    self.send_error(501)
                    return
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.requests = 0
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,),
                                       daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


HTML = b"<!doctype html><html><body><h1>It works!</h1></body></html>"


@pytest.mark.parametrize("status, body, kind", [
    (404, HTML, "text/html"), (501, b"", "text/html"), (200, HTML, "text/html"),
    (200, b"", "text/plain"), (403, b'{"message": "Forbidden"}', "application/json"),
])
@pytest.mark.parametrize("argv", [["get", "db/prod"], ["list"], ["describe", "db/prod"]])
def test_a_plain_web_server_is_named_as_not_secrets_manager(aws, monkeypatch, status, body,
                                                            kind, argv):
    web = _WebServer(status, body, kind)
    try:
        monkeypatch.setenv("AWS_ENDPOINT_URL", web.url)
        r = CliRunner().invoke(cli, argv)
    finally:
        web.close()
    assert r.exit_code == 6, r.stderr
    assert f"{web.url} answered HTTP {status} (" in r.stderr
    assert "this does not look like Secrets Manager." in r.stderr
    assert "Check AWS_ENDPOINT_URL: it must name a Secrets Manager endpoint" in r.stderr
    assert "having trouble" not in r.stderr and "not found" not in r.stderr
    assert "It works" not in r.stderr  # the page itself is not shown
    assert r.stdout == ""
    assert web.requests == 1  # no point retrying a web page


def test_a_web_server_that_fails_with_500_is_still_the_services_trouble(aws, monkeypatch):
    """500/502/503/504 are retried and reported as the service having trouble, even with an
    HTML body (a load balancer's error page in front of a real endpoint)."""
    web = _WebServer(503, HTML)
    try:
        monkeypatch.setenv("AWS_ENDPOINT_URL", web.url)
        monkeypatch.setenv("SAFESM_MAX_ATTEMPTS", "2")
        r = CliRunner().invoke(cli, ["get", "db/prod"])
    finally:
        web.close()
    assert r.exit_code == 6
    assert "answered HTTP 503 after retries" in r.stderr
    assert web.requests == 2


# --- profiles (item 8) ------------------------------------------------------------------


@pytest.fixture
def profiles(aws, isolated_env):
    """default (with keys), prod (with keys), empty (a region, no credentials)."""
    (isolated_env / ".aws" / "config").write_text(
        "[default]\nregion = us-east-1\n[profile prod]\nregion = us-east-1\n"
        "[profile empty]\nregion = us-east-1\n")
    (isolated_env / ".aws" / "credentials").write_text(
        "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = x\n"
        "[prod]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = x\n")
    return isolated_env


@pytest.mark.parametrize("how, source", [("flag", "--profile"), ("env", "AWS_PROFILE"),
                                         ("file", "`profile` in the config file")])
def test_a_profile_that_does_not_exist_names_its_source_and_the_real_ones(
        profiles, sm, monkeypatch, canary, how, source):
    """The name given is never repeated (it was typed, and might be anything); the
    configured profiles are listed instead."""
    args = ["--profile", canary] if how == "flag" else []
    if how == "env":
        monkeypatch.setenv("AWS_PROFILE", canary)
    if how == "file":
        config_file(profiles, f'profile = "{canary}"\n')
    r = CliRunner().invoke(cli, [*args, "put", "db/prod"], input=b"v")
    assert r.exit_code == 4, r.stderr
    assert f"the AWS profile selected by {source}" in r.stderr
    assert "is not in your AWS config or credentials file" in r.stderr
    assert "the profiles configured are: default, empty, prod." in r.stderr
    assert canary not in r.stderr
    assert names(sm) == []


@pytest.mark.parametrize("how, source", [("flag", "--profile"), ("env", "AWS_PROFILE")])
def test_a_configured_profile_without_credentials_is_named(profiles, sm, monkeypatch, how,
                                                           source):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    args = ["--profile", "empty"] if how == "flag" else []
    if how == "env":
        monkeypatch.setenv("AWS_PROFILE", "empty")
    r = CliRunner().invoke(cli, [*args, "put", "db/prod"], input=b"v")
    assert r.exit_code == 4, r.stderr
    assert f"no AWS credentials found for profile 'empty' (selected by {source})." in r.stderr
    assert names(sm) == []


# --- a slow endpoint (item 10) ----------------------------------------------------------


@pytest.fixture
def slow(aws, monkeypatch):
    """The emulator behind tests/faultproxy.py; "slow" means more than 0.3 s here."""
    from safesm.aws import progress
    from tests.faultproxy import FaultProxy

    monkeypatch.setattr(progress, "SLOW_AFTER", 0.3)
    with FaultProxy(aws, lifetime=60) as proxy:
        monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
        monkeypatch.setenv("SAFESM_MAX_ATTEMPTS", "3")
        yield proxy


def invoke_on(argv: list[str], stderr_is_terminal: bool):
    from safesm.runtime import Environment

    return CliRunner().invoke(cli, argv, obj=lambda: Environment.from_process(
        stderr_isatty=stderr_is_terminal))


def test_a_slow_call_says_once_on_a_terminal_that_safesm_is_still_waiting(slow, sm):
    from tests.faultproxy import Fault

    sm.create_secret(Name="db/prod", SecretString="v")
    slow.add(Fault("delay", seconds=0.8, times=1))
    r = invoke_on(["get", "db/prod"], stderr_is_terminal=True)
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "v"
    assert r.stderr.count("still waiting") == 1
    assert f"safesm: still waiting for {slow.url}; Ctrl-C stops." in r.stderr


def test_a_retry_after_a_timeout_is_said_as_retrying(slow, sm, monkeypatch):
    from tests.faultproxy import Fault

    monkeypatch.setenv("SAFESM_READ_TIMEOUT", "0.5")
    sm.create_secret(Name="db/prod", SecretString="v")
    slow.add(Fault("delay", seconds=2.0, times=2))  # attempts 1 and 2 time out after 0.5 s
    from safesm.aws import progress

    monkeypatch.setattr(progress, "SLOW_AFTER", 0.7)  # during the second attempt
    r = invoke_on(["get", "db/prod"], stderr_is_terminal=True)
    assert r.exit_code == 0, r.stderr
    assert f"still waiting for {slow.url}, retrying (attempt 2 of 3)" in r.stderr


def test_never_on_a_pipe_nor_with_quiet_nor_when_fast(slow, sm):
    from tests.faultproxy import Fault

    sm.create_secret(Name="db/prod", SecretString="v")
    slow.add(Fault("delay", seconds=0.6, times=2))
    assert "still waiting" not in invoke_on(["get", "db/prod"], False).stderr
    assert "still waiting" not in invoke_on(["-q", "get", "db/prod"], True).stderr
    fast = invoke_on(["get", "db/prod"], True)  # the faults are used up: no delay now
    assert fast.exit_code == 0 and "still waiting" not in fast.stderr
