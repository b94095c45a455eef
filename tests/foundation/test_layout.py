"""The project's layout (issue 15): rooms a newcomer can find, and no import circles.

Read from the source with `ast`, so a circle hidden in a function-level import counts too.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("jdrenda", "deputies", "activities", "proposals", "supervision")
SKIP = {"migrations"}


def _modules() -> dict[str, Path]:
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if SKIP & set(path.relative_to(ROOT).parts):
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules `name` imports, at any level of the file."""
    is_package = path.name == "__init__.py"
    base = name.split(".") if is_package else name.split(".")[:-1]
    targets = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                parts = base[: len(base) - (node.level - 1)]
                module = ".".join(parts + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            for alias in node.names:
                if f"{module}.{alias.name}" in modules:
                    targets.add(f"{module}.{alias.name}")
                elif module in modules:
                    targets.add(module)
        elif isinstance(node, ast.Import):
            targets |= {alias.name for alias in node.names if alias.name in modules}
    targets.discard(name)
    return targets


def import_circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, circles = {}, {}, set(), [], []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    circles.append(sorted(component))
    return circles


def test_the_circle_finder_sees_a_circle():
    # The check below is only as good as this finder: a known circle must be reported.
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert import_circles(graph) == [["a", "b", "c"]]
    assert import_circles({"a": {"b"}, "b": set()}) == []


def test_no_two_modules_import_each_other_in_a_circle():
    modules = _modules()
    graph = {name: _imports(name, path, modules) for name, path in modules.items()}
    assert import_circles(graph) == []


def test_supervision_top_level_holds_only_the_rules_and_the_app_boundary():
    allowed_modules = {"__init__", "admin", "apps", "models", "rules", "tasks", "urls"}
    top = ROOT / "supervision"
    modules = {p.stem for p in top.glob("*.py")}
    assert modules <= allowed_modules, sorted(modules - allowed_modules)
    # models.py only gathers the rooms' models.
    tree = ast.parse((top / "models.py").read_text(encoding="utf-8"))
    assert not [node.name for node in tree.body if isinstance(node, ast.ClassDef)]


def test_every_room_says_in_its_opening_line_what_lives_there():
    for app in ("supervision", "activities"):
        for init in sorted((ROOT / app).glob("*/__init__.py")):
            if init.parent.name in {"migrations", "management", "templatetags"}:
                continue
            doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
            assert doc and len(doc) > 20, f"{init.parent.name}/ has no opening docstring"


def test_no_file_name_carries_a_capability_as_a_prefix():
    # `self_report_views.py`, `closing_middleware.py`: the room is the folder, not the prefix.
    roles = ("views", "forms", "urls", "services", "selectors", "middleware")
    offenders = [
        str(path.relative_to(ROOT))
        for app in ("supervision", "activities")
        for path in (ROOT / app).rglob("*_*.py")
        if path.stem.endswith(tuple(f"_{role}" for role in roles))
        and "migrations" not in path.parts
    ]
    assert offenders == []
