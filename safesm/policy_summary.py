"""Pure: a resource policy in plain words — who can read, who can write, and what every
other statement allows.

"Only X can read" is said only when safesm's deny statement for reading still applies to
this secret (policy_denies.py); a statement that lets anyone in says so
(policy_reach.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .policy import AllowLists, allow_only, as_list, exempted
from .policy_denies import APPLIES, MISSING, NEVER, PARTLY, DenyCheck, check
from .policy_reach import anyone_note, condition_text

_JOB_WORDS = {  # job -> (what "only" can do, the noun, the verb, the list's name)
    "read": ("Can read (GetSecretValue)", "Reading", "read", "readers"),
    "write": ("Can write (PutSecretValue, UpdateSecret, UpdateSecretVersionStage)", "Writing",
              "change", "writers"),
}


def _principals_text(st: dict[str, Any]) -> str:
    if "NotPrincipal" in st:
        return "everyone except " + _principal_values(st["NotPrincipal"])
    return _principal_values(st.get("Principal"))


def _principal_values(value: Any) -> str:
    if value in ("*", {"AWS": "*"}):
        return "anyone (*)"
    if isinstance(value, dict):
        return ", ".join(str(v) for vals in value.values() for v in as_list(vals)) or "-"
    return ", ".join(str(v) for v in as_list(value)) or "-"


def statement_text(index: int, st: Any) -> str:
    """``#0 Allow anyone (*): GetSecretValue when ...``, and whom it really lets in."""
    if not isinstance(st, dict):
        return f"#{index}: not a statement object"
    actions = ", ".join(str(a) for a in as_list(st.get("Action"))) or (
        "every action except " + ", ".join(str(a) for a in as_list(st.get("NotAction"))))
    text = f"#{index} {st.get('Effect', '?')} {_principals_text(st)}: {actions}"
    when = condition_text(st.get("Condition"))
    text = f"{text} {when}" if when else text
    note = anyone_note(st)
    return f"{text} — {note}" if note else text


@dataclass(frozen=True)
class JobSummary:
    """Reading or writing: whom safesm's deny statement exempts, and whether it holds."""

    job: str
    listed: tuple[str, ...]  # the exempted principals (empty when the statement is missing)
    check: DenyCheck

    @property
    def only(self) -> tuple[str, ...] | None:
        """The principals that alone can do it, or None when that is not enforced."""
        return self.listed if self.check.state == APPLIES else None


@dataclass(frozen=True)
class Summary:
    jobs: tuple[JobSummary, ...]  # () when the policy has none of safesm's statements
    statements: tuple[str, ...]  # every other statement, in words
    grants: AllowLists | None = None  # an allow-only policy (grant on a secret without one)

    def only(self, job: str) -> tuple[str, ...] | None:
        return next((j.only for j in self.jobs if j.job == job), None)

    @property
    def readers(self) -> tuple[str, ...] | None:
        return self.only("read")

    @property
    def writers(self) -> tuple[str, ...] | None:
        return self.only("write")


def summarize(doc: dict[str, Any], secret_arn: str | None = None,
              now: datetime | None = None) -> Summary:
    statements = as_list(doc.get("Statement"))
    jobs = []
    for c in check(doc, secret_arn, now):
        st = statements[c.statement] if c.statement is not None else {}
        jobs.append(JobSummary(c.job, exempted(st) or (), c))
    shown = {j.check.statement for j in jobs if j.check.state == APPLIES}
    texts = tuple(statement_text(i, st) for i, st in enumerate(statements) if i not in shown)
    return Summary(tuple(jobs), texts, allow_only(doc))


def _deny_words(c: DenyCheck) -> str:
    if c.state == MISSING:
        return f"the policy has no {c.sid} statement"
    where = f"safesm's deny statement #{c.statement} ({c.sid})"
    if c.state == NEVER:
        return f"{where} never applies to this secret: {'; '.join(c.reasons)}"
    return f"{where}: {'; '.join(c.reasons)}"


def _job_lines(j: JobSummary) -> list[str]:
    label, noun, verb, people = _JOB_WORDS[j.job]
    if j.only is not None:
        return [f"{label}, if their IAM policies allow it, only:", *(f"  {p}" for p in j.only)]
    if j.check.state == PARTLY:
        lines = [f"{noun} is limited to the listed {people} only in part: "
                 f"{_deny_words(j.check)}. Otherwise anyone your IAM policies allow can "
                 f"{verb} it."]
    else:
        lines = [f"{noun} is NOT limited to the listed {people}: {_deny_words(j.check)}. "
                 f"Anyone your IAM policies allow can {verb} it."]
    if j.listed:
        lines += [f"Listed {people}:", *(f"  {p}" for p in j.listed)]
    return lines


def summary_lines(name: str, summary: Summary | None) -> list[str]:
    """Plain language: who can read, who can write, and every other statement."""
    if summary is None:
        return [f"{name} has no resource policy: anyone your account's IAM policies allow "
                "can read and change it.",
                f"Add safesm's default with `safesm policy apply {name} --default`."]
    if summary.grants is not None:
        return [f"This policy only adds access: anyone your account's IAM policies allow can "
                f"read and change {name}, and in addition:",
                "Allowed to read (GetSecretValue):",
                *[f"  {p}" for p in summary.grants.readers or ("nobody",)],
                "Allowed to write (PutSecretValue, UpdateSecret, UpdateSecretVersionStage):",
                *[f"  {p}" for p in summary.grants.writers or ("nobody",)]]
    if not summary.jobs:
        lines = ["This policy is not in safesm's form: who can read and write depends on "
                 "the statements below and your IAM policies."]
    else:
        lines = [line for j in summary.jobs for line in _job_lines(j)]
        lines.append("Everything else (describe, tags, policy management, delete): as IAM "
                     "policies allow.")
    if any(j.only is None for j in summary.jobs):
        lines.append(f"To restore safesm's statements: `safesm policy apply {name} --default` "
                     "(you and the configured readers/writers), then `safesm policy grant`.")
    if summary.statements:
        lines.append("Other statements:" if summary.jobs else "Statements:")
        lines += [f"  {s}" for s in summary.statements]
    return lines
