"""A plugin reaches workers the way it would on Dataflow: as a staged package, installed by the worker's boot.

The plugin's modules are a tiny package built into an sdist here. The run goes to the PortableRunner
with an EXTERNAL worker pool in other processes whose environment has no trace of the package; the
pool runs tests/beam_boot.py per worker (Beam's container contract), which fetches the artifacts the job
staged with --extra_package and pip installs them, as the SDK container does. The launcher imports the
package from its source folder, as a user who installed it there would.
"""
import importlib
import io
import json
import subprocess
import sys
from pathlib import Path

import apache_beam as beam
import pytest

from pipelines.config import load_config
from pipelines.run import run_curation
from tests.beam_services import portable_services
from tests.outputs import counts, file_bytes, table_rows
from tests.pipelines.test_plugins import ODD_PLUGIN, PLUGIN_MODULE, _corpus, _entry

BOOT = str(Path(__file__).resolve().parents[1] / "beam_boot.py")
MODULES = ("zebra_filters", "odd_filter")
ENTRIES = [_entry(), {"name": "odd", "factory": "odd_filter:make", "after": "language"}]
SETUP = 'import setuptools\nsetuptools.setup(name="zebra-filters", version="0.1", py_modules={modules!r})\n'


@pytest.fixture
def plugin_package(tmp_path, monkeypatch):
    """The sdist of a package holding both plugins; its source folder on this process's sys.path only."""
    source = tmp_path / "zebra_package"
    source.mkdir()
    (source / "zebra_filters.py").write_text(PLUGIN_MODULE)
    (source / "odd_filter.py").write_text(ODD_PLUGIN)
    (source / "setup.py").write_text(SETUP.format(modules=list(MODULES)))
    subprocess.run([sys.executable, "setup.py", "-q", "sdist", "--dist-dir", str(tmp_path / "dist")],
                   cwd=source, check=True, capture_output=True)
    monkeypatch.syspath_prepend(str(source))
    (sdist,) = (tmp_path / "dist").glob("*.tar.gz")     # zebra_filters-0.1 or zebra-filters-0.1, by setuptools
    yield sdist
    for module in MODULES:
        sys.modules.pop(module, None)


def _workers_cannot_import(portable_args, module: str) -> str:
    with pytest.raises(Exception) as failure:
        with beam.Pipeline(argv=portable_args) as pipeline:
            _ = pipeline | beam.Create([module]) | beam.Map(importlib.import_module)
    return str(failure.value)


def _run(corpus, output, beam_args, workers=None):
    config = load_config(inputs=corpus, output=str(output), overrides=[
        "exact_dedup.enabled=false", "near_dedup.enabled=false", "tokenize.enabled=false",
        f"plugins={json.dumps(ENTRIES)}"])
    assert run_curation(config, beam_args, workers=workers, out=io.StringIO()) == 0
    return output


def test_a_plugin_staged_with_extra_package_runs_on_a_separate_worker_pool(plugin_package, tmp_path):
    corpus = _corpus(tmp_path)
    with portable_services(boot=BOOT) as portable_args:
        assert "No module named 'zebra_filters'" in _workers_cannot_import(portable_args, "zebra_filters")
        staged = portable_args + ["--extra_package", str(plugin_package), "--temp_location", str(tmp_path / "tmp")]
        portable = _run(corpus, tmp_path / "portable", staged)
    source = counts(portable)["sources"]["notes"]
    assert (source["read"], source["kept"], source["dropped"], source["errors"]) == (8, 4, 3, 1)
    assert source["read"] == source["kept"] + source["dropped"] + source["errors"]
    assert source["drops"] == {"zebra.mentions_zebra": 3} and source["error_types"] == {"odd.ValueError": 1}
    assert sorted((row["stage"], row["reason"], row["detail"]) for row in table_rows(portable, "rejected")) == [
        ("zebra", "mentions_zebra", f"{n} times") for n in (2, 4, 6)]
    assert [(row["stage"], row["error_type"]) for row in table_rows(portable, "errors")] == [("odd", "ValueError")]

    in_process = _run(corpus, tmp_path / "in_process", [], workers=1)
    assert file_bytes(in_process) == file_bytes(portable)
