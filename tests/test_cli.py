"""The command line: usage mistakes give one line and exit 2; runs print the funnel."""
import subprocess
import sys
import time
from pathlib import Path

import pytest
from apache_beam.io.localfilesystem import LocalFileSystem
from apache_beam.options.pipeline_options import S3Options

from beam_runner import main
from pipelines import filesystem_checks
from tests.fixtures import ARTICLE, write_jsonl

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def jsonl(tmp_path):
    return write_jsonl(tmp_path / "a.jsonl", [{"id": "1", "text": ARTICLE}])


@pytest.mark.parametrize("args, message", [
    (["--input", "/no/such/dir/*.warc.gz", "--output", "o"], "no files match /no/such/dir/*.warc.gz"),
    (["--input", "{jsonl}", "--format", "csv", "--output", "o"], "read.format must be one of auto, warc"),
    (["--input", "{jsonl}", "--output", "o", "--workers", "many"], "argument --workers: invalid int value"),
    (["--input", "{jsonl}", "--output", "o", "--temp_locaton", "x"], "unknown option --temp_locaton"),
    (["--input", "{jsonl}", "--output", "o", "--temp_loc", "x"], "unknown option --temp_loc"),   # no abbreviations
    (["--input", "{jsonl}", "--output", "o", "--num_workers", "abc"], "argument --num_workers: invalid int value"),
    # what the shell makes of an unquoted `--input dir/*.jsonl`: the second file must not be ignored
    (["--input", "{jsonl}", "{jsonl}.2", "--output", "o"], "unexpected argument '"),
    (["--input", "{jsonl}", "--output", "o", "--set", "normalize.min_char=3"],
     "unknown option 'normalize.min_char'"),
    (["--input", "{jsonl}", "--output", "o", "--config", "/no/such.yaml"], "cannot read config /no/such.yaml"),
    (["--input", "{jsonl}"], "no output"),
    (["--output", "o"], "no input"),
    (["--input", "{jsonl}", "--output", "o", "--runner", "NoSuchRunner"], "NoSuchRunner"),
    (["--input", "a={jsonl}", "--input", "b={jsonl}", "--output", "o"], "matches the inputs of two sources, a and b"),
    (["--input", "{jsonl}", "--output", "o", "--pii-ner-model", "xx_no_such_model_sm"], "pii.ner_model"),
])
def test_usage_errors_are_one_line_and_exit_2(args, message, jsonl, capsys):
    args = [arg.format(jsonl=jsonl) for arg in args]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("tokenmill: error: ") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize("args, message", [
    (["export", "megatron", "{tmp}", "{tmp}/dest"], "tokenmill export: error: no manifest.json in {tmp}"),
    (["export", "mds", "{tmp}", "{tmp}/dest", "--size-limit", "0"], "--size-limit must be positive, got 0"),
    (["export", "parquet", "{tmp}", "{tmp}/dest"], "tokenmill export: error: argument format: invalid choice"),
    (["inspect", "summary", "{tmp}/nowhere"], "tokenmill inspect: error: {tmp}/nowhere is not a directory"),
    (["inspect", "show", "{tmp}/no.shard"], "tokenmill inspect: error: "),
])
def test_plain_commands_share_the_usage_error_family(args, message, tmp_path, capsys):
    """export and inspect raise UsageError subclasses; beam_runner alone turns them into one line and 2."""
    assert main([arg.format(tmp=tmp_path) for arg in args]) == 2
    err = capsys.readouterr().err
    assert message.format(tmp=tmp_path) in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "dest").exists()


def test_unknown_file_suffix_asks_for_format(tmp_path, capsys):
    (tmp_path / "data.bin").write_bytes(b"x")
    assert main(["--input", str(tmp_path / "data.bin"), "--output", str(tmp_path / "o")]) == 2
    assert "pass --format" in capsys.readouterr().err


def test_config_file_and_overrides(tmp_path, jsonl, capsys):
    config = tmp_path / "run.yaml"
    config.write_text(f"inputs: ['{jsonl}']\nsource: notes\nnormalize:\n  min_chars: 10000\n"
                      "quality:\n  enabled: false\n")
    assert main(["run", "--config", str(config), "--output", str(tmp_path / "o"), "--workers", "1"]) == 0
    assert "normalize.too_short" in capsys.readouterr().out
    assert main(["run", "--config", str(config), "--output", str(tmp_path / "o"), "--workers", "1",
                 "--set", "normalize.min_chars=5"]) == 0
    assert "source notes: read 1 = kept 1" in capsys.readouterr().out


