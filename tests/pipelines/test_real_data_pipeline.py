"""The pipeline over every real WARC, ARC, WET and JSONL file in ../shared/data/web."""
import io

from pipelines.config import load_config
from pipelines.run import run_curation
from tests.conftest import shared_data
from tests.outputs import counts


def test_real_crawl_files_are_accounted_for_exactly(tmp_path):
    web = shared_data("web")
    config = load_config(
        inputs=[f"{web}/*/*.warc.gz", f"{web}/*/*.arc", f"dolma={web}/dolma/*.jsonl.gz",
                f"hplt={web}/hplt_sample100/*.zst"],
        output=str(tmp_path / "out"), overrides=["read.text_field=[text, t]"])
    assert run_curation(config, [], workers=1, out=io.StringIO()) == 0
    sources = counts(tmp_path / "out")["sources"]
    assert sources["web"]["read"] == 630 - 1        # every record but the WET file's one
    assert sources["dolma"]["read"] == 717
    assert sources["hplt"]["read"] == 200
    for entry in sources.values():
        assert entry["read"] == entry["kept"] + entry["dropped"] + entry["errors"]
    assert sources["web"]["kept"] > 150
    assert any(reason.startswith("quality.") for reason in sources["dolma"]["drops"])
