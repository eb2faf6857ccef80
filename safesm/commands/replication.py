"""`safesm replication`: show, add, remove and promote replicas of a secret in other Regions.

Every Region is checked against botocore's list before any call; removing and promoting
ask for confirmation (--yes in scripts). The work is in safesm/ops/replication.py.
"""

from __future__ import annotations

import click

from .. import render, render_lifecycle
from ..ops import replication as ops
from ..runtime import Runtime
from ._common import (
    change_json_option,
    complete_regions,
    confirm_or_refuse,
    echo,
    group,
    json_option,
    name_argument,
    pass_runtime,
    report_change,
)

WAIT_SECONDS = 300


@group()
def replication() -> None:
    """Replicas of a secret in other Regions: show, add, remove, promote."""


@replication.command()
@name_argument
@json_option()
@pass_runtime
def show(rt: Runtime, name: str, as_json: bool) -> None:
    """Show NAME's replicas: Region, status, status message, KMS key, last accessed."""
    info = rt.store().describe(name)
    if as_json:
        echo(rt, render.to_json(render_lifecycle.replication_json(info)))
        return
    echo(rt, render_lifecycle.replication_head(info))
    if info.replicas and not info.is_replica:
        echo(rt, render.table(render_lifecycle.REPLICA_HEADERS,
                              render_lifecycle.replica_rows(info.replicas)))


@replication.command()
@name_argument
@click.argument("targets", nargs=-1, required=True, metavar="REGION[=KMS_KEY]...",
                shell_complete=complete_regions)
@click.option("--overwrite-replica", is_flag=True,
              help="Replace a secret of the same name that already exists in a Region.")
@click.option("--wait", is_flag=True, help="Wait until every new replica is in sync.")
@change_json_option
@pass_runtime
def add(rt: Runtime, name: str, targets: tuple[str, ...], overwrite_replica: bool,
        wait: bool, as_json: bool) -> None:
    """Replicate NAME to more Regions (REGION=KMS_KEY: encrypt the replica with that key).

    Without a key, a replica is encrypted with its Region's aws/secretsmanager key.
    """
    wanted = ops.parse_targets(targets)  # before any call
    store = rt.store()
    info = ops.plan_add(store, name, wanted)
    for region in ops.key_fallbacks(info, wanted):
        rt.warn(f"{name} is encrypted with the customer managed key {info.kms_key_id}, and no "
                f"key was named for {region}: that replica falls back to the aws/secretsmanager "
                f"key of {region} (name one with {region}=KEY).")
    regions = [r for r, _ in wanted]
    replicas = ops.add(store, name, wanted, overwrite_replica)
    if wait:
        replicas = ops.wait(store, name, regions, WAIT_SECONDS)
    mine = [r for r in replicas if r.region in regions]
    if not as_json:
        echo(rt, render.table(render_lifecycle.REPLICA_HEADERS,
                              render_lifecycle.replica_rows(mine)))
    problem = ops.failures(replicas, regions)
    if problem is not None:
        raise problem
    if any(r.status not in ops.SETTLED for r in mine):
        notice = (f"Replication of {name} is under way; follow it with `safesm replication "
                  f"show {name}` (or pass --wait).")
    else:
        notice = f"Replicated {name} to {', '.join(regions)}."
    report_change(rt, as_json, notice, name, "replication-add", replicas=mine)


@replication.command()
@name_argument
@click.argument("regions", nargs=-1, required=True, metavar="REGION...",
                shell_complete=complete_regions)
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation (scripts).")
@change_json_option
@pass_runtime
def remove(rt: Runtime, name: str, regions: tuple[str, ...], yes: bool, as_json: bool) -> None:
    """Delete NAME's replicas in REGIONs; the primary secret is kept."""
    for i, region in enumerate(regions, 1):
        ops.check_region(region, f"REGION #{i}")
    store = rt.store()
    ops.plan_remove(store, name, regions)
    if not yes:
        confirm_or_refuse(rt, f"Delete the replicas of {name} in {', '.join(regions)}? Anything "
                          "reading it there loses it.", "removing replicas", "--yes")
    left = store.remove_replicas(name, list(regions))
    report_change(rt, as_json, f"Removed the replicas of {name} in {', '.join(regions)}; "
                  f"{len(left)} replica(s) left.", name, "replication-remove",
                  removed=list(regions), left=left)


@replication.command()
@name_argument
@click.option("--region", "region", required=True, metavar="REPLICA_REGION",
              shell_complete=complete_regions, help="The Region of the replica to promote.")
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation (scripts).")
@change_json_option
@pass_runtime
def promote(rt: Runtime, name: str, region: str, yes: bool, as_json: bool) -> None:
    """Make NAME's replica in REPLICA_REGION a standalone secret (e.g. for failover).

    Calls StopReplicationToReplica in the replica's Region, as AWS requires.
    """
    ops.check_region(region, "--region")
    store = rt.store()
    info = ops.plan_promote(store, name, region)
    primary = info.primary_region or info.region or "its primary Region"
    if not yes:
        confirm_or_refuse(rt, f"Promote the replica of {name} in {region} to a standalone "
                          f"secret? It stops receiving changes from {primary}.",
                          "promoting a replica", "--yes")
    arn = store.stop_replication(name, region)
    report_change(rt, as_json, f"Promoted {name} in {region} to a standalone secret ({arn}); "
                  f"{primary} no longer replicates to it. Check its policy and rotation there: "
                  f"`safesm --region {region} policy show {name}`.", name, "replication-promote",
                  region=region, arn=arn)
