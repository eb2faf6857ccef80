"""`safesm rotation` (show, set, off, abandon) and `safesm rotate`: rotation without the
raw AWS CLI, and without a least-privilege policy silently breaking it.

The work is in safesm/ops/rotation.py and ops/rotator.py; schedules are checked by
safesm/schedule.py before any call.
"""

from __future__ import annotations

import re

import click

from .. import render, render_lifecycle, schedule
from ..errors import AuthError, NotFoundError
from ..ops import rotation as ops
from ..ops import rotator
from ..runtime import Runtime
from ._common import (
    change_json_option,
    command,
    confirm_or_refuse,
    echo,
    group,
    json_option,
    name_argument,
    pass_runtime,
    report_change,
    validated,
)

_LAMBDA_ARN = re.compile(r"arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}"
                         r"(:[A-Za-z0-9_$-]{1,128})?")
_GRANT_HELP = "If the secret's policy denies the Lambda's role, add it to the readers and " \
              "writers (a terminal asks)."


@group()
def rotation() -> None:
    """Automatic rotation: show, set, off, abandon (rotate now: `safesm rotate`).

    Before rotation is turned on, the rotation Lambda's execution role is read and the
    secret's resource policy is checked for it: a policy that would deny it refuses the
    change (exit 8) with the command that grants it, or grants it (--grant-rotator).
    """


@rotation.command()
@name_argument
@json_option("text")
@pass_runtime
def show(rt: Runtime, name: str, as_json: bool) -> None:
    """Show NAME's rotation: schedule, window, Lambda and its role, last and next rotation."""
    view = ops.view(rt.store(), name)
    if as_json:
        echo(rt, render.to_json(render_lifecycle.rotation_json(view)))
    else:
        echo(rt, render_lifecycle.rotation_show(view))


def _warn_check(rt: Runtime, found: rotator.RotatorCheck) -> None:
    if found.unknown:
        where = ", ".join(sorted({f"#{v.statement}" for v in found.unknown}))
        rt.warn(f"the resource policy's statement {where} may deny the rotation Lambda's role "
                f"{found.role} ({rotator.actions(found.unknown)}): its conditions depend on "
                "more than who calls. Check that rotation works (`safesm rotate`).")
    if found.warnings:
        rt.env.say(render.findings(list(found.warnings)))


def _grant_decided(rt: Runtime, name: str, found: rotator.RotatorCheck, flag: bool) -> bool:
    """Whether to grant a denied rotator: --grant-rotator, or yes on a terminal; anything
    else refuses with exit 8 and the grant command."""
    if not found.denied:
        return False
    if not found.grantable:
        raise rotator.refusal(name, found)
    if flag:
        return True
    if rt.env.stdin_isatty:
        from ..prompt import confirm

        rt.env.say(f"{name}'s resource policy denies the rotation Lambda's role {found.role} "
                   f"({rotator.actions(found.denied)}), so rotation would fail.")
        if confirm("Add the role to the readers and writers?"):
            return True
    raise rotator.refusal(name, found)


@rotation.command("set")
@name_argument
@click.option("--every", "every", metavar="4h|12h|1d|30d",
              help="Rotate every N hours (4-23) or days (1-1000).")
@click.option("--cron", "cron_text", metavar="'cron(...)'",
              help="Rotate on a cron() schedule (UTC; minutes 0, year *).")
@click.option("--window", metavar="Nh", help="Rotation window in hours (default: AWS's).")
@click.option("--lambda", "lambda_arn", metavar="ARN",
              callback=validated(_LAMBDA_ARN.fullmatch, "a Lambda function ARN "
                                 "(arn:aws:lambda:REGION:ACCOUNT:function:NAME)"),
              help="The rotation Lambda (default: the one the secret has).")
@click.option("--now", is_flag=True, help="Also rotate now, and follow it until it is done.")
@click.option("--grant-rotator", is_flag=True, help=_GRANT_HELP)
@change_json_option
@pass_runtime
def set_cmd(rt: Runtime, name: str, every: str | None, cron_text: str | None,
            window: str | None, lambda_arn: str | None, now: bool, grant_rotator: bool,
            as_json: bool) -> None:
    """Turn rotation of NAME on, or change its schedule, window or Lambda."""
    sched = schedule.parse(every, cron_text, window)  # before any call
    store = rt.store()
    plan = ops.plan_set(store, name, sched, lambda_arn)
    _warn_check(rt, plan.check)
    if plan.info.pending_version:
        rt.warn(ops.unfinished(name, plan.info.pending_version).message)
    done = ops.apply_set(store, plan, now, _grant_decided(rt, name, plan.check, grant_rotator))
    if done.granted:
        rt.notice(f"Granted the rotation Lambda's role {plan.check.role} read and write in "
                  f"{name}'s resource policy.")
    info = done.info
    rt.notice(f"Rotation of {name} is on: {schedule.in_words(sched.expression)}"
              f"{', window ' + sched.window if sched.window else ''}, Lambda {plan.lambda_arn} "
              f"(role {plan.check.role}); next rotation {render.when(info.next_rotation)}.")
    if done.old_may_fire:
        rt.notice("AWS may still run the rotation planned under the previous schedule (rate() "
                  "and day-count schedules count from the last rotation); a cron() schedule "
                  "controls the window exactly.")
    if done.version:
        _follow(rt, name, done.version, ops.DEFAULT_TIMEOUT)
    if as_json:
        echo(rt, render.change(name, "rotation-set", schedule=sched.expression,
                               window=sched.window, lambda_arn=plan.lambda_arn,
                               role=plan.check.role, next_rotation=info.next_rotation,
                               granted_rotator=done.granted, rotated_version=done.version))


