"""Pure rendering: tables, JSON and one-line messages. No I/O, no values.

Everything here receives metadata dataclasses; none of them can hold a secret value,
so nothing rendered here can leak one.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import SecretInfo, SecretSummary, SecretVersion, WriteResult
    from .policy import AllowLists
    from .policy_lint import Finding


def _plain(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, datetime):
        return utc(obj).isoformat()
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    return obj


def fields(obj: Any) -> dict[str, Any]:
    """A dataclass's fields by name (for JSON output that adds keys of its own)."""
    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}


def to_json(obj: Any) -> str:
    return json.dumps(_plain(obj), indent=2, sort_keys=True)


def utc(dt: datetime) -> datetime:
    """The same moment in UTC (a time without a zone is taken as UTC, as AWS sends them)."""
    return (dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)


def when(dt: datetime | None, zone: bool = True) -> str:
    """A moment in UTC, to the minute: '2026-05-01 12:34 UTC'. Tables leave the zone out
    of the cells and say it once, in the column's header (zone=False)."""
    if dt is None:
        return "-"
    text = utc(dt).strftime("%Y-%m-%d %H:%M")
    return f"{text} UTC" if zone else text


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Left-aligned columns separated by two spaces, like `kubectl get`."""
    rows = [list(map(str, r)) for r in rows]
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    lines = [headers, *rows]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in lines
    )


def secret_list(secrets: Sequence[SecretSummary]) -> str:
    rows = [
        (s.name, when(s.last_changed, False), "on" if s.rotation_enabled else "off",
         when(s.deleted_date, False))
        for s in secrets
    ]
    return table(("NAME", "LAST CHANGED (UTC)", "ROTATION", "DELETION (UTC)"), rows)


def versions(items: Sequence[SecretVersion]) -> str:
    rows = [(v.version_id, ",".join(v.stages) or "-", when(v.created, False)) for v in items]
    return table(("VERSION", "STAGES", "CREATED (UTC)"), rows)


def describe(info: SecretInfo) -> str:
    pairs: list[tuple[str, str]] = [
        ("Name", info.name),
        ("ARN", info.arn),
        ("Description", info.description or "-"),
        ("KMS key", info.kms_key_id or "aws/secretsmanager (AWS managed)"),
        ("Created", when(info.created)),
        ("Last changed", when(info.last_changed)),
        ("Last accessed", when(info.last_accessed)),
        ("Rotation", _rotation(info)),
        ("Deletion", when(info.deleted_date) if info.deleted_date else "not scheduled"),
        ("Primary region", info.primary_region or "-"),
        ("Replicas", ", ".join(_replica(r) for r in info.replication) or "none"),
        ("Tags", ", ".join(f"{k}={v}" for k, v in sorted(info.tags.items())) or "none"),
    ]
    width = max(len(k) for k, _ in pairs)
    lines = [f"{k + ':':<{width + 1}} {v}" for k, v in pairs]
    lines.append("Versions:")
    lines.extend(f"  {v.version_id}  {','.join(v.stages) or '-'}"
                 + (f"  created {when(v.created)}" if v.created else "") for v in info.versions)
    return "\n".join(lines)


def _rotation(info: SecretInfo) -> str:
    if not info.rotation_enabled:
        return "off"
    every = f" every {info.rotation_days} days" if info.rotation_days else ""
    return f"on{every} ({info.rotation_lambda or 'managed'})"


def _replica(r: dict[str, Any]) -> str:
    return f"{r.get('Region', '?')} ({r.get('Status', '?')})"


def change(name: str, action: str, changed: bool = True, **details: Any) -> str:
    """What a command that changes something did, as one JSON object (--json on delete,
    restore, policy grant/revoke/apply, and every command that changes something)."""
    return to_json({"name": name, "action": action, "changed": changed, **details})


def write_summary(result: WriteResult) -> str:
    verb = "Created" if result.created else "Updated"
    text = f"{verb} {result.name} (version {result.version_id})."
    if result.retries:
        text += (f"\nThe network failed and safesm resent the request {result.retries} time(s) "
                 "with the same request token: Secrets Manager stored it once.")
    return text


def error(message: str, hint: str | None) -> str:
    text = f"safesm: error: {message}"
    return f"{text}\n{hint}" if hint else text


def default_policy_notice(name: str, lists: AllowLists) -> str:
    return (f"Default policy: only {', '.join(lists.readers)} can read, only "
            f"{', '.join(lists.writers)} can write (`safesm policy grant {name}` widens it).")


def findings(items: Sequence[Finding]) -> str:
    from .policy_lint import report

    return report(list(items))
