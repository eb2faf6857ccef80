"""Secrets Manager reads and writes of values and metadata, as models and SecretValues."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from .. import errors
from ..models import (
    NO_METADATA,
    PENDING_STAGE,
    Metadata,
    SecretInfo,
    SecretSummary,
    SecretVersion,
    VersionedValue,
    WriteResult,
    unfinished_rotation,
)
from ..values import SecretValue
from .client import Connection

BATCH_SIZE = 20  # BatchGetSecretValue's limit for SecretIdList


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
        **_rotation_fields(d),
        "primary_region": d.get("PrimaryRegion"),
    }


def _rotation_fields(d: dict[str, Any]) -> dict[str, Any]:
    rules = d.get("RotationRules", {}) or {}
    stages = d.get("VersionIdsToStages") or d.get("SecretVersionsToStages") or {}
    return {
        "rotation_lambda": d.get("RotationLambdaARN") or None,
        "rotation_days": rules.get("AutomaticallyAfterDays"),
        "rotation_schedule": rules.get("ScheduleExpression"),
        "rotation_window": rules.get("Duration"),
        "next_rotation": d.get("NextRotationDate"),
        "last_rotated": d.get("LastRotatedDate"),
        "owning_service": d.get("OwningService"),
        "pending_version": unfinished_rotation(stages),
    }


def info_from(d: dict[str, Any]) -> SecretInfo:
    """DescribeSecret's answer, or one ListSecrets entry (its stages key differs)."""
    stages = d.get("VersionIdsToStages") or d.get("SecretVersionsToStages") or {}
    return SecretInfo(
        **_summary_fields(d),
        created=d.get("CreatedDate"),
        replication=tuple(d.get("ReplicationStatus", []) or []),
        versions=tuple(SecretVersion(v, tuple(s)) for v, s in stages.items()),
    )


def _retries(resp: dict[str, Any]) -> int:
    return int((resp.get("ResponseMetadata") or {}).get("RetryAttempts") or 0)


def _value_from(resp: dict[str, Any]) -> SecretValue:
    if "SecretString" in resp:
        return SecretValue(resp["SecretString"].encode("utf-8"))
    data = resp.get("SecretBinary", b"")
    if isinstance(data, str):  # some emulators hand back base64 text
        data = base64.b64decode(data)
    return SecretValue(data, binary=True)


def _value_kwargs(value: SecretValue) -> dict[str, Any]:
    if value.binary:
        return {"SecretBinary": value.reveal()}
    return {"SecretString": value.reveal_text()}


def _write_result(resp: dict[str, Any], created: bool, version: str | None = None) -> WriteResult:
    return WriteResult(resp["Name"], resp["ARN"], version or resp.get("VersionId", ""), created,
                       retries=_retries(resp))


