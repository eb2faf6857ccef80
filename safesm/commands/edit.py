"""`safesm edit`: change a secret in $VISUAL/$EDITOR, from a private file in memory.

The file lives in a fresh 0700 directory on tmpfs ($XDG_RUNTIME_DIR or /dev/shm; disk only
with --allow-disk-tmp) and is removed however the edit ends. The write is a
compare-and-swap against the version opened. The edge is safesm/editor.py; the reading,
checking and writing are in safesm/ops/edit.py.
"""

from __future__ import annotations

import click

from .. import editor, hardening
from ..errors import InvalidValueError, NotConfirmed
from ..ops import edit as ops
from ..runtime import Runtime
from ..values import MAX_VALUE_BYTES, SecretValue
from ._common import change_json_option, command, name_argument, pass_runtime, report_change


def _edited(rt: Runtime, argv: list[str], path: str, opened: ops.Opened) -> SecretValue | None:
    """Run the editor until it leaves something writable (a terminal may edit again after a
    JSON mistake); None when nothing changed."""
    while True:
        status = editor.run_editor(argv, path)
        if status != 0:
            raise NotConfirmed(f"the editor exited with status {status}; nothing was written.")
        try:
            return ops.prepare(opened, editor.read_edited(path, MAX_VALUE_BYTES))
        except InvalidValueError as err:
            if not rt.env.stdin_isatty:
                raise
            from ..prompt import confirm

            rt.env.say(f"safesm: {err.message}")
            if not confirm("Edit it again?"):
                raise


@command()
@name_argument
@click.option("--field", metavar="KEY", help="Edit one field of a JSON secret.")
@click.option("--allow-disk-tmp", is_flag=True,
              help="Accept a disk-backed temporary directory when no tmpfs is available.")
@change_json_option
@pass_runtime
def edit(rt: Runtime, name: str, field: str | None, allow_disk_tmp: bool,
         as_json: bool) -> None:
    """Edit secret NAME in $VISUAL/$EDITOR, from a private file in memory.

    Writes only if the content changed, only as valid JSON when it was JSON, and only if
    NAME is still at the version opened (else exit 5). The file is removed afterwards,
    also on Ctrl-C and when the editor fails.
    """
    base, in_memory = editor.choose_dir(rt.env.environ, allow_disk_tmp)  # before any call
    argv = editor.editor_command(rt.env.environ)
    if not in_memory:
        rt.warn(f"no tmpfs found: the value goes to a private file on disk under {base} while "
                "you edit (removed afterwards, but disks may keep copies).")
    hardening.protect_process()
    store = rt.store()
    opened = ops.open_value(store, name, field)
    rt.hold(opened.whole)
    rt.hold(SecretValue(opened.text))
    with editor.private_file(base, opened.text, opened.suffix) as path:
        new = _edited(rt, argv, path, opened)
    if new is None:
        report_change(rt, as_json, f"No change to {name}; nothing was written.", name, "edit",
                      False, field=field)
        return
    rt.hold(new)
    result = ops.save(store, opened, new)
    what = f"field {field!r} of {name}" if field else name
    report_change(rt, as_json, f"Updated {what} (version {result.version_id}).", name, "edit",
                  field=field, version_id=result.version_id)
