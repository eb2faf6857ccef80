"""ARCHITECTURE.md's layering rules, read from the source: they fail when the shape drifts."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "safesm"
MAX_LINES = 420  # "under ~400 lines"


def modules() -> dict[str, Path]:
    out = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def imports_of(name: str, path: Path) -> set[str]:
    """Every safesm module this one imports (at any depth in the file)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(max(node.level - 1, 0)):
                base = base.rsplit(".", 1)[0]
            target = (f"{base}.{node.module}" if node.module else base) if node.level \
                else (node.module or "")
            found.add(target)
            found.update(f"{target}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def graph() -> dict[str, set[str]]:
    mods = modules()
    return {name: {m for m in imports_of(name, path) if m in mods and m != name}
            for name, path in mods.items()}


def test_no_import_cycles():
    edges = graph()
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                raise AssertionError("import cycle: " + " -> ".join([*trail, node, nxt]))
            if nxt not in state:
                visit(nxt, [*trail, node])
        state[node] = 2

    for name in sorted(edges):
        if name not in state:
            visit(name, [])


def test_no_command_module_imports_another():
    for name, deps in graph().items():
        if name.startswith("safesm.commands.") and not name.rsplit(".", 1)[1].startswith("_"):
            others = {d for d in deps if d.startswith("safesm.commands.")
                      and not d.rsplit(".", 1)[1].startswith("_")}  # _common, _options: shared
            assert not others, f"{name} imports {others}"


def test_operations_never_print_nor_use_click():
    for name, path in modules().items():
        if name.startswith("safesm.ops"):
            text = path.read_text()
            deps = imports_of(name, path)
            assert "click" not in deps and "safesm.commands" not in {
                d.rsplit(".", 1)[0] for d in deps}, name
            assert "print(" not in text and "sys.stdout" not in text, name


def test_only_the_aws_package_imports_botocore():
    for name, path in modules().items():
        deps = imports_of(name, path)
        if any(d == "botocore" or d.startswith("botocore.") for d in deps):
            assert name.startswith("safesm.aws"), name


def test_no_module_is_too_long():
    long = {n: len(p.read_text().splitlines()) for n, p in modules().items()}
    assert {n: c for n, c in long.items() if c > MAX_LINES} == {}


def test_no_function_is_over_50_lines():
    long = {f"{name}.{node.name}": node.end_lineno - node.lineno + 1
            for name, path in modules().items()
            for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.end_lineno and node.end_lineno - node.lineno + 1 > 50}
    assert long == {}
