"""A tiny X11 clipboard owner for the tests, as a password manager is one: it serves text
together with extra targets such as ``x-kde-passwordManagerHint`` (which xclip cannot:
it serves one target at a time).

    python tests/x_selection_owner.py TARGET=VALUE ... < text

Reads the text from stdin, takes the CLIPBOARD selection on $DISPLAY, prints "owned" on
stdout once it owns it, and serves until another client takes the selection (or
`--seconds`, default 60, pass), then exits. Test-only (python-xlib, a dev dependency).
"""

from __future__ import annotations

import sys
import time

from Xlib import X, Xatom, display
from Xlib.protocol import event

TEXT_TARGETS = ("UTF8_STRING", "TEXT", "STRING", "text/plain", "text/plain;charset=utf-8")


def _answer(d: display.Display, request: event.SelectionRequest,
            data: dict[str, tuple[int, bytes]]) -> None:
    """Put the asked-for target on the requestor's property, then notify it."""
    target = d.get_atom_name(request.target)
    prop = request.property or request.target
    if target == "TARGETS":
        atoms = [d.intern_atom(name) for name in ("TARGETS", *data)]
        request.requestor.change_property(prop, Xatom.ATOM, 32, atoms)
    elif target in data:
        kind, value = data[target]
        request.requestor.change_property(prop, kind, 8, value)
    else:
        prop = X.NONE
    notify = event.SelectionNotify(time=request.time, requestor=request.requestor,
                                   selection=request.selection, target=request.target,
                                   property=prop)
    request.requestor.send_event(notify)
    d.flush()


def main(argv: list[str]) -> int:
    seconds = 60.0
    if argv[:1] == ["--seconds"]:
        seconds, argv = float(argv[1]), argv[2:]
    text = sys.stdin.buffer.read()
    d = display.Display()
    utf8 = d.intern_atom("UTF8_STRING")
    data = {name: (utf8, text) for name in TEXT_TARGETS}
    for pair in argv:
        name, _, value = pair.partition("=")
        data[name] = (d.intern_atom(name), value.encode())
    window = d.screen().root.create_window(0, 0, 1, 1, 0, X.CopyFromParent)
    clipboard = d.intern_atom("CLIPBOARD")
    window.set_selection_owner(clipboard, X.CurrentTime)
    if d.get_selection_owner(clipboard) != window:
        return 1
    print("owned", flush=True)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        while d.pending_events():
            ev = d.next_event()
            if ev.type == X.SelectionRequest:
                _answer(d, ev, data)
            elif ev.type == X.SelectionClear:
                return 0
        time.sleep(0.01)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
