"""Emulator extension (test-only): rotation schedules and rotators, replica keys and status,
and StopReplicationToReplica, where moto 5.2 falls short of the service.

What moto does, and what this module makes it do instead:
- RotateSecret drops ScheduleExpression and Duration, accepts invalid schedules, reports
  rotation off for a schedule, and rotating without a Lambda leaves a value-less
  AWSCURRENT. Here RotationRules are checked and kept as given (DescribeSecret and
  ListSecrets show them, with NextRotationDate), a Lambda is required, a rotation still
  pending on a version that is not AWSCURRENT refuses a new one (as AWS does), and the
  Lambda is "invoked" by running a Python test rotator, chosen by the function's Handler,
  through the four steps (createSecret, setSecret, testSecret, finishSecret) on a thread,
  as the function's execution role: a resource-policy Deny for that role fails the step.
  Handlers: `rotator.succeed`, `rotator.fail_at_test` (leaves AWSPENDING behind); the
  function's environment variable STEP_DELAY (seconds) slows each step down.
- Replicas ignore their KmsKeyId and are InSync at once. Here a replica keeps the key it
  was given and reports InProgress for REPLICA_SYNC_SECONDS first.
- StopReplicationToReplica answers HTTP 500. Here it works in the replica's Region (and
  only there), turning the replica into a standalone secret.

The rotator's Lambda must exist in moto's Lambda backend (tests create it with boto3), so
lambda:GetFunctionConfiguration returns its real execution role.
"""

from __future__ import annotations

import copy
import fnmatch
import json
import re
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

TARGETS = (
    "moto.secretsmanager.models:SecretsManagerBackend.rotate_secret",
    "moto.secretsmanager.models:SecretsManagerBackend.get_secret_value",
    "moto.secretsmanager.models:SecretsManagerBackend.put_secret_value",
    "moto.secretsmanager.models:SecretsManagerBackend.update_secret_version_stage",
    "moto.secretsmanager.models:FakeSecret.to_dict",
    "moto.secretsmanager.models:FakeSecret.create_replicas",
    "moto.secretsmanager.models:ReplicaSecret.__init__",
    "moto.secretsmanager.models:secretsmanager_backends",
    "moto.secretsmanager.responses:SecretsManagerResponse.call_action",
    "moto.secretsmanager.exceptions:InvalidParameterException",
    "moto.secretsmanager.exceptions:InvalidRequestException",
    "moto.secretsmanager.exceptions:ResourceNotFoundException",
    "moto.secretsmanager.exceptions:SecretNotFoundException",
    "moto.awslambda.utils:get_backend",
)

REPLICA_SYNC_SECONDS = 0.4
LOCK = threading.RLock()  # requests and rotator steps, one at a time
DEFAULT_KEY = "alias/aws/secretsmanager"


def install(check: Callable[[tuple[str, ...]], None]) -> None:
    check(TARGETS)
    _install_lock()
    _install_rotation()
    _install_rotation_fields()
    _install_replica_keys_and_status()
    _install_stop_replication()


def _install_lock() -> None:
    """The rotator thread and requests take one lock, so a step never interleaves with a
    request (the emulator's own request lock is private to it; this one wraps it)."""
    from moto.secretsmanager.responses import SecretsManagerResponse

    original = SecretsManagerResponse.call_action

    def call_action(self: SecretsManagerResponse):  # type: ignore[no-untyped-def]
        with LOCK:
            return original(self)

    SecretsManagerResponse.call_action = call_action


# schedules --------------------------------------------------------------------------

def _bad(message: str) -> Exception:
    from moto.secretsmanager.exceptions import InvalidParameterException

    return InvalidParameterException(message)


_RATE = re.compile(r"rate\((\d+) (hour|hours|day|days)\)")
_CRON = re.compile(r"cron\(([^)]*)\)")


