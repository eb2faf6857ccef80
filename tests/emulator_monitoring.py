"""Emulator extension (test-only): CloudTrail event history and LastAccessedDate.

moto answers CloudTrail LookupEvents with HTTP 500 and always returns a null
LastAccessedDate. Here the emulator records a CloudTrail event for every Secrets Manager
call it serves (caller ARN from the access key, source IP, user agent, error code; values
hidden as AWS hides them), adds RotationStarted/RotationSucceeded service events after a
RotateSecret, answers LookupEvents from those events (one lookup attribute, time range,
50 a page, newest first), and sets LastAccessedDate (to the day, as AWS does) on
GetSecretValue and BatchGetSecretValue. ListSecretVersionIds answers each version's own
CreatedDate (moto answers "now").

Time cannot be waited for in a test, so two test-only endpoints plant what time would
have made: POST /moto-api/safesm-plant sets a secret's dates, rotation schedule, a lone
AWSPENDING version's age and replica statuses; POST /moto-api/safesm-trail adds events
recorded earlier (e.g. before February 2024, when some events said "aRN"), and GET on it
returns when each LookupEvents request arrived.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from datetime import datetime, timezone
from typing import Any

TARGETS = (
    "moto.secretsmanager.responses:SecretsManagerResponse.call_action",
    "moto.secretsmanager.models:FakeSecret.to_dict",
    "moto.secretsmanager.models:SecretsManagerBackend.get_secret_value",
    "moto.secretsmanager.models:SecretsManagerBackend.batch_get_secret_value",
    "moto.secretsmanager.models:SecretsManagerBackend.list_secret_version_ids",
    "moto.secretsmanager.models:secretsmanager_backends",
    "moto.cloudtrail.responses:CloudTrailResponse",
    "moto.cloudtrail.models:cloudtrail_backends",
    "moto.sts.models:sts_backends",
    "moto.moto_api._internal.urls:url_paths",
    "moto.kms.responses:KmsResponse._authenticate_and_authorize_normal_action",
    "moto.cloudtrail.responses:CloudTrailResponse._authenticate_and_authorize_normal_action",
)
HIDDEN = "HIDDEN_DUE_TO_SECURITY_REASONS"
VALUE_KEYS = {"SecretString", "SecretBinary"}
SOURCE = "secretsmanager.amazonaws.com"
_lock = threading.RLock()


def _backend(account: str, region: str) -> Any:
    from moto.cloudtrail.models import cloudtrail_backends

    return cloudtrail_backends[account][region]


def _events(account: str, region: str) -> list[dict[str, Any]]:
    """The event store lives on moto's CloudTrail backend, so /moto-api/reset clears it."""
    backend = _backend(account, region)
    with _lock:
        if not hasattr(backend, "safesm_events"):
            backend.safesm_events = []
            backend.safesm_lookups = []
        return backend.safesm_events  # type: ignore[no-any-return]


def _caller(account: str, access_key: str, region: str) -> tuple[str, str]:
    from moto.sts.models import sts_backends

    partition = "aws-cn" if region.startswith("cn-") else "aws"
    _, arn, _ = sts_backends[account][partition].get_caller_identity(access_key, region)
    if arn.endswith(":user/moto") and ":sts::" in arn:
        arn = arn.replace(":sts::", ":iam::", 1)  # as tests/emulator.py answers STS
    return arn, arn.rsplit("/", 1)[-1]


def _access_key(headers: Any) -> str:
    auth = str(headers.get("Authorization", ""))
    return auth.split("Credential=", 1)[1].split("/", 1)[0] if "Credential=" in auth else ""


def _lower_first(key: str) -> str:
    return key[:1].lower() + key[1:]


def _request_parameters(body: dict[str, Any]) -> dict[str, Any] | None:
    if not body:
        return None
    return {_lower_first(k): (HIDDEN if k in VALUE_KEYS else v) for k, v in body.items()}


def _secret_arn(account: str, region: str, body: dict[str, Any],
                answer: dict[str, Any]) -> str | None:
    if answer.get("ARN"):
        return str(answer["ARN"])
    secret_id = body.get("SecretId") or body.get("Name")
    if not secret_id:
        return None
    from moto.secretsmanager.models import secretsmanager_backends

    backend = secretsmanager_backends[account][region]
    secret = backend.secrets.get(secret_id) if backend._is_valid_identifier(secret_id) else None
    return str(secret.arn) if secret is not None else None


