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


def _pins_by_package() -> dict:
    """Package -> [(where, SpecifierSet)] over the dependencies and every extra, markers of this Python."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    groups = {"dependencies": project["dependencies"], **project["optional-dependencies"]}
    pins: dict = {}
    for where, lines in groups.items():
        for line in lines:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate():
                pins.setdefault(canonicalize_name(requirement.name), []).append((where, requirement.specifier))
    return pins


def test_the_extras_pins_admit_one_version_together():
    """`pip install -e '.[every,extra]'` can only resolve if, for each package two extras both name, some
    version meets every range. A range's versions bound it, so one of them (or 0) is in the intersection."""
    conflicts = {}
    for package, pins in _pins_by_package().items():
        candidates = {"0", *(spec.version for _, specifier in pins for spec in specifier)}
        if not any(all(specifier.contains(version, prereleases=True) for _, specifier in pins)
                   for version in candidates):
            conflicts[package] = [f"{where}: {specifier}" for where, specifier in pins]
    assert not conflicts, conflicts
    assert len(_pins_by_package()["apache-beam"]) >= 3     # the base, gcp, aws and test name it


def test_the_installed_environment_meets_every_pin_it_installed():
    """Transitive pins are pip's to resolve (`make check-installs` asks PyPI); offline, pip check proves the
    environment the tests run in (dependencies + test extra) is consistent, and each direct pin holds."""
    from importlib.metadata import PackageNotFoundError, version
    import subprocess
    check = subprocess.run([sys.executable, "-m", "pip", "check"], capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr
    for package, pins in _pins_by_package().items():
        try:
            installed = version(package)
        except PackageNotFoundError:
            continue
        for where, specifier in pins:
            if where in ("dependencies", "test"):
                assert specifier.contains(installed, prereleases=True), f"{package} {installed}: {where} {specifier}"


def test_the_datatrove_peer_stays_out_of_the_extras():
    """datatrove[processing] pins trafilatura < 1.12 and the test extra wants >= 1.12: the peer has its own
    environment (bench/datatrove-requirements.txt, `make bench`), and no extra may name it."""
    assert "datatrove" not in _pins_by_package()
    lines = (ROOT / "bench" / "datatrove-requirements.txt").read_text().splitlines()
    assert any(line.startswith("datatrove[processing]") for line in lines)
    trafilatura = [specifier for where, specifier in _pins_by_package()["trafilatura"] if where == "test"]
    assert trafilatura and not trafilatura[0].contains("1.11.0")
