"""Documents, rejected rows and errors leave every per-document step typed, so Beam codes and sizes them with
pipelines/coders.py. An untyped output falls back to FastPrimitivesCoder, which pickles each record it
meets, and Beam's size estimates meet a sample of every output, in the same fused stage or not."""
import json

import apache_beam as beam

from corpus.demo_corpus import build_demo_corpus
from pipelines.config import load_config
from pipelines.run import prepare_curation

# The steps a document passes through, by a part of their full label, and the outputs that carry records.
DOCUMENT_STEPS = ("ReadAndPrefix", "ParDo(_StageFn)", "ParDo(_ReusingStageFn)", "Batch_", "Unbatch_")
RECORD_OUTPUTS = ("None", "items", "kept", "rejected", "errors")
FALLBACK_CODERS = ("FastPrimitivesCoder", "PickleCoder")


class _Outputs(beam.pipeline.PipelineVisitor):
    def __init__(self):
        self.found = []

    def visit_transform(self, applied):
        for tag, pcoll in applied.outputs.items():
            self.found.append((applied.full_label, str(tag), beam.coders.registry.get_coder(pcoll.element_type)))


def _record_outputs(tmp_path) -> list:
    benchmark = tmp_path / "bench.jsonl"
    benchmark.write_text(json.dumps({"question": "How many legs does a spider have on each side of its body"}) + "\n")
    config = load_config(inputs=build_demo_corpus(str(tmp_path / "corpus")), output=str(tmp_path / "out"),
                         overrides=[f"decontaminate.benchmarks=['quiz={benchmark}']"])
    outputs = _Outputs()
    prepare_curation(config, []).pipeline.visit(outputs)
    return [(label, tag, coder) for label, tag, coder in outputs.found
            if any(step in label for step in DOCUMENT_STEPS) and tag in RECORD_OUTPUTS]


def test_no_document_step_output_falls_back_to_pickling(tmp_path):
    found = _record_outputs(tmp_path)
    labels = " ".join(label for label, _, _ in found)
    assert all(step in labels for step in DOCUMENT_STEPS), labels
    assert len(found) >= 15, found      # the demo config: the prefix, four stages and two batchings
    pickled = [(label, tag, repr(coder)) for label, tag, coder in found
               if any(name in repr(coder) for name in FALLBACK_CODERS)]
    assert pickled == []