def check_rules(rules: dict[str, Any]) -> None:
    """The service's checks of RotationRules, written independently of safesm's."""
    days, expr, duration = (rules.get("AutomaticallyAfterDays"), rules.get("ScheduleExpression"),
                            rules.get("Duration"))
    if days is not None and expr is not None:
        raise _bad("You can't specify both AutomaticallyAfterDays and ScheduleExpression.")
    if days is not None and not 1 <= int(days) <= 1000:
        raise _bad("RotationRules.AutomaticallyAfterDays must be within 1-1000.")
    if duration is not None and not re.fullmatch(r"([1-9]|1\d|2[0-4])h", str(duration)):
        raise _bad("RotationRules.Duration must be between 1h and 24h.")
    if expr is None:
        return
    rate, cron = _RATE.fullmatch(expr), _CRON.fullmatch(expr)
    if rate:
        value, unit = int(rate.group(1)), rate.group(2)
        if (unit.startswith("hour") and not 4 <= value <= 23) or (
                unit.startswith("day") and not 1 <= value <= 1000):
            raise _bad("The schedule expression rate is out of range.")
    elif not cron or len(cron.group(1).split()) != 6 or cron.group(1).split()[0] != "0" \
            or cron.group(1).split()[5] != "*":
        raise _bad("Invalid ScheduleExpression.")