def record(account: str, region: str, event: dict[str, Any], when: datetime | None = None,
           arn: str | None = None) -> None:
    """Store one event in LookupEvents' shape (its CloudTrailEvent JSON included)."""
    when = when or datetime.now(timezone.utc)
    event = {"eventVersion": "1.08", "eventTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
             "eventSource": SOURCE, "awsRegion": region, "eventID": str(uuid.uuid4()),
             "requestID": str(uuid.uuid4()), "recipientAccountId": account,
             "eventCategory": "Management", **event}
    identity = event.get("userIdentity") or {}
    entry = {
        "EventId": event["eventID"], "EventName": event["eventName"],
        "ReadOnly": "true" if event.get("readOnly") else "false",
        "AccessKeyId": identity.get("accessKeyId", ""), "EventTime": when.timestamp(),
        "EventSource": event["eventSource"],
        "Username": str(identity.get("arn", identity.get("invokedBy", ""))).rsplit("/", 1)[-1],
        "Resources": [{"ResourceType": "AWS::SecretsManager::Secret", "ResourceName": arn}]
        if arn else [],
        "CloudTrailEvent": json.dumps(event),
    }
    with _lock:
        _events(account, region).append(entry)


def _api_event(response: Any, status: int, answer_text: str) -> None:
    action = response._get_action()
    account, region = response.current_account, response.region
    try:
        body = json.loads(response.body or "{}")
    except (TypeError, ValueError):
        body = {}
    try:
        answer = json.loads(answer_text or "{}")
    except (TypeError, ValueError):
        answer = {}
    key = _access_key(response.headers)
    caller, _ = _caller(account, key, region)
    arn = _secret_arn(account, region, body, answer if isinstance(answer, dict) else {})
    event: dict[str, Any] = {
        "userIdentity": {"type": "IAMUser", "arn": caller, "accountId": account,
                         "accessKeyId": key},
        "eventName": action,
        "sourceIPAddress": response.normalized_request.environ.get("REMOTE_ADDR", ""),
        "userAgent": response.headers.get("User-Agent", ""),
        "requestParameters": _request_parameters(body),
        "responseElements": {"arn": arn} if arn and status < 400 and not action.startswith(
            ("Get", "BatchGet", "Describe", "List", "Validate")) else None,
        "readOnly": action.startswith(("Get", "BatchGet", "Describe", "List", "Validate")),
        "eventType": "AwsApiCall", "managementEvent": True,
    }
    if status >= 400 and isinstance(answer, dict):
        event["errorCode"] = str(answer.get("__type", status)).rsplit("#", 1)[-1]
        event["errorMessage"] = str(answer.get("message") or answer.get("Message") or "")
    record(account, region, event, arn=arn)
    if action == "RotateSecret" and status < 400 and arn:
        for name in ("RotationStarted", "RotationSucceeded"):
            record(account, region, _service_event(name, account, arn), arn=arn)


def _service_event(name: str, account: str, arn: str) -> dict[str, Any]:
    return {"userIdentity": {"accountId": account, "invokedBy": SOURCE}, "eventName": name,
            "sourceIPAddress": SOURCE, "userAgent": SOURCE, "requestParameters": None,
            "responseElements": None, "additionalEventData": {"SecretId": arn},
            "readOnly": False, "eventType": "AwsServiceEvent"}


def _install_recording() -> None:
    from moto.secretsmanager.responses import SecretsManagerResponse

    original = SecretsManagerResponse.call_action

    def call_action(self: SecretsManagerResponse):  # type: ignore[no-untyped-def]
        status, headers, body = original(self)
        try:
            _api_event(self, int(headers.get("status", status) or status), body)
        except Exception as exc:  # noqa: BLE001 (recording must never break a call)
            print(f"emulator_monitoring: could not record an event: {exc!r}", flush=True)
        return status, headers, body

    SecretsManagerResponse.call_action = call_action


# LookupEvents ------------------------------------------------------------------------------

def _matches(entry: dict[str, Any], key: str, value: str) -> bool:
    if key == "ResourceName":
        return any(r.get("ResourceName") == value for r in entry["Resources"])
    if key == "ResourceType":
        return any(r.get("ResourceType") == value for r in entry["Resources"])
    return str(entry.get(key, "")) == value


