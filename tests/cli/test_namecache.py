"""Commands keep the name cache current; completion answers from it."""

from __future__ import annotations

import os
from pathlib import Path

from safesm import config, namecache


def cached() -> list[str]:
    return namecache.read_names(namecache.cache_file(config.load({})))


def test_put_delete_restore_list_update_the_cache(run, sm):
    assert run("put", "db/a", input=b"v").exit_code == 0
    assert cached() == ["db/a"]
    sm.create_secret(Name="db/b", SecretString="v")  # made elsewhere
    assert cached() == ["db/a"]
    assert run("list").exit_code == 0
    assert cached() == ["db/a", "db/b"]
    assert run("delete", "db/a", "--yes").exit_code == 0
    assert cached() == ["db/b"]
    assert run("restore", "db/a").exit_code == 0
    assert cached() == ["db/a", "db/b"]


def test_list_with_prefix_keeps_other_names(run, sm):
    sm.create_secret(Name="db/a", SecretString="v")
    sm.create_secret(Name="web/a", SecretString="v")
    run("list")
    sm.delete_secret(SecretId="db/a", ForceDeleteWithoutRecovery=True)
    run("list", "--prefix", "db/")
    assert cached() == ["web/a"]


def test_cache_never_holds_values(run, sm, canary):
    run("put", "x", input=canary.encode())
    run("list")
    root = Path(namecache.cache_dir())
    for path in root.rglob("*"):
        if path.is_file():
            assert canary not in path.read_text()


def test_home_is_where_the_cache_is(run):
    assert str(namecache.cache_dir()).startswith(os.environ["HOME"])


# restore <TAB>: the secrets scheduled for deletion (issue 17.12) ---------------------------


def deleted() -> list[str]:
    return namecache.read_names(namecache.deleted_file(config.load({})))


def completions(*words: str, incomplete: str = "") -> list[tuple[str, str]]:
    """What TAB offers after `safesm WORDS...`, in-process (click's bash completion)."""
    from click.shell_completion import BashComplete

    from safesm.cli import cli

    comp = BashComplete(cli, {}, "safesm", "_SAFESM_COMPLETE")
    return [(c.type, c.value) for c in comp.get_completions(list(words), incomplete)]


def test_delete_and_restore_move_names_between_the_lists(run, sm):
    assert run("put", "db/a", input=b"v").exit_code == 0
    assert run("delete", "db/a", "--yes").exit_code == 0
    assert cached() == [] and deleted() == ["db/a"]
    assert completions("restore") == [("plain", "db/")]
    assert completions("restore", incomplete="db/") == [("plain", "db/a")]
    assert completions("get", incomplete="db/") == []  # a deleted secret cannot be read
    assert run("restore", "db/a").exit_code == 0
    assert cached() == ["db/a"] and deleted() == []
    assert completions("restore", incomplete="db/") == []


def test_list_including_deleted_splits_the_names(run, sm):
    sm.create_secret(Name="live", SecretString="v")
    sm.create_secret(Name="gone", SecretString="v")
    sm.delete_secret(SecretId="gone", RecoveryWindowInDays=7)
    assert run("list", "--include-deleted").exit_code == 0
    assert cached() == ["live"] and deleted() == ["gone"]
    assert run("list").exit_code == 0  # without them: the deleted list is left as it was
    assert deleted() == ["gone"]


def test_force_delete_leaves_no_name_to_restore(run, sm):
    run("put", "x", input=b"v")
    assert run("delete", "x", "--force-without-recovery", "--yes").exit_code == 0
    assert cached() == [] and deleted() == []


def test_the_refresher_fills_both_lists(run, sm):
    """The detached refresher's sweep (run here in-process) includes deleted secrets."""
    sm.create_secret(Name="live", SecretString="v")
    sm.create_secret(Name="gone", SecretString="v")
    sm.delete_secret(SecretId="gone", RecoveryWindowInDays=7)
    assert namecache._refresh([]) == 0
    assert cached() == ["live"] and deleted() == ["gone"]


# TAB after an option or argument that takes a path: file names (issue 17.12) -------------


def test_every_path_option_and_argument_completes_file_names():
    """Structural: any parameter shown as PATH or FILE, in any command, gives the shell
    "complete file names" — so a command added later cannot forget it."""
    import click

    from safesm.cli import COMMANDS, cli

    found = []

    def walk(cmd: click.Command, ctx: click.Context) -> None:
        for param in cmd.get_params(ctx):
            metavar = param.make_metavar(ctx) if isinstance(param, click.Argument) \
                else (param.metavar or "")
            if ("PATH" in metavar or "FILE" in metavar) and not metavar.endswith("/"):  # not a
                # secret-name prefix (--prefix PATH/)
                items = param.shell_complete(ctx, "")
                assert [i.type for i in items] == ["file"], (ctx.command_path, param.name)
                found.append((ctx.command_path, param.name))
        if isinstance(cmd, click.Group):
            for name in cmd.list_commands(ctx):
                sub = cmd.get_command(ctx, name)
                walk(sub, click.Context(sub, info_name=name, parent=ctx,
                                        **sub.context_settings))

    # contexts as a real run makes them (-h and --help): click caches each command's help
    # option, and the man page test in this process must see the real one
    root = click.Context(cli, info_name="safesm", **cli.context_settings)
    for name in COMMANDS:
        sub = cli.get_command(root, name)
        walk(sub, click.Context(sub, info_name=name, parent=root, **sub.context_settings))
    paths = {p for p, _ in found}
    assert {"safesm put", "safesm policy apply", "safesm policy lint", "safesm history scan",
            "safesm history scrub"} <= paths, found


def test_file_option_completion_is_a_file_request():
    assert completions("put", "db/a", "--file", incomplete="ke") == [("file", "ke")]
    assert completions("policy", "lint", "--file") == [("file", "")]
    assert completions("history", "scan", "one.hist", incomplete="/tm") == [("file", "/tm")]
