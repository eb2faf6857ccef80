"""The local Secrets Manager emulator: moto's server, extended where moto lacks a call.

Started by the test rig (tests/conftest.py) and by `make demo` as a real HTTP server on
127.0.0.1. Extensions here are test-only: the product calls the real API unchanged.
"""

from __future__ import annotations

import os
import select
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import IO

HERE = Path(__file__).resolve()


# Every moto internal the extensions below patch or call, as "module:attribute.path". They
# are checked before anything is patched, so a moto release that moved one stops the
# emulator at start, naming it, instead of letting a patch miss and a test misbehave.
PATCH_TARGETS = (
    "moto.secretsmanager.responses:SecretsManagerResponse.put_resource_policy",
    "moto.secretsmanager.responses:SecretsManagerResponse.call_action",
    "moto.secretsmanager.responses:SecretsManagerResponse."
    "_authenticate_and_authorize_normal_action",
    "moto.secretsmanager.responses:SecretsManagerResponse._get_param",
    "moto.secretsmanager.responses:SecretsManagerResponse.backend",
    "moto.secretsmanager.models:SecretsManagerBackend.update_secret_version_stage",
    "moto.secretsmanager.models:SecretsManagerBackend.put_secret_value",
    "moto.secretsmanager.models:SecretsManagerBackend.describe_secret",
    "moto.secretsmanager.models:SecretsManagerBackend._is_valid_identifier",
    "moto.secretsmanager.exceptions:SecretsManagerClientError",
    "moto.secretsmanager.exceptions:InvalidRequestException",
    "moto.sts.models:STSBackend.get_caller_identity",
    "moto.core.exceptions:JsonRESTError",
    "moto.core.exceptions:_RESTError",
    "moto.server:main",
    "moto.server:ThreadedMotoServer.get_host_and_port",
)


class MotoMismatch(RuntimeError):
    """The installed moto lacks something the emulator patches or calls."""


def missing_targets(targets: tuple[str, ...] | None = None) -> list[str]:
    """The targets that do not resolve in the installed moto, as "module.attribute"."""
    import importlib

    missing = []
    for target in PATCH_TARGETS if targets is None else targets:
        module_name, _, path = target.partition(":")
        try:
            obj: object = importlib.import_module(module_name)
            for attr in path.split("."):
                obj = getattr(obj, attr)
        except (ImportError, AttributeError):
            missing.append(f"{module_name}.{path}")
    return missing


def check_targets(targets: tuple[str, ...] | None = None) -> None:
    missing = missing_targets(targets)
    if missing:
        from importlib.metadata import version

        raise MotoMismatch(
            f"tests/emulator.py: moto {version('moto')} has no {', '.join(missing)}, which "
            "the emulator patches; install the moto[server] range pinned in pyproject.toml "
            "(or adapt the emulator and widen the pin).")


def install_extensions() -> None:
    """Test-only additions to moto (e.g. calls it does not implement), after checking that
    every target is there."""
    check_targets()
    _install_policy_checks()
    _install_iam_caller_arn()
    _install_json_auth_errors()
    _install_serialized_requests()
    _install_stage_move_sets_current()
    _install_no_writes_while_deleted()
    __import__("emulator_iam").install()  # tests/ is on sys.path when run as a script
    __import__("importlib").import_module((__package__ + "." if __package__ else "") + "emulator_lifecycle").install(check_targets)  # noqa: E501
    __import__("emulator_monitoring").install()  # CloudTrail events, LastAccessedDate
    __import__("emulator_batch").install()  # BatchGetSecretValue's 20-id limit


# Resource policies: moto stores any text and lacks ValidateResourcePolicy. AWS checks
# syntax, and with Zelkova finds broad access; here a faithful subset: JSON syntax, the
# size limit, and broad access as judged by policyuniverse (an independent third-party
# check, so the emulator does not share safesm's own lint logic).
POLICY_MAX_CHARS = 20480


def _policy_error(code: str, message: str) -> Exception:
    from moto.secretsmanager.exceptions import SecretsManagerClientError

    return SecretsManagerClientError(code, message)


