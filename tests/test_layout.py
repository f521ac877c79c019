"""The plugin's folder tree is its architecture: no import circles, no reaching into private names.

Read from the source with ast, so a new module is covered without listing it here.
"""

from __future__ import annotations

import ast
from pathlib import Path

from sitebuild import ROOT

PACKAGE = ROOT / "plugins" / "facility_site"
# Output parts: each plugs into the generator through SiteOutput and knows no other part.
PARTS = {"compare", "glossary", "search", "visit"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> list[tuple[str, list[str]]]:
    """(module imported, names taken from it) for every facility_site import in the file."""
    name = module_name(path)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("facility_site"):
                names = [alias.name for alias in node.names]
                # `from . import templating` imports a module, not a name.
                modules = [f"{target}.{n}" for n in names if (PACKAGE.parent / f"{target}.{n}".replace(".", "/")).with_suffix(".py").exists()]
                found.extend((m, []) for m in modules)
                if len(modules) < len(names):
                    found.append((target, [n for n in names if f"{target}.{n}" not in modules]))
        elif isinstance(node, ast.Import):
            found.extend((alias.name, []) for alias in node.names if alias.name.startswith("facility_site"))
    return found


def graph() -> dict[str, dict[str, list[str]]]:
    return {module_name(p): {t: n for t, n in imports_of(p)} for p in sorted(PACKAGE.rglob("*.py"))}


def test_the_parser_sees_the_known_edges():
    edges = graph()
    assert "facility_site.pages.output" in edges["facility_site.compare.pages"]
    assert "facility_site.pages.templating" in edges["facility_site.plugin"]
    assert edges["facility_site.search.page"]["facility_site.search.data"]  # names taken from it


def test_no_module_imports_another_modules_private_names():
    offenders = [
        f"{module} imports {name} from {target}"
        for module, targets in graph().items()
        for target, names in targets.items()
        for name in names
        if name.startswith("_") and name != "__version__"
    ]
    assert offenders == []


def test_there_are_no_import_circles():
    imports = graph()
    edges = {module: {t for t in targets if t in imports} for module, targets in imports.items()}
    cycles = []
    state: dict[str, int] = {}

    def visit(module: str, stack: list[str]) -> None:
        state[module] = 1
        for target in sorted(edges.get(module, ())):
            if state.get(target) == 1:
                cycles.append(" → ".join(stack[stack.index(target) :] + [target]))
            elif target not in state:
                visit(target, stack + [target])
        state[module] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_output_parts_know_neither_each_other_nor_the_generator():
    for module, targets in graph().items():
        part = module.split(".")[1] if module.count(".") >= 2 else None
        if part not in PARTS:
            continue
        for target in targets:
            other = target.split(".")[1] if target.count(".") >= 1 else None
            assert other not in PARTS - {part}, f"{module} imports {target}"
            assert target != "facility_site.pages.generator", f"{module} imports the generator"
