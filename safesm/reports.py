"""Pure: findings of `audit` and `scan` as a table, JSON, CSV or SARIF 2.1.0.

Nothing here can print a secret value: audit findings hold metadata only, scan findings a
file, a line, a kind and a keyed fingerprint. SARIF follows the OASIS 2.1.0 schema (tests
validate it) with the properties GitHub code scanning reads (rules with a
security-severity, partialFingerprints, physical locations).
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from . import __version__
from .audit_rules import SEVERITIES, all_rules, control_parameters

if TYPE_CHECKING:
    from .audit_rules import Finding
    from .models import ScanFinding
    from .ops.audit import AuditReport
    from .ops.trail import TrailEvent

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"high": "error", "medium": "warning", "low": "note"}
SECURITY_SEVERITY = {"high": "8.0", "medium": "5.0", "low": "2.0"}
CSV_FIELDS = ("rule", "name", "severity", "region", "secret", "arn", "reason", "fix",
              "practice", "control")


def counts(severities: Iterable[str]) -> str:
    found = Counter(severities)
    return ", ".join(f"{found[s]} {s}" for s in reversed(SEVERITIES) if found[s]) or "none"


# audit ---------------------------------------------------------------------------------

def audit_table(report: AuditReport, fail_on: str) -> str:
    lines = []
    for f in report.findings:
        lines.append(f"{f.severity:<6}  {f.rule} {f.name}  {f.secret} ({f.region}): {f.reason}")
        lines.append(f"        fix: {f.fix}")
    for m in report.not_evaluated:
        lines.append(f"not evaluated  {m.secret} ({m.region}): {m.checks}: {m.reason}")
    lines.append(audit_summary(report, fail_on))
    return "\n".join(lines)


def audit_summary(report: AuditReport, fail_on: str) -> str:
    n = len(report.findings)
    text = (f"{report.secrets} secret(s) audited in {', '.join(report.regions)}: "
            f"{n} finding(s) ({counts(f.severity for f in report.findings)})")
    if report.not_evaluated:
        text += f"; {len(report.not_evaluated)} check(s) not evaluated"
    return text + f"; failing at {fail_on} or above."


def audit_json(report: AuditReport, fail_on: str, passed: bool) -> str:
    return json.dumps({
        "regions": list(report.regions), "secrets": report.secrets,
        "parameters": control_parameters(report.params), "fail_on": fail_on,
        "passed": passed, "findings": [asdict(f) for f in report.findings],
        "not_evaluated": [asdict(m) for m in report.not_evaluated],
    }, indent=2)


def _cell(value: object) -> str:
    """A CSV cell a spreadsheet will not run as a formula (names may start with = + - @)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def audit_csv(report: AuditReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for f in report.findings:
        writer.writerow([_cell(getattr(f, k)) for k in CSV_FIELDS])
    return out.getvalue().rstrip("\n")


def _rule(rule_id: str, name: str, severity: str, text: str, tags: Sequence[str],
          extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"id": rule_id, "name": name, "shortDescription": {"text": text},
            "defaultConfiguration": {"level": LEVEL[severity]},
            "properties": {"security-severity": SECURITY_SEVERITY[severity],
                           "tags": ["security", *tags], **(extra or {})}}


def _run(rules: list[dict[str, Any]], results: list[dict[str, Any]],
         notifications: Sequence[str] = ()) -> str:
    index = {r["id"]: i for i, r in enumerate(rules)}
    for result in results:
        result["ruleIndex"] = index[result["ruleId"]]
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if notifications:
        invocation["toolExecutionNotifications"] = [
            {"level": "error", "message": {"text": text}} for text in notifications]
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [{
        "tool": {"driver": {"name": "safesm", "version": __version__, "rules": rules}},
        "invocations": [invocation], "results": results}]}
    return json.dumps(log, indent=2)


