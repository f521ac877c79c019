"""The static import graph of the theme's ES modules, for `<link rel="modulepreload">`.

Without hints a browser finds a module's imports only after it has fetched
that module, so every level of imports costs one more round trip on a phone
network. The search page lists every module its scripts import statically, so
the browser fetches the whole graph at once, in the first wave after the HTML.

The graph is read from the sources at build time: a module added to
theme/static/js/ (and imported) is listed without anyone editing a list, and
the sources stay plain, editable ES modules. Only relative static imports are
followed (`import … from "./x.js"`, `import "./x.js"`, `export … from "./x.js"`);
dynamic `import()` is left to load when it is needed. An import of a file that
does not exist stops the build.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import FacilitySiteError

# A static import or re-export at the start of a line; the clause may span lines.
STATIC_IMPORT = re.compile(
    r"""^[ \t]*(?:import|export)\b(?:[ \t]*|[ \t\n]+[\w$*{}, \t\n]*?\bfrom[ \t\n]*)["'](\.{1,2}/[^"'\n]+)["']""",
    re.M,
)


class ModuleGraphError(FacilitySiteError):
    """A theme module imports a file that does not exist."""


def static_imports(source: str) -> list[str]:
    """The relative specifiers a module imports statically, in source order."""
    return STATIC_IMPORT.findall(source)


def module_graph(static_root: str | Path, entries: list[str]) -> list[str]:
    """Every module reachable by static imports from `entries` (paths under static_root), entries first.

    Paths are POSIX paths relative to static_root, in the order first reached
    (breadth first), so the output is deterministic.
    """
    root = Path(static_root).resolve()
    order: list[str] = []
    queue = list(entries)
    problems = []
    while queue:
        path = queue.pop(0)
        if path in order:
            continue
        order.append(path)
        source_file = root / path
        try:
            source = source_file.read_text(encoding="utf-8")
        except OSError as exc:
            problems.append(f"{source_file}: cannot read ({exc.strerror})")
            continue
        for line_no, specifier in _imports_with_lines(source):
            target = (source_file.parent / specifier).resolve()
            if not target.is_file() or root not in target.parents:
                problems.append(f"{source_file}:{line_no}: import: {specifier} does not exist")
                continue
            queue.append(target.relative_to(root).as_posix())
    if problems:
        raise ModuleGraphError("search page modules:\n" + "\n".join(problems))
    return order


def _imports_with_lines(source: str) -> list[tuple[int, str]]:
    return [(source.count("\n", 0, m.start(1)) + 1, m.group(1)) for m in STATIC_IMPORT.finditer(source)]