def _next_rotation(rules: dict[str, Any], now: float) -> float:
    """Approximately when the next window opens (test-only; good enough to show)."""
    expr = rules.get("ScheduleExpression") or f"rate({rules.get('AutomaticallyAfterDays', 1)} days)"
    rate = _RATE.fullmatch(expr)
    midnight = now - now % 86400
    if rate and rate.group(2).startswith("hour"):
        step = int(rate.group(1)) * 3600
        return midnight + ((now - midnight) // step + 1) * step
    if rate:
        return midnight + int(rate.group(1)) * 86400
    return midnight + 86400


# the resource policy as the rotator meets it ------------------------------------------

def denied(policy: str | None, principal: str, action: str) -> bool:
    """A Deny for `principal` on `action`: Principal "*" statements whose conditions on
    aws:PrincipalArn hold (statements with any other condition key are not applied)."""
    try:
        doc = json.loads(policy or "{}")
    except ValueError:
        return False
    statements = doc.get("Statement", []) if isinstance(doc, dict) else []
    for st in statements if isinstance(statements, list) else [statements]:
        if not isinstance(st, dict) or st.get("Effect") != "Deny":
            continue
        if st.get("Principal") not in ("*", {"AWS": "*"}):
            continue
        actions = st.get("Action", [])
        actions = actions if isinstance(actions, list) else [actions]
        if not any(fnmatch.fnmatch(action.lower(), str(a).lower()) for a in actions):
            continue
        if _conditions_hold(st.get("Condition", {}), principal):
            return True
    return False


def _conditions_hold(cond: dict[str, Any], principal: str) -> bool:
    for op, pairs in cond.items():
        for key, values in pairs.items():
            if key.lower() != "aws:principalarn":
                return False
            values = values if isinstance(values, list) else [values]
            hit = any(fnmatch.fnmatchcase(principal, str(v)) for v in values)
            if ("Not" in op) == hit:
                return False
    return True


# rotation ---------------------------------------------------------------------------

class StepFailed(Exception):
    pass


def _rotator(secrets_backend: Any, secret_id: str, token: str, function: Any) -> None:
    """The four steps of a rotation Lambda, as AWS's templates do them."""
    delay = float((function.environment_vars or {}).get("STEP_DELAY", "0"))
    role, handler = function.role, function.handler or "rotator.succeed"
    steps = [("createSecret", _create), ("setSecret", _nothing), ("testSecret", _test),
             ("finishSecret", _finish)]
    try:
        for step, action in steps:
            time.sleep(delay)
            with LOCK:
                if step == "testSecret" and handler.endswith("fail_at_test"):
                    raise StepFailed("testSecret: the new credentials were refused")
                action(secrets_backend, secret_id, token, role)
        with LOCK:
            secret = secrets_backend.secrets[secret_id]
            stages = secret.versions.get(token, {}).get("version_stages", [])
            if "AWSPENDING" in stages:
                stages.remove("AWSPENDING")  # Secrets Manager clears it after finishSecret
            secret.last_rotation_date = int(time.time())
    except Exception:  # a failed step ends the invocation; AWSPENDING stays where it is
        return


def _allow(backend: Any, secret_id: str, role: str, action: str) -> None:
    if denied(getattr(backend.secrets[secret_id], "policy", None), role,
              f"secretsmanager:{action}"):
        raise StepFailed(f"AccessDenied: {role} may not call {action}")


def _create(backend: Any, secret_id: str, token: str, role: str) -> None:
    _allow(backend, secret_id, role, "GetSecretValue")
    secret = backend.secrets[secret_id]
    if token in secret.versions:
        return
    current = backend.get_secret_value(secret_id, None, "AWSCURRENT").get("SecretString") or ""
    fresh = uuid.uuid4().hex
    try:
        doc = json.loads(current)
    except ValueError:
        doc = None
    new = json.dumps({**doc, "password": fresh}) if isinstance(doc, dict) else fresh
    _allow(backend, secret_id, role, "PutSecretValue")
    backend.put_secret_value(secret_id, new, None, token, ["AWSPENDING"])


def _nothing(backend: Any, secret_id: str, token: str, role: str) -> None:
    _allow(backend, secret_id, role, "GetSecretValue")


def _test(backend: Any, secret_id: str, token: str, role: str) -> None:
    _allow(backend, secret_id, role, "GetSecretValue")
    backend.get_secret_value(secret_id, token, "AWSPENDING")


def _finish(backend: Any, secret_id: str, token: str, role: str) -> None:
    _allow(backend, secret_id, role, "DescribeSecret")
    _allow(backend, secret_id, role, "UpdateSecretVersionStage")
    secret = backend.secrets[secret_id]
    current = next(v for v, d in secret.versions.items() if "AWSCURRENT" in d["version_stages"])
    if current != token:
        backend.update_secret_version_stage(secret_id, "AWSCURRENT", current, token)


def _pending_elsewhere(secret: Any) -> bool:
    return any("AWSPENDING" in d["version_stages"] and "AWSCURRENT" not in d["version_stages"]
               for d in secret.versions.values())


def _install_rotation() -> None:
    from moto.secretsmanager.exceptions import (
        InvalidRequestException,
        ResourceNotFoundException,
        SecretNotFoundException,
    )
    from moto.secretsmanager.models import ReplicaSecret, SecretsManagerBackend

    def rotate_secret(self: SecretsManagerBackend, secret_id: str,
                      client_request_token: str | None = None,
                      rotation_lambda_arn: str | None = None,
                      rotation_rules: dict[str, Any] | None = None,
                      rotate_immediately: bool = True) -> str:
        if not self._is_valid_identifier(secret_id):
            raise SecretNotFoundException()
        secret = self.secrets[secret_id]
        if isinstance(secret, ReplicaSecret):
            raise _bad("Operation not permitted on a replica secret.")
        if secret.is_deleted():
            raise InvalidRequestException("You can't perform this operation on the secret "
                                          "because it was marked for deletion.")
        if rotation_rules:
            check_rules(rotation_rules)
        arn = rotation_lambda_arn or secret.rotation_lambda_arn
        if not arn:
            raise InvalidRequestException("No Lambda rotation function ARN is associated with "
                                          "this secret.")
        from moto.awslambda.utils import get_backend

        try:
            function = get_backend(self.account_id, self.region_name).get_function(arn)
        except Exception:
            raise ResourceNotFoundException(f"Lambda function {arn} was not found.") from None
        if rotate_immediately and _pending_elsewhere(secret):
            raise InvalidRequestException("A previous rotation isn't complete. That rotation "
                                          "will be reattempted.")
        secret.rotation_requested = True
        secret.rotation_enabled = True
        secret.rotation_lambda_arn = arn
        if rotation_rules:
            secret.safesm_rules = dict(rotation_rules)
        token = client_request_token or str(uuid.uuid4())
        out = {"ARN": secret.arn, "Name": secret.name}
        if rotate_immediately:
            threading.Thread(target=_rotator, args=(self, secret.name, token, function),
                             daemon=True).start()
            out["VersionId"] = token
        return json.dumps(out)

    SecretsManagerBackend.rotate_secret = rotate_secret


def _install_rotation_fields() -> None:
    from moto.secretsmanager.models import FakeSecret

    original = FakeSecret.to_dict

    def to_dict(self: FakeSecret) -> dict[str, Any]:
        out = original(self)
        rules = getattr(self, "safesm_rules", None)
        if rules is not None and self.rotation_requested:
            out["RotationRules"] = dict(rules)
            if "ScheduleExpression" in rules:
                rate = _RATE.fullmatch(rules["ScheduleExpression"])
                if rate and rate.group(2).startswith("day"):
                    out["RotationRules"]["AutomaticallyAfterDays"] = int(rate.group(1))
            out["RotationEnabled"] = self.rotation_enabled
        if self.rotation_requested and self.rotation_enabled:
            out["NextRotationDate"] = _next_rotation(out.get("RotationRules") or {}, time.time())
        else:
            out.pop("NextRotationDate", None)
        return out

    FakeSecret.to_dict = to_dict


# replication --------------------------------------------------------------------------

def _install_replica_keys_and_status() -> None:
    from moto.secretsmanager.models import FakeSecret, ReplicaSecret

    original_create = FakeSecret.create_replicas

    def create_replicas(self: FakeSecret, replica_regions: list[dict[str, str]],
                        force_overwrite: bool) -> list[ReplicaSecret]:
        made = original_create(self, replica_regions, force_overwrite)
        keys = {r["Region"]: r.get("KmsKeyId") for r in replica_regions or []}
        for replica in made:
            if keys.get(replica.region):
                base = replica.__dict__["_base_config"]
                replica.config = {**base, "KmsKeyId": keys[replica.region]}
        return made

    def get_config(self: ReplicaSecret) -> dict[str, Any]:
        base = dict(self.__dict__["_base_config"])
        young = time.time() - self.__dict__["_born"] < REPLICA_SYNC_SECONDS
        if base["Status"] == "InSync" and young:
            base.update(Status="InProgress", StatusMessage="Replication in progress")
        return base

    def set_config(self: ReplicaSecret, value: dict[str, Any]) -> None:
        self.__dict__.setdefault("_born", time.time())
        self.__dict__["_base_config"] = value

    FakeSecret.create_replicas = create_replicas
    ReplicaSecret.config = property(get_config, set_config)


def _install_stop_replication() -> None:
    from moto.secretsmanager.exceptions import SecretNotFoundException
    from moto.secretsmanager.models import FakeSecret, ReplicaSecret
    from moto.secretsmanager.responses import SecretsManagerResponse

    def stop_replication_to_replica(self: SecretsManagerResponse) -> str:
        backend = self.backend
        secret_id = self._get_param("SecretId")
        if not backend._is_valid_identifier(secret_id):
            raise SecretNotFoundException()
        replica = backend.secrets[secret_id]
        if not isinstance(replica, ReplicaSecret):
            raise _bad("StopReplicationToReplica must be called in the replica's Region, "
                       "on the replica secret.")
        promoted = _promote(replica, backend, FakeSecret)
        return json.dumps({"ARN": promoted.arn})

    SecretsManagerResponse.stop_replication_to_replica = stop_replication_to_replica


def _promote(replica: Any, backend: Any, fake_secret: Any) -> Any:
    source = replica.source
    key = replica.config.get("KmsKeyId")
    promoted = fake_secret(account_id=source.account_id, region_name=replica.region,
                           secret_id=source.name, secret_version={}, version_id="",
                           description=source.description, tags=copy.deepcopy(source.tags),
                           kms_key_id=None if key == DEFAULT_KEY else key,
                           last_changed_date=int(time.time()),
                           created_date=source.created_date)
    promoted.arn = replica.arn
    promoted.versions = copy.deepcopy(source.versions)
    promoted.default_version_id = source.default_version_id
    promoted.policy = source.policy
    dict.pop(backend.secrets, replica.arn)
    backend.secrets[source.name] = promoted
    source.replicas = [r for r in source.replicas if r is not replica]
    return promoted