def test_beam_runner_script_and_demo_command(tmp_path):
    script = subprocess.run([sys.executable, str(ROOT / "beam_runner.py"), "demo", "--output",
                             str(tmp_path / "demo"), "--workers", "1"],
                            capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert script.returncode == 0, script.stderr[-2000:]
    assert "source web: read" in script.stdout and "[ok]" in script.stdout
    assert "MISMATCH" not in script.stdout
    assert any((tmp_path / "demo" / "documents").glob("*.parquet"))


@pytest.mark.parametrize("runner, message", [
    ("PortableRunner", "--runner PortableRunner needs --job_endpoint"),
    ("PrismRunner", "--prism_location naming a local file"),
    ("FlinkRunner", "--flink_job_server_jar naming a local file"),
    ("SparkRunner", "--spark_job_server_jar naming a local file"),
    ("InteractiveRunner", "--runner InteractiveRunner is not supported"),
    ("", "--runner is empty"),
])
def test_runner_without_its_job_service_is_refused_before_the_output_is_touched(runner, message, jsonl,
                                                                                 tmp_path, capsys):
    """Beam would fail inside pipeline.run() (after the previous output was cleared) or download a job
    server at run time."""
    out = tmp_path / "out"
    (out / "documents").mkdir(parents=True)
    (out / "manifest.json").write_text('{"previous": true}')
    assert main(["run", "--input", str(jsonl), "--output", str(out), f"--runner={runner}"]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert (out / "manifest.json").read_text() == '{"previous": true}' and (out / "documents").is_dir()


def test_a_job_server_named_by_a_url_is_still_a_download(jsonl, tmp_path, capsys):
    args = ["run", "--input", str(jsonl), "--output", str(tmp_path / "o"), "--runner", "FlinkRunner",
            "--flink_master", "localhost:8081", "--flink_job_server_jar", "https://example.org/job-server.jar"]
    assert main(args) == 2
    assert "--flink_job_server_jar naming a local file" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


class OptionsSeenFileSystem(LocalFileSystem):
    """options-seen://PATH: remembers the options FileSystems built it with, and lists nothing."""
    seen = []

    def __init__(self, pipeline_options):
        super().__init__(pipeline_options)
        OptionsSeenFileSystem.seen.append(pipeline_options)

    @classmethod
    def scheme(cls):
        return "options-seen"

    def match(self, patterns, limits=None):
        raise OSError("listing refused by the test filesystem")


def test_the_launchers_filesystem_checks_see_the_beam_options(tmp_path, capsys):
    """S3's client reads --s3_endpoint_url and its keys from the options: without them it raised
    'Must provide one of client or options' at launch."""
    OptionsSeenFileSystem.seen.clear()
    args = ["run", "--input", "options-seen://bucket/*.jsonl", "--output", str(tmp_path / "o"),
            "--s3_endpoint_url", "http://localhost:9"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "cannot list options-seen://bucket/*.jsonl: listing refused by the test filesystem" in err
    assert [options.view_as(S3Options).s3_endpoint_url for options in OptionsSeenFileSystem.seen][-1:] == \
        ["http://localhost:9"]


class SlowFileSystem(LocalFileSystem):
    """slow-answer://PATH: every look takes seconds, as gs:// does without network (its client retries)."""

    @classmethod
    def scheme(cls):
        return "slow-answer"

    def match(self, patterns, limits=None):
        time.sleep(5)
        return super().match(patterns, limits)

    def create(self, path, *args, **kwargs):
        time.sleep(5)
        raise OSError("unreachable")


@pytest.mark.parametrize("where, message", [
    (["--input", "slow-answer:///in/*.jsonl", "--output", "{tmp}/o"], "--input slow-answer:///in/*.jsonl: no answer"),
    (["--input", "{jsonl}", "--output", "slow-answer:///out"], "--output slow-answer:///out: no answer"),
])
def test_an_input_or_output_that_does_not_answer_is_one_line_soon(where, message, jsonl, tmp_path, capsys,
                                                                  monkeypatch):
    monkeypatch.setattr(filesystem_checks, "ANSWER_SECONDS", 0.5)
    started = time.monotonic()
    assert main(["run", *[arg.format(tmp=tmp_path, jsonl=jsonl) for arg in where]]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert time.monotonic() - started < 4


@pytest.mark.parametrize("scheme, module", [("hdfs", "hdfs"), ("azfs", "azure.storage.blob")])
def test_a_filesystem_without_its_package_is_named_in_one_line(scheme, module, jsonl, tmp_path, capsys):
    if filesystem_checks.package_installed(module):
        pytest.skip(f"{module} is installed here")
    assert main(["run", "--input", str(jsonl), "--output", str(tmp_path / "o"), "--reuse", f"{scheme}://a/b/c"]) == 2
    err = capsys.readouterr().err
    assert f"--reuse {scheme}://a/b/c: {scheme}:// paths need the {module} package" in err
    assert err.count("\n") == 1 and "Traceback" not in err
