"""The house in layers: imports point down the floors declared in pyproject.toml
([tool.importlinter]), no import inside a function dodges a circle, and no module grows past
what a reader takes in."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("config", "web", "demo", "workflows", "documents", "permissions", "casework")
DOMAIN = ("workflows", "documents", "permissions", "casework")
LONGEST_MODULE = 800


def _modules(packages):
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_imports_point_down_the_floors():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([lint], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _first_party_imports_in_functions(tree: ast.AST):
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.ImportFrom) and inner.module:
                names = [inner.module]
            elif isinstance(inner, ast.Import):
                names = [alias.name for alias in inner.names]
            else:
                continue
            if any(name.split(".")[0] in PACKAGES for name in names):
                yield node.name, inner.lineno


def test_no_import_inside_a_function():
    """Django's app hooks (``apps.py``) load the app's own modules once the registry is ready;
    anywhere else an import inside a function would hide a circle from lint-imports."""
    found = []
    for path in _modules(PACKAGES):
        if path.name == "apps.py":
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        found += [
            f"{path.relative_to(ROOT)}:{line} in {function}()"
            for function, line in _first_party_imports_in_functions(tree)
        ]
    assert found == []


def test_no_domain_module_over_800_lines():
    long = [
        f"{path.relative_to(ROOT)}: {lines} lines"
        for path in _modules(DOMAIN)
        if (lines := len(path.read_text().splitlines())) > LONGEST_MODULE
    ]
    assert long == []
