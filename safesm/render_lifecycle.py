"""Pure rendering of rotation and replication (list, describe, rotation show, replication
show). No I/O, no values: everything here is metadata."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .schedule import in_words
from .times import when

if TYPE_CHECKING:
    from .models import Replica, SecretInfo, SecretSummary
    from .ops.rotation import RotationView




def schedule_text(s: SecretSummary) -> str:
    return in_words(s.rotation_schedule, s.rotation_days).removesuffix(" (UTC)")


def rotation_cell(s: SecretSummary) -> str:
    """The ROTATION column of `list`."""
    if s.owning_service:
        text = f"managed ({s.owning_service})"
    elif not s.rotation_enabled:
        text = "off"
    else:
        text = schedule_text(s)
    return f"{text}, UNFINISHED" if s.pending_version else text


def replicas_cell(info: SecretSummary) -> str:
    if info.is_replica:
        return f"replica of {info.primary_region}"
    replicas: tuple[Replica, ...] = getattr(info, "replicas", ())
    return ", ".join(f"{r.region} {r.status}" for r in replicas) or "-"


def rotation_line(s: SecretSummary) -> str:
    """`describe`'s Rotation line."""
    if s.owning_service:
        return f"managed by {s.owning_service}" + (
            f", {schedule_text(s)}" if s.rotation_enabled else "")
    if not s.rotation_enabled:
        return "off" + (f" (Lambda {s.rotation_lambda})" if s.rotation_lambda else "")
    window = f", window {s.rotation_window}" if s.rotation_window else ""
    return f"on, {in_words(s.rotation_schedule, s.rotation_days)}{window} " \
           f"(Lambda {s.rotation_lambda or '-'})"


def unfinished_line(s: SecretSummary, since: datetime | None = None) -> str:
    if not s.pending_version:
        return "none"
    started = f" since {when(since)}" if since else ""
    return (f"version {s.pending_version} is AWSPENDING{started}: a rotation is running or "
            f"stuck (`safesm rotation abandon {s.name}` if it is not running)")


def replica_text(r: Replica) -> str:
    managed = not r.kms_key_id or r.kms_key_id.endswith("alias/aws/secretsmanager")
    key = "" if managed else f", key {r.kms_key_id}"
    return f"{r.region} ({r.status or '?'}{key})"


def default_window(s: SecretSummary) -> str:
    """What AWS uses without a Duration: 1 hour for a schedule in hours, else the rest of
    the UTC day."""
    from .errors import SafesmError
    from .schedule import window_starts

    try:
        starts = window_starts(s.rotation_schedule)[0] if s.rotation_schedule else [0]
    except SafesmError:
        starts = [0]
    return ("1h (the default for a schedule in hours)" if len(starts) > 1
            else "until the end of the UTC day (the default)")


def rotation_show(v: RotationView) -> str:
    s = v.info
    role = v.role or (f"unknown ({v.role_problem})" if v.role_problem else "-")
    pairs = [
        ("Secret", s.name),
        ("Rotation", "on" if s.rotation_enabled else "off"),
        ("Managed by", s.owning_service or "-"),
        ("Schedule", in_words(s.rotation_schedule, s.rotation_days)
         if (s.rotation_schedule or s.rotation_days) else "-"),
        ("Window", s.rotation_window or (default_window(s) if s.rotation_enabled else "-")),
        ("Lambda", s.rotation_lambda or "-"),
        ("Lambda role", role),
        ("Last rotated", when(s.last_rotated)),
        ("Next rotation", when(s.next_rotation) if s.rotation_enabled else "-"),
        ("Unfinished", unfinished_line(s, v.pending_since)),
    ]
    return pairs_text(pairs)


def rotation_json(v: RotationView) -> dict[str, Any]:
    s = v.info
    return {"name": s.name, "arn": s.arn, "enabled": s.rotation_enabled,
            "owning_service": s.owning_service, "schedule": s.rotation_schedule,
            "automatically_after_days": s.rotation_days, "window": s.rotation_window,
            "lambda": s.rotation_lambda, "lambda_role": v.role, "lambda_role_problem":
            v.role_problem, "last_rotated": s.last_rotated, "next_rotation": s.next_rotation,
            "pending_version": s.pending_version, "pending_since": v.pending_since}


REPLICA_HEADERS = ("REGION", "STATUS", "KMS KEY", "LAST ACCESSED (UTC)", "MESSAGE")


def replication_head(info: SecretInfo) -> str:
    """The line above `replication show`'s table (or all there is to say)."""
    if info.is_replica:
        return (f"{info.name} in {info.region} is a replica of the secret in "
                f"{info.primary_region}; manage its replication there "
                f"(`safesm --region {info.primary_region} replication show {info.name}`).")
    head = f"{info.name} (primary in {info.region or '?'})"
    return head if info.replicas else f"{head}: no replicas."


def replica_rows(replicas: Sequence[Replica]) -> list[tuple[str, ...]]:
    return [(r.region, r.status or "?", r.kms_key_id or "aws/secretsmanager",
             when(r.last_accessed, False), r.message) for r in replicas]


def replication_json(info: SecretInfo) -> dict[str, Any]:
    return {"name": info.name, "arn": info.arn, "region": info.region,
            "primary_region": info.primary_region or info.region,
            "is_replica": info.is_replica,
            "replicas": [{"region": r.region, "status": r.status, "status_message": r.message,
                          "kms_key_id": r.kms_key_id, "last_accessed": r.last_accessed}
                         for r in info.replicas]}


def pairs_text(pairs: Sequence[tuple[str, str]]) -> str:
    width = max(len(k) for k, _ in pairs)
    return "\n".join(f"{k + ':':<{width + 1}} {v}" for k, v in pairs)
