"""The stage the launcher builds to check its side files is handed to a worker in the same process once,
and only for the same stage, config section and side-file contents (pipelines/stage_builders.py)."""
import dataclasses

from corpus.document import Document, Drop
from filters.url_filter import UrlFilterConfig, side_files
from pipelines.config import load_config
from pipelines.run import run_curation
from pipelines.stage_builders import WorkerBuild, check_stage
from pipelines.staging import Staging, read_side_files
from tests.fixtures import write_jsonl
from tests.outputs import table_rows


def _checked_and_staged(tmp_path, config: UrlFilterConfig) -> tuple:
    """What prepare_curation does for one stage: read its files, plan their staging, check (keeping it)."""
    files = side_files(config)
    contents = read_side_files(files)
    staging = Staging(str(tmp_path / "staged"), True, files, contents)
    staging.write()
    built = check_stage("url_filter", config, contents, staging.select(files))
    return built, staging.select(files)


def _lists(tmp_path, name: str, domains: str) -> UrlFilterConfig:
    path = tmp_path / name
    path.write_text(domains)
    return UrlFilterConfig(lists=[f"adult={path}"])


def test_a_worker_in_the_launchers_process_takes_the_checked_stage_once(tmp_path):
    config = _lists(tmp_path, "adult.txt", "blocked.example\n")
    built, staged = _checked_and_staged(tmp_path, config)
    first, second = WorkerBuild("url_filter", config, staged)(), WorkerBuild("url_filter", config, staged)()
    assert first is built
    assert second is not built                 # a second DoFn instance builds its own, as on any worker
    for stage in (first, second):
        assert isinstance(stage(Document(id="a", source="web", text="t", url="https://blocked.example/x")), Drop)
        assert isinstance(stage(Document(id="b", source="web", text="t", url="https://fine.example/x")), Document)


def test_another_config_section_never_takes_the_checked_stage(tmp_path):
    config = _lists(tmp_path, "adult.txt", "blocked.example\n")
    built, staged = _checked_and_staged(tmp_path, config)
    other = dataclasses.replace(config, soft_word_threshold=3)
    stage = WorkerBuild("url_filter", other, staged)()
    assert stage is not built and stage.config == other


def test_other_side_file_contents_never_take_the_checked_stage(tmp_path):
    config = _lists(tmp_path, "adult.txt", "blocked.example\n")
    built, _ = _checked_and_staged(tmp_path / "one", config)
    (tmp_path / "adult.txt").write_text("other.example\n")           # same path, new contents
    files = side_files(config)
    staging = Staging(str(tmp_path / "staged-two"), True, files, read_side_files(files))
    staging.write()
    stage = WorkerBuild("url_filter", config, staging.select(files))()
    assert stage is not built
    assert isinstance(stage(Document(id="a", source="web", text="t", url="https://other.example/")), Drop)
    assert isinstance(stage(Document(id="b", source="web", text="t", url="https://blocked.example/")), Document)


def test_two_runs_in_one_process_each_use_their_own_list_contents(tmp_path):
    """The same config and list path, the list changed between runs: the second run drops by the new list."""
    lists = tmp_path / "adult.txt"
    corpus = write_jsonl(tmp_path / "in.jsonl", [
        {"id": "a", "url": "https://first.example/page", "text": "A plain page about gardens. " * 40},
        {"id": "b", "url": "https://second.example/page", "text": "A plain page about rivers. " * 40}])
    kept = {}
    for blocked in ("first.example", "second.example"):
        lists.write_text(blocked + "\n")
        output = tmp_path / f"out-{blocked}"
        config = load_config(None, [f"url_filter.lists=['adult={lists}']", "tokenize.enabled=false",
                                    "near_dedup.enabled=false", "quality.enabled=false"],
                             inputs=[str(corpus)], output=str(output))
        assert run_curation(config, [], workers=1, progress=False) == 0
        kept[blocked] = sorted(row["url"] for row in table_rows(output, "documents"))
    assert kept == {"first.example": ["https://second.example/page"], "second.example": ["https://first.example/page"]}
