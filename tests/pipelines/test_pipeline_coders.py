"""Documents, rejected rows and errors leave every per-document step typed, so Beam codes and sizes them with
pipelines/coders.py. An untyped output falls back to FastPrimitivesCoder, which pickles each record it
meets, and Beam's size estimates meet a sample of every output, in the same fused stage or not."""
import json

import apache_beam as beam
import pytest

from corpus.demo_corpus import build_demo_corpus
from pipelines.config import load_config
from pipelines.run import prepare_curation

# The steps a document passes through, by a part of their full label, and the outputs that carry records:
# with dedup's decisions as side inputs (small inputs, as the demo's), and with the documents shuffled to
# them (larger inputs), which unbatches them and batches them again.
STEPS = ("ReadAndPrefix", "ParDo(_StageFn)", "ParDo(_ReusingStageFn)")
DOCUMENT_STEPS = {"side_input": STEPS + ("ParDo(_ApplyToBatch)",),
                  "shuffle": STEPS + ("ParDo(_ApplyDecision)", "Batch_", "Unbatch_")}
RECORD_OUTPUTS = ("None", "items", "kept", "rejected", "errors")
FALLBACK_CODERS = ("FastPrimitivesCoder", "PickleCoder")


class _Outputs(beam.pipeline.PipelineVisitor):
    def __init__(self):
        self.found = []

    def visit_transform(self, applied):
        for tag, pcoll in applied.outputs.items():
            self.found.append((applied.full_label, str(tag), beam.coders.registry.get_coder(pcoll.element_type)))


def _record_outputs(tmp_path, steps) -> list:
    benchmark = tmp_path / "bench.jsonl"
    benchmark.write_text(json.dumps({"question": "How many legs does a spider have on each side of its body"}) + "\n")
    config = load_config(inputs=build_demo_corpus(str(tmp_path / "corpus")), output=str(tmp_path / "out"),
                         overrides=[f"decontaminate.benchmarks=['quiz={benchmark}']"])
    outputs = _Outputs()
    prepare_curation(config, []).pipeline.visit(outputs)
    return [(label, tag, coder) for label, tag, coder in outputs.found
            if any(step in label for step in steps) and tag in RECORD_OUTPUTS]


@pytest.mark.parametrize("join", sorted(DOCUMENT_STEPS))
def test_no_document_step_output_falls_back_to_pickling(join, tmp_path, monkeypatch):
    if join == "shuffle":
        monkeypatch.setattr("pipelines.curate.JOIN_BY_SIDE_INPUT_MAX_INPUT_BYTES", -1)
    found = _record_outputs(tmp_path, DOCUMENT_STEPS[join])
    labels = " ".join(label for label, _, _ in found)
    assert all(step in labels for step in DOCUMENT_STEPS[join]), labels
    # the demo config: the prefix and three stages (kept, rejected, errors each), dedup's join (kept,
    # rejected) and, shuffled, a batching and an unbatching
    assert len(found) >= {"side_input": 14, "shuffle": 16}[join], found
    pickled = [(label, tag, repr(coder)) for label, tag, coder in found
               if any(name in repr(coder) for name in FALLBACK_CODERS)]
    assert pickled == []
