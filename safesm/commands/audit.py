"""`safesm audit`: how does the account stand? Checks of every secret (never its value),
mapped to AWS's best practices and Security Hub's SecretsManager.1-5 controls."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from .. import render, reports
from ..audit_rules import MAX_REQUIRED_TAGS, SEVERITIES, Params, at_or_above
from ..errors import FindingsError, UsageError
from ..runtime import Runtime
from ._common import command, echo, pass_runtime, validated

if TYPE_CHECKING:
    from ..ops.audit import AuditReport

_TAG_KEY = re.compile(r"^[\w .:/=+\-@]{1,128}$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")
FORMATS = ("table", "json", "sarif", "csv")


def _complete_region(ctx: click.Context, param: click.Parameter, incomplete: str) -> Any:
    from ..complete import regions

    return regions(ctx, param, incomplete)


def _progress(rt: Runtime) -> Callable[[int, int], None] | None:
    """A one-line progress bar on stderr, only when stderr is a terminal (and not -q)."""
    if not rt.env.stderr_isatty or rt.settings.quiet or rt.env.stderr is None:
        return None
    stream = rt.env.stderr

    def show(done: int, total: int) -> None:
        stream.write("\r" + render.progress_line(done, total, "secrets"))
        if done == total:
            stream.write("\r\033[K")
        stream.flush()

    return show


@command()
@click.option("--prefix", metavar="P", help="Only secrets whose names start with P.")
@click.option("--region", "regions", multiple=True, metavar="REGION",
              callback=validated(_REGION.match, "a Region name such as us-east-1"),
              shell_complete=_complete_region,
              help="Audit this Region (repeatable; default: the configured Region).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table",
              show_default=True, help="Output format.")
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default="high", show_default=True,
              help="Exit 8 when a finding has this severity or worse.")
@click.option("--unused-days", type=click.IntRange(1, 365), default=90, show_default=True,
              metavar="DAYS", help="SecretsManager.3 unusedForDays (1-365).")
@click.option("--max-rotation-days", type=click.IntRange(1, 180), default=90,
              show_default=True, metavar="DAYS",
              help="SecretsManager.4 maxDaysSinceRotation (1-180).")
@click.option("--required-tag", "required_tags", multiple=True, metavar="KEY",
              callback=validated(_TAG_KEY.match, "a tag key (1-128 letters, digits, spaces "
                                 "and . : / = + - @)"),
              help=f"SecretsManager.5 requiredTagKeys (repeatable, at most "
                   f"{MAX_REQUIRED_TAGS}).")
@click.option("--max-rotation-frequency", type=click.IntRange(1, 365), default=None,
              metavar="DAYS",
              help="SecretsManager.1 maximumAllowedRotationFrequency (1-365; no default).")
@pass_runtime
def audit(rt: Runtime, prefix: str | None, regions: tuple[str, ...], fmt: str, as_json: bool,
          fail_on: str, unused_days: int, max_rotation_days: int,
          required_tags: tuple[str, ...], max_rotation_frequency: int | None) -> None:
    """Check every secret's rotation, use, tags, policies, keys and replicas (never values).

    Each finding has a stable rule id, a severity, a one-line reason and the fix as a
    safesm command; SecretsManager.1-5 use Security Hub's parameter names, defaults and
    ranges. Checks that could not run are reported as not evaluated, never as passed.
    """
    from ..ops import audit as ops

    if len(required_tags) > MAX_REQUIRED_TAGS:
        raise UsageError(f"--required-tag can be given at most {MAX_REQUIRED_TAGS} times "
                         "(Security Hub's SecretsManager.5 limit).")
    fmt = "json" if as_json else fmt
    params = Params(unused_days, max_rotation_days, tuple(dict.fromkeys(required_tags)),
                    max_rotation_frequency)
    stores = [rt.store(r) for r in dict.fromkeys(regions)] if regions else [rt.store()]
    report = ops.audit([(s.region_name(), s) for s in stores], prefix, params,
                       progress=_progress(rt))
    failing = at_or_above(report.findings, fail_on)
    problem = ops.incomplete(report)
    _show(rt, report, fmt, fail_on, passed=not failing and problem is None)
    if failing:
        raise FindingsError(f"audit found {len(failing)} finding(s) at or above {fail_on}.")
    if problem is not None:
        raise problem


def _show(rt: Runtime, report: AuditReport, fmt: str, fail_on: str, passed: bool) -> None:
    if fmt == "table":
        echo(rt, reports.audit_table(report, fail_on))
        return
    if fmt == "json":
        echo(rt, reports.audit_json(report, fail_on, passed))
    elif fmt == "sarif":
        echo(rt, reports.audit_sarif(report))
    else:
        echo(rt, reports.audit_csv(report))
    rt.notice(reports.audit_summary(report, fail_on))