def _parse_policy(text: object) -> dict:
    import json

    if not isinstance(text, str) or len(text) > POLICY_MAX_CHARS:
        raise _policy_error("ValidationException", "1 validation error detected: Value at "
                            "'resourcePolicy' failed to satisfy constraint: Member must have "
                            f"length less than or equal to {POLICY_MAX_CHARS}")
    try:
        doc = json.loads(text)
    except ValueError:
        doc = None
    if not isinstance(doc, dict) or "Statement" not in doc:
        raise _policy_error("MalformedPolicyDocumentException",
                            "This resource policy contains a syntax error.")
    return doc


def _broad_statements(doc: dict) -> list[int]:
    from policyuniverse.statement import Statement

    statements = doc["Statement"] if isinstance(doc["Statement"], list) else [doc["Statement"]]
    return [i for i, st in enumerate(statements)
            if isinstance(st, dict) and Statement(st).is_internet_accessible()]


def _install_policy_checks() -> None:
    import json

    from moto.secretsmanager.responses import SecretsManagerResponse

    original_put = SecretsManagerResponse.put_resource_policy

    def validate_resource_policy(self: SecretsManagerResponse) -> str:
        secret_id = self._get_param("SecretId")
        if secret_id:
            self.backend.describe_secret(secret_id)  # ResourceNotFoundException like AWS
        doc = _parse_policy(self._get_param("ResourcePolicy"))
        errors = [{"CheckName": "BROAD_ACCESS",
                   "ErrorMessage": f"Statement {i} grants broad access to the secret."}
                  for i in _broad_statements(doc)]
        return json.dumps({"PolicyValidationPassed": not errors, "ValidationErrors": errors})

    def put_resource_policy(self: SecretsManagerResponse) -> str:
        doc = _parse_policy(self._get_param("ResourcePolicy"))
        if self._get_param("BlockPublicPolicy") and _broad_statements(doc):
            raise _policy_error("PublicPolicyException", "You can't save the policy because "
                                "it grants public access to the secret.")
        return original_put(self)

    SecretsManagerResponse.validate_resource_policy = validate_resource_policy
    SecretsManagerResponse.put_resource_policy = put_resource_policy


def _install_iam_caller_arn() -> None:
    """moto answers GetCallerIdentity for unknown keys with arn:aws:sts::...:user/moto; AWS
    names IAM users arn:aws:iam::ACCOUNT:user/NAME."""
    from moto.sts.models import STSBackend

    original = STSBackend.get_caller_identity

    def get_caller_identity(self: STSBackend, access_key_id: str,
                            region: str) -> tuple[str, str, str]:
        user_id, arn, account = original(self, access_key_id, region)
        if arn.endswith(":user/moto") and ":sts::" in arn:
            arn = arn.replace(":sts::", ":iam::", 1)
        return user_id, arn, account

    STSBackend.get_caller_identity = get_caller_identity


def _install_serialized_requests() -> None:
    """AWS applies writes to one secret one at a time; moto's threaded server does not
    (two PutSecretValue racing can both keep AWSCURRENT). One lock around each Secrets
    Manager action makes the emulator as atomic as the service, so concurrency tests test
    safesm rather than moto's races."""
    import threading

    from moto.secretsmanager.responses import SecretsManagerResponse

    lock = threading.RLock()
    original = SecretsManagerResponse.call_action

    def call_action(self: SecretsManagerResponse):  # type: ignore[no-untyped-def]
        with lock:
            return original(self)

    SecretsManagerResponse.call_action = call_action


def _install_stage_move_sets_current() -> None:
    """moto's UpdateSecretVersionStage moves the AWSCURRENT label but keeps answering
    GetSecretValue (and demoting on the next put) from the old version; AWS serves the
    version that holds AWSCURRENT."""
    from moto.secretsmanager.models import SecretsManagerBackend

    original = SecretsManagerBackend.update_secret_version_stage

    def update_secret_version_stage(self: SecretsManagerBackend, secret_id: str,
                                    version_stage: str, remove_from_version_id: str,
                                    move_to_version_id: str) -> tuple[str, str]:
        result = original(self, secret_id, version_stage, remove_from_version_id,
                          move_to_version_id)
        if version_stage == "AWSCURRENT" and move_to_version_id:
            self.secrets[secret_id].default_version_id = move_to_version_id
        return result

    SecretsManagerBackend.update_secret_version_stage = update_secret_version_stage


