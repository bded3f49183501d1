"""The installed package must hold every source package, not only the ones an
editable install happens to expose (Dataflow workers install from an sdist)."""
import sys
from pathlib import Path

import setuptools

if sys.version_info >= (3, 11):
    import tomllib
else:                                  # the test extra installs tomli on 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent


def test_every_package_directory_is_installed():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    include = config["tool"]["setuptools"]["packages"]["find"]["include"]
    installed = set(setuptools.find_packages(where=ROOT, include=include))
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("tokenmill", "corpus", "filters", "tokenization", "reporting", "pipelines")
        for init in (ROOT / top).rglob("__init__.py")
    }
    assert on_disk <= installed, f"not installed: {sorted(on_disk - installed)}"
    assert {"tokenmill", "filters.pii", "filters.quality", "filters.dedup"} <= installed
