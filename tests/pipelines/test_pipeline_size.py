"""The run's small summaries (profiles, accounting, shard counts, the benchmark index, near dedup's
components) reach one step as side inputs: no global combine, whose default and un-keying cost three
fused stages each. Every transform costs construction and translation time on every run."""
import json

from corpus.demo_corpus import build_demo_corpus
from pipelines.config import load_config
from pipelines.run import prepare_curation

SUMMARIES = ("WriteProfiles", "Accounting", "WriteOutputs", "BenchmarkIndex", "PlansAndManifest", "dedup")
# What Beam's global combines (CombineGlobally, ToList, Distinct's default) expand into.
GLOBAL_COMBINE_PARTS = ("CombineGlobally", "ToList", "DoOnce", "InjectDefault", "KeyWithVoid", "UnKey")


def _leaves(tmp_path) -> list:
    benchmark = tmp_path / "bench.jsonl"
    benchmark.write_text(json.dumps({"question": "How many legs does a spider have on each side of its body"}) + "\n")
    config = load_config(inputs=build_demo_corpus(str(tmp_path / "corpus")), output=str(tmp_path / "out"),
                         overrides=[f"decontaminate.benchmarks=['quiz={benchmark}']"])
    proto = prepare_curation(config, []).pipeline.to_runner_api()
    return [transform.unique_name for transform in proto.components.transforms.values()
            if not transform.subtransforms]


def test_summaries_take_no_global_combine_and_the_pipeline_stays_small(tmp_path):
    leaves = _leaves(tmp_path)
    summaries = [name for name in leaves if name.split("/")[0] in SUMMARIES]
    assert {name.split("/")[0] for name in summaries} == set(SUMMARIES)
    assert [name for name in summaries if any(part in name for part in GLOBAL_COMBINE_PARTS)] == []
    assert len(leaves) < 150, len(leaves)