def _install_no_writes_while_deleted() -> None:
    """AWS refuses PutSecretValue on a secret scheduled for deletion (InvalidRequest: "it
    was marked for deletion"); moto stores the value."""
    from moto.secretsmanager.exceptions import InvalidRequestException
    from moto.secretsmanager.models import SecretsManagerBackend

    original = SecretsManagerBackend.put_secret_value

    def put_secret_value(self: SecretsManagerBackend, secret_id: str, *args: object,
                         **kwargs: object) -> object:
        secret = self.secrets.get(secret_id) if self._is_valid_identifier(secret_id) else None
        if secret is not None and getattr(secret, "deleted_date", None):
            raise InvalidRequestException(
                "You can't perform this operation on the secret because it was marked for "
                "deletion.")
        return original(self, secret_id, *args, **kwargs)

    SecretsManagerBackend.put_secret_value = put_secret_value


def main(argv: list[str] | None = None) -> None:
    """`tests/emulator.py -H HOST -p PORT` (moto's own server, as `make demo` runs it), or
    `--port-fd FD`: listen on a port the kernel picks and write its number to FD."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        install_extensions()
    except MotoMismatch as err:
        sys.exit(str(err))
    if "--port-fd" in argv:
        _serve_on_a_free_port(int(argv[argv.index("--port-fd") + 1]))
    from moto.server import main as moto_main

    moto_main(argv)


def _serve_on_a_free_port(fd: int) -> None:
    """No window between choosing a port and listening on it, so emulators started side
    by side (parallel test runs on one machine) never answer for each other."""
    import threading

    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()  # returns once the socket listens
    with os.fdopen(fd, "w") as out:
        out.write(f"{server.get_host_and_port()[1]}\n")
    threading.Event().wait()  # until SIGTERM (stop())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(log: IO[bytes], timeout: float = 30) -> tuple[subprocess.Popen, str]:
    """Start the emulator on 127.0.0.1 and wait until it listens; returns (process, url)."""
    read_end, write_end = os.pipe()
    try:
        proc = subprocess.Popen(
            [sys.executable, str(HERE), "--port-fd", str(write_end)], pass_fds=(write_end,),
            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "AWS_REGION": "us-east-1"},
        )
    finally:
        os.close(write_end)
    with os.fdopen(read_end, "rb") as port_pipe:
        ready, _, _ = select.select([port_pipe], [], [], timeout)
        port = port_pipe.readline().strip() if ready else b""
    if port.isdigit():
        return proc, f"http://127.0.0.1:{int(port)}"
    if not ready:
        proc.kill()
        raise RuntimeError(f"the emulator did not listen within {timeout:.0f} s")
    proc.wait(10)
    raise RuntimeError(f"the emulator exited early with {proc.returncode}: "
                       f"{_last_line(log)}")


def _last_line(log: IO[bytes]) -> str:
    """The emulator's last words, from its log file (when the log is a file)."""
    try:
        log.flush()
        lines = Path(log.name).read_bytes().decode(errors="replace").strip().splitlines()
    except (AttributeError, OSError, TypeError):
        return "(no log)"
    return lines[-1] if lines else "(empty log)"


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def reset(url: str) -> None:
    req = urllib.request.Request(url + "/moto-api/reset", method="POST", data=b"")
    urllib.request.urlopen(req, timeout=10).read()



def _install_json_auth_errors() -> None:
    """With IAM enforcement on (POST /moto-api/reset-auth), moto answers Secrets Manager's
    JSON protocol with an XML 403 that botocore cannot read; AWS sends JSON
    AccessDeniedException (400), so the emulator does too."""
    from moto.core.exceptions import JsonRESTError
    from moto.core.exceptions import _RESTError as RESTError
    from moto.secretsmanager.responses import SecretsManagerResponse

    json_types = {"AccessDenied": "AccessDeniedException",
                  "InvalidClientTokenId": "UnrecognizedClientException"}
    original = SecretsManagerResponse._authenticate_and_authorize_normal_action

    def authorize(self: SecretsManagerResponse, resource: str = "*") -> None:
        try:
            original(self, resource)
        except RESTError as err:
            if isinstance(err, JsonRESTError):
                raise
            error_type = getattr(err, "error_type", "")
            json_err = JsonRESTError(json_types.get(error_type, error_type),
                                     getattr(err, "message", ""))
            json_err.code = 400
            raise json_err from None

    SecretsManagerResponse._authenticate_and_authorize_normal_action = authorize


if __name__ == "__main__":
    main()
