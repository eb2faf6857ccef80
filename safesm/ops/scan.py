"""`safesm scan`: hardcoded secrets in files, found with detect-secrets' plugins (the
maintained bc-detect-secrets fork, the optional extra `safesm[scan]`), reported without
their values; `--migrate` moves each into Secrets Manager through the normal put path.

No found key is verified against a live service (detect-secrets' verification is a
filter that is never enabled here). AWS's documented example keys (AKIA...EXAMPLE,
...EXAMPLEKEY) are not findings.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import scanfiles
from ..errors import NotConfirmed, SafesmError, UsageError
from ..models import ScanFinding
from ..policy import AllowLists
from ..values import SecretValue

if TYPE_CHECKING:
    from ..aws.store import SecretStore

MISSING = UsageError("safesm scan needs its optional scanner, which is not installed.",
                     "Install it with: pip install 'safesm[scan]' (bc-detect-secrets).")
# When several plugins flag the same value on a line, the most specific kind is kept.
PRIORITY = ("Private Key", "AWS Access Key", "Basic Auth Credentials", "GitHub Token",
            "Slack Token", "Stripe Access Key", "JSON Web Token", "Secret Keyword")
_EXAMPLE = re.compile(r"^(?:(?:AKIA|ASIA)[A-Z0-9]{9}EXAMPLE|[A-Za-z0-9/+]{30}EXAMPLEKEY)$")
_BEGIN = re.compile(rb"-----BEGIN [A-Z0-9 ]*PRIVATE KEY[A-Z ]*-----")
_END = re.compile(rb"-----END [A-Z0-9 ]*PRIVATE KEY[A-Z ]*-----")
_NAME_CHAR = re.compile(r"[^A-Za-z0-9/_+=.@-]+")


@dataclass(frozen=True)
class Hit:
    """A finding with what only this module may hold: the file's absolute path and the
    value (a SecretValue, masked in any repr)."""

    finding: ScanFinding
    abspath: str
    value: SecretValue


@dataclass(frozen=True)
class ScanResult:
    findings: tuple[ScanFinding, ...]
    hits: tuple[Hit, ...]
    baselined: int
    walk: scanfiles.Walk


def is_example(value: str) -> bool:
    return bool(_EXAMPLE.match(value))


def _rank(kind: str) -> int:
    return PRIORITY.index(kind) if kind in PRIORITY else len(PRIORITY)


def _detect(paths: Sequence[str]) -> list[tuple[str, int, str, str]]:
    """(path, line, kind, value) for every secret detect-secrets finds."""
    try:
        from detect_secrets.core.secrets_collection import SecretsCollection
        from detect_secrets.settings import default_settings
    except ImportError:
        raise UsageError(MISSING.message, MISSING.hint) from None
    by_line: dict[tuple[str, int], list[tuple[str, str]]] = {}
    with default_settings():
        for path in paths:
            found = SecretsCollection()
            found.scan_file(path)
            for _, secret in found:
                value = str(secret.secret_value or "")
                if value and not is_example(value):
                    by_line.setdefault((path, int(secret.line_number or 0)), []).append(
                        (value, str(secret.type)))
    return sorted((path, line, kind, value) for (path, line), items in by_line.items()
                  for value, kind in _merge(items))


def _merge(items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """One finding per value on a line: plugins that flag the same value, or a part of it
    (a GitHub token's prefix), become one, with the longest value and the most specific
    kind."""
    kept: list[tuple[str, str]] = []
    for value, kind in sorted(items, key=lambda vk: (-len(vk[0]), _rank(vk[1]))):
        for i, (longer, other) in enumerate(kept):
            if value in longer:
                kept[i] = (longer, min(other, kind, key=_rank))
                break
        else:
            kept.append((value, kind))
    return kept


def _shown(path: str) -> str:
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def load_baseline(text: str) -> set[tuple[str, str, str]]:
    """(path, kind, fingerprint) of each finding in a `safesm scan --format json` file."""
    doc = json.loads(text)
    items = doc.get("findings") if isinstance(doc, dict) else None
    if not isinstance(items, list):
        raise ValueError("no findings list")
    return {(str(f["path"]), str(f["kind"]), str(f["fingerprint"])) for f in items}


def scan(paths: Sequence[str], environ: Mapping[str, str],
         baseline: set[tuple[str, str, str]] | None = None) -> ScanResult:
    walk = scanfiles.files(paths)
    keys: dict[str, bytes] = {}
    findings: list[ScanFinding] = []
    hits: list[Hit] = []
    skipped = 0
    for path, line, kind, value in _detect(walk.files):
        repo = scanfiles.git_dir(path)
        slot = repo[1] if repo else ""
        if slot not in keys:
            keys[slot] = scanfiles.fingerprint_key(path, environ)
        found = ScanFinding(_shown(path), line, kind,
                            scanfiles.keyed_hash(keys[slot], value.encode()))
        if baseline and (found.path, found.kind, found.fingerprint) in baseline:
            skipped += 1
            continue
        findings.append(found)
        hits.append(Hit(found, os.path.abspath(path), SecretValue(value.encode())))
    return ScanResult(tuple(findings), tuple(hits), skipped, walk)


# --migrate ---------------------------------------------------------------------------------

def _pem_block(data: bytes, line: int) -> bytes | None:
    """The whole PEM block (BEGIN to END line) that holds line `line` (1-based)."""
    begins = [m for m in _BEGIN.finditer(data) if data.count(b"\n", 0, m.start()) < line]
    if not begins:
        return None
    end = _END.search(data, begins[-1].end())
    return data[begins[-1].start():end.end()] if end else None


def file_bytes(hit: Hit) -> SecretValue:
    """The value as the file holds it, read again from the file: a private key's whole PEM
    block, else the bytes of the value on its line."""
    with open(hit.abspath, "rb") as fh:
        data = fh.read()
    if hit.finding.kind == "Private Key":
        block = _pem_block(data, hit.finding.line)
        if block is not None:
            return SecretValue(block)
    lines = data.splitlines()
    line = lines[hit.finding.line - 1] if 0 < hit.finding.line <= len(lines) else b""
    wanted = hit.value.reveal()
    at = line.find(wanted)
    if at < 0:
        raise SafesmError(f"{hit.finding.path}:{hit.finding.line} changed since it was "
                          "scanned; nothing was stored for it.")
    return SecretValue(line[at:at + len(wanted)])


def name_for(prefix: str, finding: ScanFinding) -> str:
    path = finding.path.lstrip("./") or "file"
    kind = "-".join(finding.kind.lower().split())
    tail = _NAME_CHAR.sub("-", f"{path}/{kind}-L{finding.line}")
    return f"{prefix.rstrip('/')}/{tail}"[:512]


@dataclass(frozen=True)
class Moved:
    finding: ScanFinding
    name: str
    status: str  # "stored", "stored before" (same value), "exists", or why it failed


def _refuse(question: str, what: str) -> None:
    raise NotConfirmed(f"{what} needs confirmation")


def _store_one(store: SecretStore, name: str, value: SecretValue,
               access: AllowLists) -> None:
    """The one place --migrate writes: `put`'s create (empty, the default policy attached,
    then the value: ops.put.create_with_policy), never into an existing secret."""
    from .put import create_with_policy, plan_for

    if store.find(name) is not None:
        _refuse(f"Secret {name} already exists.", f"storing into existing secret {name!r}")
    create_with_policy(store, name, value, plan=plan_for(store, access))


def migrate(store: SecretStore, result: ScanResult, prefix: str, access: AllowLists,
            on_each: Callable[[Moved], None] | None = None) -> list[Moved]:
    """Store each finding's value under PREFIX (a value found twice is stored once)."""
    done: dict[str, str] = {}  # fingerprint -> name it was stored under
    out: list[Moved] = []
    for hit in result.hits:
        fp = hit.finding.fingerprint
        if fp in done:
            moved = Moved(hit.finding, done[fp], "stored before")
        else:
            name = name_for(prefix, hit.finding)
            moved = Moved(hit.finding, name, _migrate_one(store, hit, name, access))
            if moved.status == "stored":
                done[fp] = name
        out.append(moved)
        if on_each:
            on_each(moved)
    return out


def _migrate_one(store: SecretStore, hit: Hit, name: str, access: AllowLists) -> str:
    try:
        _store_one(store, name, store.redactor.remember(file_bytes(hit)), access)
    except NotConfirmed:
        return "exists"
    except SafesmError as err:
        return f"failed: {err.message}"
    return "stored"
