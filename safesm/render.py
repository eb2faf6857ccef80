"""Pure rendering: tables, JSON and one-line messages. No I/O, no values.

Everything here receives metadata dataclasses; none of them can hold a secret value,
so nothing rendered here can leak one. Text that comes from the service (names,
descriptions, tags, ARNs) goes through `printable` on its way into a table or a line:
control and other invisible characters become escapes, so a hostile name cannot move
the cursor, recolour, retitle or rewrite the user's terminal. JSON output keeps the
exact text, JSON-escaped.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .times import utc
from .times import when as when  # re-exported: render.when is how commands show a time

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


def _escape(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text: str) -> str:
    """`text` with every character that is not printable (C0/C1 controls such as ESC, CR,
    newline and tab, DEL, bidirectional overrides, zero-width characters) as an escape:
    ``\\x1b``, ``\\n`` as ``\\x0a``, ``\\u202e``."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else _escape(c) for c in text)


def fields(obj: Any) -> dict[str, Any]:
    """A dataclass's fields by name (for JSON output that adds keys of its own)."""
    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}


def to_json(obj: Any) -> str:
    return json.dumps(_plain(obj), indent=2, sort_keys=True)


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Left-aligned columns separated by two spaces, like `kubectl get`."""
    rows = [[printable(str(c)) for c in r] for r in rows]
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    lines = [headers, *rows]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in lines
    )


def secret_list(secrets: Sequence[SecretSummary], replicas: bool = False) -> str:
    """NAME, LAST CHANGED, ROTATION, NEXT ROTATION, DELETION (and REPLICAS when asked)."""
    from .render_lifecycle import replicas_cell, rotation_cell

    rows = [
        (s.name, when(s.last_changed, False), rotation_cell(s),
         when(s.next_rotation, False) if s.rotation_enabled else "-",
         when(s.deleted_date, False), *([replicas_cell(s)] if replicas else []))
        for s in secrets
    ]
    headers = ("NAME", "LAST CHANGED (UTC)", "ROTATION", "NEXT ROTATION (UTC)",
               "DELETION (UTC)")
    return table((*headers, "REPLICAS") if replicas else headers, rows)


def versions(items: Sequence[SecretVersion]) -> str:
    rows = [(v.version_id, ",".join(v.stages) or "-", when(v.created, False)) for v in items]
    return table(("VERSION", "STAGES", "CREATED (UTC)"), rows)


def describe(info: SecretInfo) -> str:
    from .render_lifecycle import replica_text, rotation_line, unfinished_line

    pairs: list[tuple[str, str]] = [
        ("Name", info.name),
        ("ARN", info.arn),
        ("Description", info.description or "-"),
        ("KMS key", info.kms_key_id or "aws/secretsmanager (AWS managed)"),
        ("Created", when(info.created)),
        ("Last changed", when(info.last_changed)),
        ("Last accessed", when(info.last_accessed)),
        ("Rotation", rotation_line(info)),
        ("Next rotation", when(info.next_rotation) if info.rotation_enabled else "-"),
        ("Last rotated", when(info.last_rotated)),
        ("Unfinished rotation", unfinished_line(info)),
        ("Deletion", when(info.deleted_date) if info.deleted_date else "not scheduled"),
        ("Primary region", info.primary_region or "-"),
        ("Replicas", ", ".join(replica_text(r) for r in info.replicas) or "none"),
        ("Tags", ", ".join(f"{k}={v}" for k, v in sorted(info.tags.items())) or "none"),
    ]
    width = max(len(k) for k, _ in pairs)
    lines = [f"{k + ':':<{width + 1}} {printable(v)}" for k, v in pairs]
    lines.append("Versions:")
    lines.extend(printable(f"  {v.version_id}  {','.join(v.stages) or '-'}"
                           + (f"  created {when(v.created)}" if v.created else ""))
                 for v in info.versions)
    return "\n".join(lines)


def change(name: str | None, action: str, changed: bool = True, **details: Any) -> str:
    """What a command that changes something did, as one JSON object (--json on delete,
    restore, policy grant/revoke/apply, and every command that changes something)."""
    return to_json({"name": name, "action": action, "changed": changed, **details})


def write_summary(result: WriteResult) -> str:
    verb = "Created" if result.created else "Updated"
    text = printable(f"{verb} {result.name} (version {result.version_id}).")
    if result.retries:
        text += (f"\nThe network failed and safesm resent the request {result.retries} time(s) "
                 "with the same request token: Secrets Manager stored it once.")
    return text


def error(message: str, hint: str | None) -> str:
    text = f"safesm: error: {message}"
    return f"{text}\n{hint}" if hint else text


def default_policy_notice(name: str, lists: AllowLists) -> str:
    return printable(f"Default policy: only {', '.join(lists.readers)} can read, only "
                     f"{', '.join(lists.writers)} can write (`safesm policy grant {name}` "
                     "widens it).")


def findings(items: Sequence[Finding]) -> str:
    from .policy_lint import report

    return lines(report(list(items)))


def lines(text: str) -> str:
    """Several lines, each made printable (the newlines between them kept)."""
    return "\n".join(printable(line) for line in text.split("\n"))


def progress_line(done: int, total: int, what: str, width: int = 30) -> str:
    """`[#########.........]  120/2000 secrets` for a terminal's status line."""
    filled = width * done // total if total else width
    return f"[{'#' * filled}{'.' * (width - filled)}] {done:>{len(str(total))}}/{total} {what}"
