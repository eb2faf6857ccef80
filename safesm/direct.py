"""A plain `get` to a pipe or file without click: what commands/get.py does on that path,
for the lean entry point (safesm/lean.py) when no agent answered.

The same steps in the same order as the CLI (settings, then the names checked, then the
read through ops/read and the exact bytes out) and the same door for every outcome
(outcome.guarded), so the output, the messages and the exit codes are the CLI's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from . import config, outcome
from .agent.use import NO_AGENT
from .runtime import Environment, Runtime
from .values import check_secret_id


@dataclass(frozen=True)
class Get:
    names: list[str]
    field: str | None
    fresh: bool
    flags: Mapping[str, str | None]  # --profile, --region, --endpoint-url as given
    agent_said: str  # why no agent answered (not asked again unless there was none,
    #                  so that `agent = auto` may start one)


def get(call: Get) -> int:
    previous = outcome.handle_sigterm()
    code = outcome.guarded(lambda: _get(call), debug=False)
    outcome.restore_sigterm(previous)
    outcome.flush_stdout()
    return code


def _get(call: Get) -> None:
    from .ops import read
    from .protect import protect_process

    settings = config.load(call.flags)
    if call.agent_said != NO_AGENT:
        settings = replace(settings, agent="off")
    rt = Runtime(settings, Environment.from_process())
    for warning in settings.warnings:  # as the CLI's group says them, before the names
        rt.warn(warning)
    for name in call.names:
        check_secret_id(name)
    protect_process()
    store = rt.store()
    if len(call.names) > 1:
        value = read.read_many_json(store, call.names, call.field, call.fresh)
    else:
        value = read.read_one(store, call.names[0], call.field, fresh=call.fresh)
    out = rt.env.stdout_bytes()
    out.write(value.reveal())
    out.flush()
