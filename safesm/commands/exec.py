"""`safesm exec`: run a command with secrets in its environment, and nowhere else."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from ..errors import CommandExited, UsageError
from ..runtime import Runtime
from ._common import command, pass_runtime
from ._options import source_options, sources_of, user_umask

if TYPE_CHECKING:
    from ..ops.sources import Variable

NESTED_HINT = ("Pass --nested to run it anyway: the inner command then also sees the outer "
               "one's variables.")


@command("exec", context_settings={"allow_interspersed_args": False})
@source_options
@click.option("--pristine", is_flag=True,
              help="Pass on none of safesm's environment but PATH, HOME, USER, LOGNAME, "
                   "SHELL, TERM, LANG, LANGUAGE, LC_*, TZ and TMPDIR.")
@click.option("--keep-aws-credentials", is_flag=True,
              help="Pass on AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN "
                   "(left out by default).")
@click.option("--mask", is_flag=True,
              help="Stay as a supervisor that shows the command's output with every "
                   "injected value replaced by ****.")
@click.option("--nested", is_flag=True,
              help="Allow running inside another safesm exec.")
@click.option("-v", "--verbose", is_flag=True,
              help="List on stderr each variable and the secret it came from (never values).")
@click.argument("argv", nargs=-1, required=True, metavar="-- COMMAND [ARGS]...")
@pass_runtime
def exec_cmd(rt: Runtime, mappings: tuple[str, ...], froms: tuple[str, ...],
             prefixes: tuple[str, ...], override: bool, pristine: bool,
             keep_aws_credentials: bool, mask: bool, nested: bool, verbose: bool,
             argv: tuple[str, ...]) -> None:
    """Run COMMAND with secrets in its environment, and nowhere else.

    Every value is read first, in batches of up to 20 (BatchGetSecretValue); if any
    read fails, or two sources (or a source and the inherited environment) set the same
    variable without --override, nothing runs and safesm exits with its own code. Then
    safesm replaces itself with COMMAND: its exit code, signals and terminal are the
    command's own, and the values are in its environment only. The parent's AWS access
    keys are not passed on unless --keep-aws-credentials.
    """
    from .. import hardening
    from ..launch import environ, process
    from ..ops import sources as sources_ops

    sources = sources_of(mappings, froms, prefixes)
    if environ.nested(rt.env.environ) and not nested:
        raise UsageError(f"this is already inside `safesm exec` ({environ.MARKER} is set); "
                         "nothing was run.", NESTED_HINT)
    executable = process.find(argv[0], rt.env.environ.get("PATH"))
    restore = process.Restore.capture(user_umask())
    hardening.protect_process()
    found = sources_ops.gather(rt.store(), sources)
    inherited, dropped = environ.base(rt.env.environ, pristine, keep_aws_credentials)
    chosen = sources_ops.resolve(found, inherited, override)
    _check(rt, chosen, mask)
    if verbose:
        _tell(rt, chosen, dropped)
    env = environ.child(inherited, {v.name: v.value.reveal_text() for v in chosen})
    if mask:
        from ..launch.supervisor import supervise

        code = supervise(executable, argv, env, [v.value.reveal() for v in chosen], restore)
        raise CommandExited(code)
    process.replace(executable, argv, env, restore)


def _check(rt: Runtime, chosen: Sequence[Variable], mask: bool) -> None:
    from ..launch.environ import MARKER
    from ..launch.masker import MIN_LENGTH
    from ..ops.sources import check_environment_values

    check_environment_values(chosen)
    for var in chosen:
        rt.hold(var.value)
        if var.name == MARKER:
            raise UsageError(f"{MARKER} is safesm's own marker and cannot be set; nothing "
                             "was run.")
        if mask and len(var.value) < MIN_LENGTH:
            rt.warn(f"--mask does not hide {var.name}: values shorter than {MIN_LENGTH} "
                    "characters would mask ordinary text.")


def _tell(rt: Runtime, chosen: Sequence[Variable], dropped: Sequence[str]) -> None:
    width = max((len(v.name) for v in chosen), default=0)
    for var in sorted(chosen, key=lambda v: v.name):
        rt.env.say(f"safesm: {var.name:<{width}} <- {var.origin.describe()}")
    if dropped:
        rt.env.say(f"safesm: not passed on: {', '.join(dropped)} (--keep-aws-credentials "
                   "passes them)")