def _error(code: str, message: str) -> Exception:
    from moto.core.exceptions import JsonRESTError

    return JsonRESTError(code, message)


def _lookup(response: Any) -> str:
    params = json.loads(response.body or "{}")
    account, region = response.current_account, response.region
    with _lock:
        _events(account, region)
        _backend(account, region).safesm_lookups.append(time.time())
    attributes = params.get("LookupAttributes") or []
    if len(attributes) > 1:
        raise _error("InvalidLookupAttributesException",
                     "You cannot specify more than one lookup attribute.")
    start = float(params.get("StartTime", 0))
    end = float(params.get("EndTime", time.time()))
    if start > end:
        raise _error("InvalidTimeRangeException", "Start time must be before end time.")
    limit = int(params.get("MaxResults") or 50)
    if not 1 <= limit <= 50:
        raise _error("InvalidMaxResultsException", "MaxResults must be between 1 and 50.")
    with _lock:
        found = [e for e in _events(account, region) if start <= e["EventTime"] <= end
                 and all(_matches(e, a["AttributeKey"], a["AttributeValue"])
                         for a in attributes)]
    found.sort(key=lambda e: e["EventTime"], reverse=True)
    offset = int(params.get("NextToken") or 0)
    page = found[offset:offset + limit]
    answer: dict[str, Any] = {"Events": page}
    if offset + limit < len(found):
        answer["NextToken"] = str(offset + limit)
    return json.dumps(answer)


def _install_lookup() -> None:
    from moto.cloudtrail.responses import CloudTrailResponse

    CloudTrailResponse.lookup_events = _lookup


# LastAccessedDate ----------------------------------------------------------------------------

def _today() -> float:
    now = datetime.now(timezone.utc)
    return now.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()


def _install_last_accessed() -> None:
    from moto.secretsmanager.models import FakeSecret, SecretsManagerBackend

    get_value = SecretsManagerBackend.get_secret_value
    batch_get = SecretsManagerBackend.batch_get_secret_value
    to_dict = FakeSecret.to_dict
    list_versions = SecretsManagerBackend.list_secret_version_ids

    def get_secret_value(self: SecretsManagerBackend, secret_id: str, *args: Any,
                         **kwargs: Any) -> Any:
        result = get_value(self, secret_id, *args, **kwargs)
        secret = self.secrets.get(secret_id)
        if secret is not None:
            secret.safesm_last_accessed = _today()
        return result

    def batch_get_secret_value(self: SecretsManagerBackend, *args: Any, **kwargs: Any) -> Any:
        result = batch_get(self, *args, **kwargs)
        for item in result[0] if isinstance(result, tuple) else []:
            secret = self.secrets.get(item.get("Name", "")) if isinstance(item, dict) else None
            if secret is not None:
                secret.safesm_last_accessed = _today()
        return result

    def secret_to_dict(self: FakeSecret) -> dict[str, Any]:
        d = to_dict(self)
        d.pop("LastAccessedDate", None)  # AWS omits it until the first read
        planted = getattr(self, "safesm_planted", {})
        accessed = planted.get("LastAccessedDate", getattr(self, "safesm_last_accessed", None))
        if accessed is not None:
            d["LastAccessedDate"] = accessed
        return _apply_plant(d, planted)

    def list_secret_version_ids(self: SecretsManagerBackend, secret_id: str) -> str:
        """moto answers every version's CreatedDate and LastAccessedDate with 'now'; AWS
        answers when the version was made."""
        answer = json.loads(list_versions(self, secret_id))
        versions = self.secrets[secret_id].versions
        for item in answer["Versions"]:
            item.pop("LastAccessedDate", None)
            item["CreatedDate"] = versions[item["VersionId"]].get("createdate",
                                                                  item["CreatedDate"])
        return json.dumps(answer)

    SecretsManagerBackend.list_secret_version_ids = list_secret_version_ids
    SecretsManagerBackend.get_secret_value = get_secret_value
    SecretsManagerBackend.batch_get_secret_value = batch_get_secret_value
    FakeSecret.to_dict = secret_to_dict


# test-only planting ------------------------------------------------------------------------

_DATES = ("CreatedDate", "LastChangedDate", "LastRotatedDate", "NextRotationDate",
          "DeletedDate")