_STATES = {"absent": "waiting for the Lambda to create the new version (createSecret)",
           "pending": "new value stored as AWSPENDING; waiting for the Lambda to set, test and "
                      "finish it"}


def _follow(rt: Runtime, name: str, version: str, timeout: float) -> None:
    """Wait for `version` to become AWSCURRENT; progress on a terminal only."""
    store = rt.store()

    def report(state: str) -> None:
        if rt.env.stderr_isatty and state in _STATES:
            rt.notice(f"Rotating {name}: {_STATES[state]}...")

    waited = ops.wait(store, name, version, timeout, report)
    if waited.state != "current":
        raise ops.failed(store.describe(name), version, waited)
    rt.notice(f"Rotated {name}: version {version} is AWSCURRENT ({waited.seconds:.0f} s).")


@command()
@name_argument
@click.option("--no-wait", is_flag=True, help="Start the rotation and return at once.")
@click.option("--timeout", type=click.IntRange(1, 3600), default=ops.DEFAULT_TIMEOUT,
              show_default=True, metavar="SECONDS", help="How long to follow the rotation.")
@click.option("--grant-rotator", is_flag=True, help=_GRANT_HELP)
@change_json_option
@pass_runtime
def rotate(rt: Runtime, name: str, no_wait: bool, timeout: int, grant_rotator: bool,
           as_json: bool) -> None:
    """Rotate secret NAME now and follow it until the new version is AWSCURRENT.

    The secret's rotation Lambda runs its four steps (createSecret, setSecret,
    testSecret, finishSecret); a rotation that does not finish in time is reported with
    what is known and the next step (exit 5), and AWSCURRENT is left as it was.
    """
    store = rt.store()
    info = ops.plan_rotate(store, name)
    try:
        found = rotator.check(store, info, info.rotation_lambda or "")
    except (AuthError, NotFoundError) as err:
        rt.warn(f"could not check the rotation Lambda's role against the policy: {err.message}")
    else:
        _warn_check(rt, found)
        if _grant_decided(rt, name, found, grant_rotator):
            rotator.grant(store, name, found.role)
            rt.notice(f"Granted the rotation Lambda's role {found.role} read and write in "
                      f"{name}'s resource policy.")
    version = ops.start(store, name)
    rt.notice(f"Started rotating {name}: the new value will be version {version}.")
    if no_wait:
        rt.notice(f"Follow it with `safesm rotation show {name}`.")
    else:
        _follow(rt, name, version, timeout)
    if as_json:
        echo(rt, render.change(name, "rotate", version_id=version, finished=not no_wait))


@rotation.command()
@name_argument
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation (scripts).")
@change_json_option
@pass_runtime
def abandon(rt: Runtime, name: str, yes: bool, as_json: bool) -> None:
    """Remove the AWSPENDING label of a stuck rotation, so that rotation can run again.

    The pending value stays stored as a version without labels. If the rotation got as
    far as setSecret, the database or service may already use that value: check first.
    """
    store = rt.store()
    info, since = ops.unfinished_rotation(store, name)
    version = info.pending_version
    if not version:
        report_change(rt, as_json, f"{name} has no unfinished rotation; nothing was changed.",
                      name, "rotation-abandon", False)
        return
    if not yes:
        started = f", started {render.when(since)}" if since else ""
        confirm_or_refuse(rt, f"Abandon the rotation of {name} (version {version}{started})? "
                          "If it got as far as setSecret, the new value may already be in use.",
                          "abandoning a rotation", "--yes")
    ops.abandon(store, name, version)
    report_change(rt, as_json, f"Abandoned the unfinished rotation of {name}: version "
                  f"{version} is no longer AWSPENDING; AWSCURRENT is unchanged. Rotate again "
                  f"with `safesm rotate {name}`.", name, "rotation-abandon", version_id=version)


@rotation.command()
@name_argument
@change_json_option
@pass_runtime
def off(rt: Runtime, name: str, as_json: bool) -> None:
    """Turn automatic rotation of NAME off (CancelRotateSecret)."""
    was = ops.turn_off(rt.store(), name)
    if not was.rotation_enabled:
        report_change(rt, as_json, f"Rotation of {name} is already off; nothing was changed.",
                      name, "rotation-off", False)
        return
    report_change(rt, as_json, f"Turned rotation of {name} off; turn it on again with "
                  "`safesm rotation set`.", name, "rotation-off")
    if was.pending_version:
        rt.warn(f"a rotation of {name} was unfinished (version {was.pending_version} is "
                f"AWSPENDING); remove the label with `safesm rotation abandon {name}`.")
