"""The only module that imports botocore: a SecretStore returning plain dataclasses.

A plain botocore session and client are used rather than boto3: the same credential
chain, profiles, SSO, retries and endpoint resolution, without importing boto3's
resource layer and s3transfer on every run. Every botocore exception leaves this
module as a SafesmError.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from . import errors
from .config import Settings
from .values import SecretValue, Tag

# Timeouts and attempts come from Settings (SAFESM_CONNECT_TIMEOUT, SAFESM_READ_TIMEOUT,
# SAFESM_MAX_ATTEMPTS or the config file; defaults in config.py) and are always set
# explicitly, with botocore's "standard" retry mode: transient errors (connection refused
# or dropped, timeouts, HTTP 500/502/503/504) back off 0-50 ms x 2^n, throttling 0-1 s x 2^n.
# A retry resends the same serialized request, so a write's ClientRequestToken is reused
# and Secrets Manager stores the value once even when the first attempt did land.
T = TypeVar("T")


@dataclass(frozen=True)
class SecretSummary:
    name: str
    arn: str = ""
    description: str = ""
    last_changed: datetime | None = None
    last_accessed: datetime | None = None
    rotation_enabled: bool = False
    deleted_date: datetime | None = None
    kms_key_id: str | None = None
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SecretVersion:
    version_id: str
    stages: tuple[str, ...]
    created: datetime | None = None


@dataclass(frozen=True)
class SecretInfo(SecretSummary):
    created: datetime | None = None
    rotation_lambda: str | None = None
    rotation_days: int | None = None
    next_rotation: datetime | None = None
    replication: tuple[dict[str, Any], ...] = ()
    primary_region: str | None = None
    versions: tuple[SecretVersion, ...] = ()


@dataclass(frozen=True)
class WriteResult:
    name: str
    arn: str
    version_id: str
    created: bool
    retries: int = 0  # attempts resent after network errors (same ClientRequestToken)


@dataclass(frozen=True)
class VersionedValue:
    """A value and the VersionId it was read from (for put --key's compare-and-swap)."""

    value: SecretValue
    version_id: str


PENDING_STAGE = "safesm-pending"  # a put --key version until it is made AWSCURRENT


def _summary_fields(d: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": d.get("Name", ""),
        "arn": d.get("ARN", ""),
        "description": d.get("Description", ""),
        "last_changed": d.get("LastChangedDate"),
        "last_accessed": d.get("LastAccessedDate"),
        "rotation_enabled": bool(d.get("RotationEnabled")),
        "deleted_date": d.get("DeletedDate"),
        "kms_key_id": d.get("KmsKeyId"),
        "tags": {t["Key"]: t.get("Value", "") for t in d.get("Tags", [])},
    }


def _info(d: dict[str, Any]) -> SecretInfo:
    stages = d.get("VersionIdsToStages", {}) or {}
    rules = d.get("RotationRules", {}) or {}
    return SecretInfo(
        **_summary_fields(d),
        created=d.get("CreatedDate"),
        rotation_lambda=d.get("RotationLambdaARN"),
        rotation_days=rules.get("AutomaticallyAfterDays"),
        next_rotation=d.get("NextRotationDate"),
        replication=tuple(d.get("ReplicationStatus", []) or []),
        primary_region=d.get("PrimaryRegion"),
        versions=tuple(SecretVersion(v, tuple(s)) for v, s in stages.items()),
    )


def _retries(resp: dict[str, Any]) -> int:
    return int((resp.get("ResponseMetadata") or {}).get("RetryAttempts") or 0)


def botocore_session(settings: Settings) -> Any:
    """A botocore session for the selected profile; a role profile gets the keyring-backed
    session cache and the terminal MFA prompt (credcache imports keyring only then)."""
    import botocore.session

    from . import credcache

    session = botocore.session.Session(profile=settings.profile)
    credcache.install(session, quiet=settings.quiet)
    return session


def with_botocore_session(settings: Settings, action: Callable[[Any], T]) -> T:
    """Run `action` on a plain botocore session (`safesm session`), errors translated."""
    import botocore.session

    with SecretStore(settings)._translate():
        return action(botocore.session.Session(profile=settings.profile))


BATCH_SIZE = 20  # BatchGetSecretValue's limit for SecretIdList


def _value_from(resp: dict[str, Any]) -> SecretValue:
    if "SecretString" in resp:
        return SecretValue(resp["SecretString"].encode("utf-8"))
    data = resp.get("SecretBinary", b"")
    if isinstance(data, str):  # some emulators hand back base64 text
        data = base64.b64decode(data)
    return SecretValue(data, binary=True)


class SecretStore:
    """Secrets Manager calls that speak SecretValue and dataclasses, never botocore types."""

    def __init__(self, settings: Settings, connect_timeout: float | None = None,
                 read_timeout: float | None = None, max_attempts: int | None = None) -> None:
        self.settings = settings
        self.timeouts = (connect_timeout or settings.connect_timeout,
                         read_timeout or settings.read_timeout,
                         max_attempts or settings.max_attempts)
        self._client: Any = None

    @property
    def client(self) -> Any:
        if self._client is None:
            with self._translate():
                self._client = self._make_client()
        return self._client

    def _make_client(self) -> Any:
        session = botocore_session(self.settings)
        return session.create_client(
            "secretsmanager",
            region_name=self.settings.region,
            endpoint_url=self.settings.endpoint_url,
            config=self._client_config(),
        )

    def _client_config(self) -> Any:
        """Explicit timeouts and attempts, the same for every client safesm makes."""
        from botocore.config import Config

        connect_timeout, read_timeout, max_attempts = self.timeouts
        return Config(connect_timeout=connect_timeout, read_timeout=read_timeout,
                      retries={"mode": "standard", "total_max_attempts": max_attempts},
                      user_agent_extra="safesm")

    @property
    def endpoint(self) -> str | None:
        client = self._client
        return client.meta.endpoint_url if client is not None else self.settings.endpoint_url

    @contextmanager
    def _translate(self, name: str | None = None) -> Iterator[None]:
        try:
            yield
        except errors.SafesmError:
            raise
        except Exception as exc:
            if type(exc).__module__.split(".")[0] not in {"botocore", "urllib3"}:
                raise
            err = errors.from_aws(exc, name=name, endpoint=self.endpoint)
            if isinstance(err, errors.UnreachableError) and not isinstance(
                    getattr(exc, "response", None), dict):
                connect, read, attempts = self.timeouts
                err.message = (f"{err.message[:-1]}, {attempts} attempt(s) with a {connect:g} s "
                               f"connect and {read:g} s read timeout.")
            raise err from None

    # reads -----------------------------------------------------------------

    def get_value(
        self, name: str, version_id: str | None = None, stage: str | None = None
    ) -> SecretValue:
        return self.get_versioned(name, version_id, stage).value

    def get_versioned(
        self, name: str, version_id: str | None = None, stage: str | None = None
    ) -> VersionedValue:
        """The value and the VersionId it came from."""
        kwargs: dict[str, Any] = {"SecretId": name}
        if version_id:
            kwargs["VersionId"] = version_id
        if stage:
            kwargs["VersionStage"] = stage
        with self._translate(name):
            resp = self.client.get_secret_value(**kwargs)
        return VersionedValue(_value_from(resp), str(resp.get("VersionId", "")))

    def get_values(self, names: list[str]) -> list[SecretValue]:
        """Several values in as few calls as possible (BatchGetSecretValue, 20 per call).

        All or nothing: if any id fails, raise naming its position, never the id itself
        (an id typed by mistake may be a value).
        """
        found: dict[str, SecretValue] = {}
        for start in range(0, len(names), BATCH_SIZE):
            chunk = names[start:start + BATCH_SIZE]
            with self._translate():
                resp = self.client.batch_get_secret_value(SecretIdList=chunk)
            for err in resp.get("Errors", []):
                failed = err.get("SecretId", "")
                where = (f"secret #{chunk.index(failed) + start + 1} on the command line"
                         if failed in chunk else "one of the secrets named")
                raise errors.from_aws_code(err.get("ErrorCode", ""), err.get("Message", ""),
                                           where)
            for item in resp.get("SecretValues", []):
                value = _value_from(item)
                found[item["Name"]] = found[item["ARN"]] = value
        # an id that is neither the Name nor the full ARN (a partial ARN): ask singly
        return [found[n] if n in found else self.get_value(n) for n in names]

    def stages(self, name: str) -> dict[str, tuple[str, ...]]:
        """VersionId -> staging labels, for the versions that hold a label (DescribeSecret)."""
        return {v.version_id: v.stages for v in self.describe(name).versions}

    def describe(self, name: str) -> SecretInfo:
        with self._translate(name):
            return _info(self.client.describe_secret(SecretId=name))

    def find(self, name: str) -> SecretInfo | None:
        """describe(), or None when the secret does not exist."""
        try:
            return self.describe(name)
        except errors.NotFoundError:
            return None

    def list(self, prefix: str | None = None, include_deleted: bool = False) -> list[SecretSummary]:
        kwargs: dict[str, Any] = {"MaxResults": 100}
        if prefix:
            kwargs["Filters"] = [{"Key": "name", "Values": [prefix]}]
        if include_deleted:
            kwargs["IncludePlannedDeletion"] = True
        out: list[SecretSummary] = []
        with self._translate():
            for page in self.client.get_paginator("list_secrets").paginate(**kwargs):
                out.extend(SecretSummary(**_summary_fields(d)) for d in page["SecretList"])
        if prefix:  # the service filter matches prefixes of any word; keep true prefixes
            out = [s for s in out if s.name.startswith(prefix)]
        return sorted(out, key=lambda s: s.name)

    def versions(self, name: str) -> list[SecretVersion]:
        out: list[SecretVersion] = []
        kwargs: dict[str, Any] = {"SecretId": name, "IncludeDeprecated": True, "MaxResults": 100}
        with self._translate(name):
            while True:  # ListSecretVersionIds has no botocore paginator
                page = self.client.list_secret_version_ids(**kwargs)
                out.extend(
                    SecretVersion(v["VersionId"], tuple(v.get("VersionStages", [])),
                                  v.get("CreatedDate"))
                    for v in page["Versions"]
                )
                if not page.get("NextToken"):
                    break
                kwargs["NextToken"] = page["NextToken"]
        return sorted(out, key=lambda v: (v.created is None, v.created), reverse=True)

    # writes ----------------------------------------------------------------

    @staticmethod
    def _value_kwargs(value: SecretValue) -> dict[str, Any]:
        if value.binary:
            return {"SecretBinary": value.reveal()}
        return {"SecretString": value.reveal_text()}

    def create(
        self,
        name: str,
        value: SecretValue,
        description: str | None = None,
        kms_key: str | None = None,
        tags: list[Tag] | None = None,
    ) -> WriteResult:
        kwargs: dict[str, Any] = {
            "Name": name,
            "ClientRequestToken": str(uuid.uuid4()),
            **self._value_kwargs(value),
        }
        if description is not None:
            kwargs["Description"] = description
        if kms_key:
            kwargs["KmsKeyId"] = kms_key
        if tags:
            kwargs["Tags"] = [{"Key": t.key, "Value": t.value} for t in tags]
        token = kwargs["ClientRequestToken"]
        try:
            with self._write(name, token):
                resp = self.client.create_secret(**kwargs)
        except errors.ConflictError:
            # "already exists" after a resent CreateSecret whose first attempt landed but
            # whose answer was lost: the secret holds our token as a version, so it is ours.
            info = self.find(name)
            if info is None or token not in {v.version_id for v in info.versions}:
                raise
            return WriteResult(info.name, info.arn, token, True, retries=1)
        return WriteResult(resp["Name"], resp["ARN"], resp.get("VersionId", ""), True,
                           retries=_retries(resp))

    def put_value(self, name: str, value: SecretValue) -> WriteResult:
        token = str(uuid.uuid4())
        with self._write(name, token):
            resp = self.client.put_secret_value(
                SecretId=name, ClientRequestToken=token, **self._value_kwargs(value)
            )
        return WriteResult(resp["Name"], resp["ARN"], resp.get("VersionId", ""), False,
                           retries=_retries(resp))

    def put_value_if_current(self, name: str, value: SecretValue,
                             expected: str) -> WriteResult | None:
        """Store `value` as a new version and make it AWSCURRENT only if AWSCURRENT is still
        on `expected` (the version the caller read); None if another writer got in first.

        Secrets Manager has no conditional put, but UpdateSecretVersionStage refuses to
        take a label from a version that no longer holds it, so moving AWSCURRENT from
        `expected` to the new version is a compare-and-swap. The new version is written
        with the label safesm-pending (not AWSCURRENT), so readers never see it until the
        swap succeeds; a refused swap leaves the other writer's value current.
        """
        token = str(uuid.uuid4())
        with self._write(name, token):
            resp = self.client.put_secret_value(
                SecretId=name, ClientRequestToken=token, VersionStages=[PENDING_STAGE],
                **self._value_kwargs(value))
        moved = self._move_current(name, token, expected)
        self._drop_pending(name, token)
        if not moved:
            return None
        return WriteResult(resp["Name"], resp["ARN"], token, False, retries=_retries(resp))

    def _move_current(self, name: str, token: str, expected: str) -> bool:
        try:
            with self._translate(name):
                self.client.update_secret_version_stage(
                    SecretId=name, VersionStage="AWSCURRENT", MoveToVersionId=token,
                    RemoveFromVersionId=expected)
            return True
        except errors.UnreachableError as err:
            raise errors.UnreachableError(
                err.message, f"The new value is stored as version {token} (labelled "
                f"{PENDING_STAGE}); it is the current value only if `safesm versions {name}` "
                "shows AWSCURRENT on it. " + (err.hint or "")) from None
        except errors.AuthError as err:
            raise errors.AuthError(
                f"{err.message} `put --key` needs secretsmanager:UpdateSecretVersionStage to "
                f"make its version current only if nobody changed {name!r} meanwhile; the "
                "current value was left as it was.", err.hint) from None
        except errors.SafesmError:
            # Refused. On our version after all: a resent call whose first attempt landed.
            # Still on `expected`: not a race but a real refusal, reported as such.
            # Elsewhere: another writer moved it first.
            now = self.stages(name)
            if "AWSCURRENT" in now.get(token, ()):
                return True
            if "AWSCURRENT" in now.get(expected, ()):
                raise
            return False

    def _drop_pending(self, name: str, token: str) -> None:
        """Take the safesm-pending label off our version (best effort: another writer's
        put may already have moved it, and a leftover label harms nothing)."""
        try:
            with self._translate(name):
                self.client.update_secret_version_stage(
                    SecretId=name, VersionStage=PENDING_STAGE, RemoveFromVersionId=token)
        except errors.SafesmError:
            pass

    @contextmanager
    def _write(self, name: str, token: str) -> Iterator[None]:
        """Translate errors; a write that failed on the network may still have landed, and
        the user is told so, with the version id to look for."""
        landed = (f"if `safesm versions {name}` lists version {token}, the write landed "
                  "(once); otherwise nothing was stored.")
        try:
            with self._translate(name):
                yield
        except KeyboardInterrupt:
            raise errors.InterruptedError_(f"interrupted while writing {name!r}: {landed}"
                                           ) from None
        except errors.Terminated:
            err = errors.InterruptedError_(f"terminated while writing {name!r}: {landed}")
            err.exit_code = errors.ExitCode.TERMINATED
            raise err from None
        except errors.UnreachableError as err:
            raise errors.UnreachableError(
                err.message,
                "The write may have reached Secrets Manager before the connection failed: "
                f"{landed} " + (err.hint or ""),
            ) from None

    def update_metadata(
        self, name: str, description: str | None, kms_key: str | None, tags: list[Tag] | None
    ) -> None:
        kwargs: dict[str, Any] = {}
        if description is not None:
            kwargs["Description"] = description
        if kms_key:
            kwargs["KmsKeyId"] = kms_key
        with self._translate(name):
            if kwargs:
                self.client.update_secret(SecretId=name, **kwargs)
            if tags:
                self.client.tag_resource(
                    SecretId=name, Tags=[{"Key": t.key, "Value": t.value} for t in tags]
                )

    def delete(self, name: str, recovery_days: int | None, force: bool) -> datetime | None:
        kwargs: dict[str, Any] = {"SecretId": name}
        if force:
            kwargs["ForceDeleteWithoutRecovery"] = True
        else:
            kwargs["RecoveryWindowInDays"] = recovery_days
        with self._translate(name):
            resp = self.client.delete_secret(**kwargs)
        return resp.get("DeletionDate")

    def restore(self, name: str) -> None:
        with self._translate(name):
            self.client.restore_secret(SecretId=name)

    # identity and resource policies ------------------------------------------

    def _sts_endpoint(self) -> str | None:
        """A local emulator (moto, LocalStack) serves STS on the Secrets Manager endpoint;
        a real AWS endpoint (e.g. a VPC endpoint) does not, so then botocore decides
        (AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, the profile, or the default)."""
        from urllib.parse import urlparse

        url = self.settings.endpoint_url
        host = (urlparse(url).hostname or "") if url else ""
        aws_hosts = (".amazonaws.com", ".amazonaws.com.cn", ".api.aws", ".c2s.ic.gov",
                     ".sc2s.sgov.gov")
        return url if host and not host.endswith(aws_hosts) else None

    def _make_sts_client(self) -> Any:
        """STS with the Secrets Manager client's own credentials, region and timeouts, so
        that a profile's MFA or SSO step is never asked for twice."""
        import botocore.session

        sm = self.client
        get_credentials = getattr(sm, "_get_credentials", None)  # botocore >= 1.31
        creds = get_credentials() if get_credentials else sm._request_signer._credentials
        frozen = creds.get_frozen_credentials() if creds is not None else None
        return botocore.session.Session(profile=self.settings.profile).create_client(
            "sts", region_name=sm.meta.region_name, endpoint_url=self._sts_endpoint(),
            config=self._client_config(),
            aws_access_key_id=frozen.access_key if frozen else None,
            aws_secret_access_key=frozen.secret_key if frozen else None,
            aws_session_token=frozen.token if frozen else None,
        )

    def caller_arn(self) -> str:
        """Who is calling, as STS GetCallerIdentity says (a session ARN for roles)."""
        with self._translate():
            return str(self._make_sts_client().get_caller_identity()["Arn"])

    def get_policy(self, name: str) -> str | None:
        """The secret's resource policy as text, or None when it has none."""
        with self._translate(name):
            return self.client.get_resource_policy(SecretId=name).get("ResourcePolicy")

    def validate_policy(self, policy: str, name: str | None = None) -> list[tuple[str, str]]:
        """ValidateResourcePolicy's findings as (check, message); empty when it passed."""
        kwargs: dict[str, Any] = {"ResourcePolicy": policy}
        if name:
            kwargs["SecretId"] = name
        with self._translate(name):
            resp = self.client.validate_resource_policy(**kwargs)
        if resp.get("PolicyValidationPassed"):
            return []
        found = [(str(e.get("CheckName", "?")), str(e.get("ErrorMessage", "")))
                 for e in resp.get("ValidationErrors", []) or []]
        return found or [("?", "the policy did not pass validation")]

    def put_policy(self, name: str, policy: str, validated: bool = False) -> None:
        """Validate (unless the caller just did), then put with BlockPublicPolicy=True:
        a finding stops the write with PolicyError and the old policy stays."""
        if not validated:
            problems = self.validate_policy(policy, name)
            if problems:
                detail = "; ".join(f"{check}: {msg}" for check, msg in problems)
                raise errors.PolicyError(
                    f"Secrets Manager's policy validation refused the policy for {name!r} "
                    f"({detail}); nothing was changed.",
                    "Check it with `safesm policy lint --file FILE` and try again.")
        with self._translate(name):
            self.client.put_resource_policy(SecretId=name, ResourcePolicy=policy,
                                            BlockPublicPolicy=True)