def audit_sarif(report: AuditReport) -> str:
    from .audit_rules import RULES

    rules = []
    for rule_id, name, severity, practice, control in all_rules():
        title = RULES[rule_id].title if rule_id in RULES else f"Resource policy: {name}"
        extra = {"practice": practice, **({"securityHubControl": control} if control else {})}
        rules.append(_rule(rule_id, name, severity, title, ["aws", "secrets-manager"], extra))
    results = [_audit_result(f) for f in report.findings]
    notes = [f"not evaluated: {m.secret} ({m.region}): {m.checks}: {m.reason}"
             for m in report.not_evaluated]
    return _run(rules, results, notes)


def _audit_result(f: Finding) -> dict[str, Any]:
    where = f.arn or f"secretsmanager:{f.region}:{f.secret}"
    return {"ruleId": f.rule, "level": LEVEL[f.severity],
            "message": {"text": f"{f.secret} ({f.region}): {f.reason} Fix: {f.fix}"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": where}},
                           "logicalLocations": [{"name": f.secret, "fullyQualifiedName": where,
                                                 "kind": "resource"}]}],
            "partialFingerprints": {"safesmFinding/v1": f"{f.rule}:{where}"},
            "properties": {"secret": f.secret, "region": f.region, "fix": f.fix,
                           "practice": f.practice,
                           **({"securityHubControl": f.control} if f.control else {})}}


# scan ----------------------------------------------------------------------------------

def scan_table(findings: Sequence[ScanFinding]) -> str:
    rows = [(f"{f.path}:{f.line}", f.kind, f.fingerprint) for f in findings]
    widths = [max([len(h), *(len(r[i]) for r in rows)])
              for i, h in enumerate(("WHERE", "KIND", "FINGERPRINT"))]
    lines = [("WHERE", "KIND", "FINGERPRINT"), *rows]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
                     for line in lines)


def scan_json(findings: Sequence[ScanFinding], baselined: int) -> str:
    return json.dumps({"findings": [asdict(f) for f in findings], "baselined": baselined},
                      indent=2)


def _slug(kind: str) -> str:
    return "-".join(kind.lower().split())


def scan_sarif(findings: Sequence[ScanFinding]) -> str:
    kinds = sorted({f.kind for f in findings})
    rules = [_rule(f"secret/{_slug(k)}", _slug(k), "high", f"Hardcoded secret: {k}",
                   ["secrets"]) for k in kinds]
    results = [{
        "ruleId": f"secret/{_slug(f.kind)}", "level": "error",
        "message": {"text": f"{f.kind} at {f.path}:{f.line} (fingerprint {f.fingerprint}); "
                            "move it to Secrets Manager (safesm scan --migrate PREFIX)."},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": quote(f.path)},
                                            "region": {"startLine": f.line}}}],
        "partialFingerprints": {"safesmSecret/v1": f.fingerprint},
    } for f in findings]
    return _run(rules, results)


# trail ---------------------------------------------------------------------------------

def _printable(text: str, limit: int | None = None) -> str:
    """Text from an event (anyone can set a user agent) made safe for a terminal: control
    characters become '?', and long text is cut."""
    clean = "".join(c if c.isprintable() else "?" for c in text)
    return clean if limit is None or len(clean) <= limit else clean[:limit - 1] + "…"


def _agent(agent: str) -> str:
    for marker in ("safesm/", "aws-cli/", "Boto3/", "aws-sdk-"):
        if marker in agent:
            return agent[agent.index(marker):].split()[0]
    return _printable(agent, 32) or "-"


def trail_table(events: Sequence[TrailEvent]) -> str:
    rows = [(e.time.strftime("%Y-%m-%d %H:%M:%S"), _printable(e.event), _printable(e.who),
             _printable(e.source_ip) or "-", _printable(_agent(e.user_agent)),
             _printable(e.error or "-"),
             ",".join(x for x in (e.flag, "safesm" if e.by_safesm else None) if x) or "-")
            for e in events]
    headers = ("TIME (UTC)", "EVENT", "WHO", "SOURCE IP", "USER AGENT", "ERROR", "NOTE")
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
                     for line in [headers, *rows])


def trail_json(events: Sequence[TrailEvent]) -> str:
    return json.dumps([{**asdict(e), "time": e.time.isoformat()} for e in events], indent=2)