def _apply_plant(d: dict[str, Any], planted: dict[str, Any]) -> dict[str, Any]:
    for key in _DATES:
        if key in planted:
            d[key] = planted[key]
    if "ScheduleExpression" in planted or "RotationDays" in planted:
        rules = ({"ScheduleExpression": planted["ScheduleExpression"]}
                 if "ScheduleExpression" in planted
                 else {"AutomaticallyAfterDays": planted["RotationDays"]})
        d.update(RotationEnabled=True, RotationRules=rules,
                 RotationLambdaARN=planted.get("RotationLambdaARN", ""))
    if planted.get("RotationEnabled") is False:
        d["RotationEnabled"] = False
    if "ReplicationStatus" in planted:
        d["ReplicationStatus"] = planted["ReplicationStatus"]
        d["PrimaryRegion"] = planted.get("PrimaryRegion", "us-east-1")
    return d


def _body(request: Any) -> dict[str, Any]:
    """The JSON body (a client that sent no Content-Type gets it parsed as a form key)."""
    data = request.data or (next(iter(request.form.keys()), "") if request.form else "")
    return json.loads(data or "{}")  # type: ignore[no-any-return]


def _plant(request: Any, full_url: str, headers: Any) -> tuple[int, dict[str, str], str]:
    from moto.secretsmanager.models import secretsmanager_backends

    body = _body(request)
    account = body.get("Account", "123456789012")
    backend = secretsmanager_backends[account][body.get("Region", "us-east-1")]
    secret = backend.secrets.get(body["SecretId"])
    if secret is None:
        return 404, {}, json.dumps({"error": "no such secret"})
    planted = {k: v for k, v in body.items() if k not in ("SecretId", "Account", "Region",
                                                         "PendingCreated")}
    secret.safesm_planted = {**getattr(secret, "safesm_planted", {}), **planted}
    if "PendingCreated" in body:
        for version in secret.versions.values():
            if "AWSPENDING" in version["version_stages"]:
                version["createdate"] = body["PendingCreated"]
    if "CreatedDate" in body:
        for version in secret.versions.values():
            version["createdate"] = min(version.get("createdate", body["CreatedDate"]),
                                        body["CreatedDate"])
    return 200, {}, json.dumps({"status": "ok"})


def _trail(request: Any, full_url: str, headers: Any) -> tuple[int, dict[str, str], str]:
    if request.method == "GET":
        backend = _backend("123456789012", "us-east-1")
        _events("123456789012", "us-east-1")
        return 200, {}, json.dumps({"lookups": list(backend.safesm_lookups)})
    body = _body(request)
    for item in body.get("Events", []):
        when = datetime.fromtimestamp(float(item.pop("_time")), timezone.utc)
        arn = item.pop("_arn", None)
        record(body.get("Account", "123456789012"), body.get("Region", "us-east-1"), item,
               when, arn)
    return 200, {}, json.dumps({"status": "ok"})


def _install_endpoints() -> None:
    from moto.moto_api._internal import urls

    urls.url_paths["{0}/moto-api/safesm-plant"] = _plant
    urls.url_paths["{0}/moto-api/safesm-trail"] = _trail


def _install_json_auth_errors() -> None:
    """With IAM enforcement on, moto answers KMS and CloudTrail (JSON protocols) with an
    XML 403 botocore cannot read; AWS sends JSON AccessDeniedException (400)."""
    from moto.cloudtrail.responses import CloudTrailResponse
    from moto.core.exceptions import JsonRESTError
    from moto.core.exceptions import _RESTError as RESTError
    from moto.kms.responses import KmsResponse

    for cls in (KmsResponse, CloudTrailResponse):
        original = cls._authenticate_and_authorize_normal_action

        def authorize(self: Any, resource: str = "*", _original: Any = original) -> None:
            try:
                _original(self, resource)
            except RESTError as err:
                if isinstance(err, JsonRESTError):
                    raise
                kind = getattr(err, "error_type", "")
                json_err = JsonRESTError("AccessDeniedException" if kind == "AccessDenied"
                                         else kind, getattr(err, "message", ""))
                json_err.code = 400
                raise json_err from None

        cls._authenticate_and_authorize_normal_action = authorize


def install() -> None:
    try:
        import emulator  # tests/ is on sys.path when the emulator runs as a script
    except ImportError:
        from tests import emulator

    emulator.check_targets(TARGETS)
    _install_recording()
    _install_lookup()
    _install_last_accessed()
    _install_endpoints()
    _install_json_auth_errors()
