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


def _private_beam_names(path: Path) -> list:
    """Names starting with an underscore imported from apache_beam, or read as attributes of an apache_beam
    module or class the file imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found, beam_names = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "apache_beam":
            found += [alias.name for alias in node.names if alias.name.startswith("_")]
            beam_names.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            beam_names.update((alias.asname or alias.name).split(".")[0] for alias in node.names
                              if alias.name.split(".")[0] == "apache_beam")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            root = node.value
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and root.id in beam_names:
                found.append(node.attr)
    return found


def test_no_private_beam_names():
    """STANDARDS: never depend on a library's private names (pyproject pins Beam to a minor range only)."""
    offenders = {str(path.relative_to(ROOT)): names for path in [*(ROOT / "pipelines").rglob("*.py"),
                                                                 ROOT / "beam_runner.py"]
                 if (names := _private_beam_names(path))}
    assert not offenders, offenders
