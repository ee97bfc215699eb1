"""The shape of the code, enforced (issue 7, part 5): what import-linter cannot see.

- No file over 500 lines (migrations aside) and no function over 80 lines: a module has one job,
  a function tells one step.
- No ORM write outside the modules whose job is to write: services, background jobs and the few
  computations that store what they compute (listed below, each with its reason). Views, API
  handlers, selectors, forms and template tags parse, read and present.
- No function-level import (they hide cycles from import-linter), except in ``AppConfig.ready``.
- No template of a lower app loads a higher app's template tags: a lower app never names a higher
  one, in code or in templates (higher apps add to lower ones through ``core.registry``).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "reformledger"
MAX_FILE_LINES = 500
MAX_FUNCTION_LINES = 80

#: The apps from the bottom up: an app may use the tags of its own layer and the layers below.
LAYERS = [
    {"core"},
    {"org"},
    {"reforms"},
    {"supervision"},
    {"evaluation"},  # issue 10 (added by eval-results: its templates are the first the test met)
    {"tolerance", "casestudies"},  # issue 11 (as pyproject's import-linter layers)
    {"assessment"},  # issue 11
    {"cockpit", "portal", "api", "demo", "templates"},  # templates/: the project's own shell (base.html)
]

#: Modules whose job is to write, beyond ``services``: each stores what only it computes.
WRITERS = {
    "core/audit.py": "appends the audit chain",
    "core/versions.py": "records the cache versions with the audit entry",
    "core/bulk.py": "insert_new: the bulk insert its callers (the audit chain, the ledger import) ask for, COPY or bulk_create",
    "core/integrity.py": "save_unique: the save a service asked for, in a savepoint (a lost race on a unique value is a 422)",
    "core/tokens.py": "issues and revokes API tokens (audited)",
    "core/revocation.py": "revokes API tokens (audited; the admin action and a person's deactivation)",
    "core/admin.py": "the audited admin (Django's admin writes through ModelAdmin)",
    "org/admin.py": "the audited admin",
    "reforms/admin.py": "the audited admin",
    "supervision/admin.py": "the audited admin (retrying deliveries)",
    "supervision/scan.py": "the daily scan stores the levels and reminders it computes",
    "supervision/delivery.py": "marks deliveries sent, exactly once",
    "supervision/notify.py": "stores the inbox messages and reminders a write produces",
    "supervision/management/commands/worker.py": "the worker records the scan run it starts",
    "supervision/rollup.py": "rollup.store, the one writer of computed progress and levels (the services and the scan call it)",
    "supervision/spells.py": "opens and closes overdue spells, called only by rollup.store (issue 8: lateness is history)",
    "reforms/ledger/applying.py": "applies a checked ledger in bulk, all or nothing (the office's record; audited)",
    "reforms/ledger/uploads.py": "records an import's upload, its progress and its outcome",
}
WRITER_DIRS = ("/services/", "/migrations/", "/demo/")
WRITE_METHODS = {"save", "delete", "create", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
#: Receivers of ``save()``/``delete()`` that are not models: documents, workbooks, file storage, the session.
NOT_MODELS = r"(?i)document|workbook|storage|session|cache|^doc$|^wb$|file"
QUERYSET_HINTS = ("objects", "filter", "exclude", "all", "select_for_update", "_default_manager")


def python_files() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "/migrations/" not in str(p))


def relative(path: Path) -> str:
    return str(path.relative_to(SRC))


def is_writer(path: Path) -> bool:
    rel = "/" + relative(path)
    return (
        rel[1:] in WRITERS
        or any(part in rel for part in WRITER_DIRS)
        or rel.endswith(("/services.py", "/jobs.py", "/models.py"))
    )


def test_no_file_is_over_500_lines():
    long = {relative(p): n for p in python_files() if (n := len(p.read_text().splitlines())) > MAX_FILE_LINES}
    assert not long, f"split these by noun or step: {long}"


def test_no_function_is_over_80_lines():
    long = {}
    for path in python_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                size = (node.end_lineno or node.lineno) - node.lineno + 1
                if size > MAX_FUNCTION_LINES:
                    long[f"{relative(path)}:{node.name}"] = size
    assert not long, f"split these into named steps: {long}"


def _receiver_text(node: ast.AST) -> str:
    return ast.unparse(node)


def orm_writes(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        method, receiver = node.func.attr, _receiver_text(node.func.value)
        if method in WRITE_METHODS and (method in {"save", "delete"} or any(h in receiver for h in QUERYSET_HINTS)):
            if method in {"save", "delete"} and re.search(NOT_MODELS, receiver):
                continue
            found.append(f"{relative(path)}:{node.lineno} {receiver}.{method}()")
        elif method == "update" and any(re.search(rf"\b{h}\b", receiver) for h in QUERYSET_HINTS):
            found.append(f"{relative(path)}:{node.lineno} {receiver}.update()")
    return found


def test_orm_writes_only_in_services_and_jobs():
    writes = [w for path in python_files() if not is_writer(path) for w in orm_writes(path)]
    assert not writes, "move these writes into a service (or name the module in WRITERS with its reason):\n" + "\n".join(writes)


def test_no_function_level_imports():
    hidden = []
    for path in python_files():
        tree = ast.parse(path.read_text())
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if func.name == "ready" and relative(path).endswith("apps.py"):
                continue
            for node in ast.walk(func):
                if isinstance(node, ast.Import | ast.ImportFrom) and node is not func:
                    hidden.append(f"{relative(path)}:{node.lineno} in {func.name}()")
    # The command line sets Django up before anything of ours may be imported.
    hidden = [h for h in hidden if not h.startswith(("cli.py:", "__main__.py:", "settings.py:"))]
    assert not hidden, "imports inside functions hide cycles from import-linter:\n" + "\n".join(sorted(set(hidden)))


def tag_libraries() -> dict[str, str]:
    """``{library name: the app that defines it}``."""
    return {p.stem: p.parent.parent.name for p in SRC.glob("*/templatetags/*.py") if p.stem != "__init__"}


def layer_of(app: str) -> int:
    for index, layer in enumerate(LAYERS):
        if app in layer:
            return index
    raise AssertionError(f"{app} is in no layer of tests/test_architecture.py")


@pytest.mark.parametrize("template", sorted(SRC.glob("**/templates/**/*.html")), ids=lambda p: relative(p))
def test_templates_load_only_their_own_or_lower_apps_tags(template):
    libraries = tag_libraries()
    app = relative(template).split("/", 1)[0]
    owner = layer_of(app)
    for names in re.findall(r"{%\s*load\s+([^%]+?)\s*%}", template.read_text()):
        for name in names.split():
            if name in libraries:
                assert layer_of(libraries[name]) <= owner, f"{relative(template)} loads {name} of {libraries[name]}"


def test_no_kept_fragment_holds_a_csrf_token():
    """A fragment kept by ``cached_fragment`` is served to everyone who sees the same rows, whatever
    their session: a form in it takes its token as a late value (``{% late_csrf_token %}``), never
    ``{% csrf_token %}`` (it would be the first session's, refused for every other)."""
    named = set()
    for path in SRC.rglob("*.py"):
        for call in re.finditer(r"cached_fragment\(\s*\w+,\s*\"([^\"]+\.html)\"", path.read_text(encoding="utf-8")):
            named.add(call.group(1))
    assert "supervision/_board_results.html" in named
    offending = []
    for name in sorted(named):
        for template in SRC.glob(f"*/templates/{name}"):
            if re.search(r"{%\s*csrf_token\s*%}", template.read_text(encoding="utf-8")):
                offending.append(name)
    assert not offending, offending