class SecretCalls(Connection):
    """Calls that speak SecretValue and dataclasses, never botocore types."""

    # reads -----------------------------------------------------------------

    def get_value(self, name: str, version_id: str | None = None,
                  stage: str | None = None) -> SecretValue:
        return self.get_versioned(name, version_id, stage).value

    def get_versioned(self, name: str, version_id: str | None = None,
                      stage: str | None = None) -> VersionedValue:
        """The value and the VersionId it came from."""
        kwargs: dict[str, Any] = {"SecretId": name}
        if version_id:
            kwargs["VersionId"] = version_id
        if stage:
            kwargs["VersionStage"] = stage
        with self.translate(name):
            resp = self.client.get_secret_value(**kwargs)
        value = self.redactor.remember(_value_from(resp))
        return VersionedValue(value, str(resp.get("VersionId", "")))

    def get_values(self, names: list[str], labels: list[str] | None = None
                   ) -> list[SecretValue]:
        """Several values in as few calls as possible (BatchGetSecretValue, 20 per call).

        All or nothing: if any id fails, raise naming it by `labels[i]` (default: its
        position on the command line), never the id itself (an id typed by mistake may
        be a value).
        """
        found: dict[str, SecretValue] = {}
        for start in range(0, len(names), BATCH_SIZE):
            chunk = names[start:start + BATCH_SIZE]
            with self.translate():
                resp = self.client.batch_get_secret_value(SecretIdList=chunk)
            for err in resp.get("Errors", []):
                failed = err.get("SecretId", "")
                where = "one of the secrets named"
                if failed in chunk:
                    index = chunk.index(failed) + start
                    where = (labels[index] if labels else
                             f"secret #{index + 1} on the command line")
                raise errors.from_aws_code(err.get("ErrorCode", ""), err.get("Message", ""),
                                           where)
            for item in resp.get("SecretValues", []):
                value = self.redactor.remember(_value_from(item))
                found[item["Name"]] = found[item["ARN"]] = value
        # an id that is neither the Name nor the full ARN (a partial ARN): ask singly
        return [found[n] if n in found else self._get_single(n, labels[i] if labels else None)
                for i, n in enumerate(names)]

    def _get_single(self, name: str, label: str | None) -> SecretValue:
        try:
            return self.get_value(name)
        except errors.NotFoundError as err:
            if not label:
                raise
            raise errors.NotFoundError(f"{label} was not found.", err.hint) from None

    def stages(self, name: str) -> dict[str, tuple[str, ...]]:
        """VersionId -> staging labels, for the versions that hold a label (DescribeSecret)."""
        return {v.version_id: v.stages for v in self.describe(name).versions}

    def describe(self, name: str) -> SecretInfo:
        with self.translate(name):
            return info_from(self.client.describe_secret(SecretId=name))

    def find(self, name: str) -> SecretInfo | None:
        """describe(), or None when the secret does not exist."""
        try:
            return self.describe(name)
        except errors.NotFoundError:
            return None

    def list_secrets(self, prefix: str | None = None,
                     include_deleted: bool = False) -> list[SecretSummary]:
        kwargs: dict[str, Any] = {"MaxResults": 100}
        if prefix:
            kwargs["Filters"] = [{"Key": "name", "Values": [prefix]}]
        if include_deleted:
            kwargs["IncludePlannedDeletion"] = True
        out: list[SecretSummary] = []
        with self.translate():
            for page in self.client.get_paginator("list_secrets").paginate(**kwargs):
                out.extend(SecretSummary(**_summary_fields(d)) for d in page["SecretList"])
        if prefix:  # the service filter matches prefixes of any word; keep true prefixes
            out = [s for s in out if s.name.startswith(prefix)]
        return sorted(out, key=lambda s: s.name)

    def versions(self, name: str) -> list[SecretVersion]:
        out: list[SecretVersion] = []
        kwargs: dict[str, Any] = {"SecretId": name, "IncludeDeprecated": True, "MaxResults": 100}
        with self.translate(name):
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

    def create_empty(self, name: str, meta: Metadata = NO_METADATA,
                     replicas: tuple[tuple[str, str | None], ...] = ()) -> WriteResult:
        """CreateSecret with no value (ops.put.create_with_policy attaches the policy, then
        writes the value); `replicas` are (Region, KMS key or None) to replicate to. A
        resent request whose first attempt landed meets its own secret ("already exists"):
        one that is still empty is taken as ours."""
        kwargs: dict[str, Any] = {"Name": name}
        if replicas:
            kwargs["AddReplicaRegions"] = [{"Region": r, **({"KmsKeyId": k} if k else {})}
                                           for r, k in replicas]
        if meta.description is not None:
            kwargs["Description"] = meta.description
        if meta.kms_key:
            kwargs["KmsKeyId"] = meta.kms_key
        if meta.tags:
            kwargs["Tags"] = [{"Key": t.key, "Value": t.value} for t in meta.tags]
        with self.translate(name):
            try:
                resp = self.client.create_secret(**kwargs)
            except Exception as exc:
                resp = self._own_after_retry(name, exc)
        return WriteResult(resp["Name"], resp["ARN"], "", True, retries=_retries(resp))

    def _own_after_retry(self, name: str, exc: Exception) -> dict[str, Any]:
        """After "already exists" on a resent CreateSecret: the secret, if it is empty (no
        version: nobody stored a value), as the answer our first attempt lost."""
        response = getattr(exc, "response", None) or {}
        code = (response.get("Error") or {}).get("Code")
        if code != "ResourceExistsException" or not _retries(response):
            raise exc
        resp = self.client.describe_secret(SecretId=name)
        if resp.get("VersionIdsToStages") or resp.get("DeletedDate"):
            raise exc
        meta = {"RetryAttempts": _retries(response)}
        return {"Name": resp["Name"], "ARN": resp["ARN"], "ResponseMetadata": meta}

    def put_value(self, name: str, value: SecretValue, stages: tuple[str, ...] = (),
                  token: str | None = None) -> WriteResult:
        """A new version; AWSCURRENT unless `stages` names other labels. `token` (the
        ClientRequestToken, which becomes the VersionId) is made here unless given."""
        token = token or str(uuid.uuid4())
        extra: dict[str, Any] = {"VersionStages": list(stages)} if stages else {}
        with self.writing(name, token):
            resp = self.client.put_secret_value(
                SecretId=name, ClientRequestToken=token, **extra, **_value_kwargs(value))
        return _write_result(resp, created=False, version=token)

    def put_pending(self, name: str, value: SecretValue) -> WriteResult:
        """A new version labelled safesm-pending, not AWSCURRENT: readers do not see it
        until ops.swap moves AWSCURRENT onto it."""
        return self.put_value(name, value, stages=(PENDING_STAGE,))

    def move_stage(self, name: str, stage: str, to_version: str | None,
                   from_version: str | None) -> None:
        """UpdateSecretVersionStage. Refused by the service when `from_version` no longer
        holds `stage`: that refusal is what makes a compare-and-swap possible."""
        kwargs: dict[str, Any] = {"SecretId": name, "VersionStage": stage}
        if to_version:
            kwargs["MoveToVersionId"] = to_version
        if from_version:
            kwargs["RemoveFromVersionId"] = from_version
        with self.translate(name):
            self.client.update_secret_version_stage(**kwargs)

    @contextmanager
    def writing(self, name: str, token: str) -> Iterator[None]:
        """Translate errors; a write that failed on the network may still have landed, and
        the user is told so, with the version id to look for."""
        landed = (f"if `safesm versions {name}` lists version {token}, the write landed "
                  "(once); otherwise nothing was stored.")
        try:
            with self.translate(name):
                yield
        except KeyboardInterrupt:
            raise errors.InterruptedError_(f"interrupted while writing {name!r}: {landed}"
                                           ) from None
        except errors.Terminated:
            raise errors.TerminatedError(f"terminated while writing {name!r}: {landed}"
                                         ) from None
        except errors.UnreachableError as err:
            raise errors.UnreachableError(
                err.message,
                "The write may have reached Secrets Manager before the connection failed: "
                f"{landed} " + (err.hint or ""),
            ) from None

    def update_metadata(self, name: str, meta: Metadata) -> None:
        kwargs: dict[str, Any] = {}
        if meta.description is not None:
            kwargs["Description"] = meta.description
        if meta.kms_key:
            kwargs["KmsKeyId"] = meta.kms_key
        with self.translate(name):
            if kwargs:
                self.client.update_secret(SecretId=name, **kwargs)
            if meta.tags:
                self.client.tag_resource(
                    SecretId=name, Tags=[{"Key": t.key, "Value": t.value} for t in meta.tags])

    def untag(self, name: str, keys: list[str]) -> None:
        with self.translate(name):
            self.client.untag_resource(SecretId=name, TagKeys=keys)

    def delete(self, name: str, recovery_days: int | None, force: bool) -> datetime | None:
        kwargs: dict[str, Any] = {"SecretId": name}
        if force:
            kwargs["ForceDeleteWithoutRecovery"] = True
        else:
            kwargs["RecoveryWindowInDays"] = recovery_days
        with self.translate(name):
            resp = self.client.delete_secret(**kwargs)
        when: datetime | None = resp.get("DeletionDate")
        return when

    def restore(self, name: str) -> None:
        with self.translate(name):
            self.client.restore_secret(SecretId=name)
