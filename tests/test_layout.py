"""DESIGN.md's rule: only pipelines/ imports apache_beam; the other packages are plain Python."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _imported_modules(path: Path) -> set:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


@pytest.mark.parametrize("package", ["tokenmill", "corpus", "filters", "tokenization", "reporting"])
def test_plain_packages_never_import_beam(package):
    offenders = [str(path.relative_to(ROOT)) for path in (ROOT / package).rglob("*.py")
                 if any(name.split(".")[0] == "apache_beam" for name in _imported_modules(path))]
    assert not offenders, f"apache_beam imported in {offenders}"
