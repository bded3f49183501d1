"""Beam coders for Document, Rejected and ErrorRecord (corpus/document_codec.py does the bytes).

Without them Beam's fallback coder pickled every document that crossed from one fused stage to the
next, and pickled whole batches again only to estimate their size. Registered here for their
classes, they reach a PCollection through type hints (`with_output_types`): a batch of documents is
`List[Document]`, which Beam codes as a list of these. `estimate_size` never encodes.
"""
from __future__ import annotations

import apache_beam as beam

from corpus.document import Document, ErrorRecord, Rejected
from corpus.document_codec import decoder, encoder, size_estimate


class _RecordCoder(beam.coders.Coder):
    kind: type

    def __init__(self):
        self._encode, self._decode = encoder(self.kind), decoder(self.kind)

    def encode(self, value) -> bytes:
        return self._encode(value)

    def decode(self, encoded: bytes):
        return self._decode(encoded)

    def estimate_size(self, value) -> int:
        return size_estimate(value)

    def is_deterministic(self) -> bool:
        return False            # equal dicts in another key order give other bytes; never a shuffle key

    def __eq__(self, other) -> bool:
        return type(self) is type(other)

    def __hash__(self) -> int:
        return hash(type(self))

    def __reduce__(self):
        return type(self), ()


class DocumentCoder(_RecordCoder):
    kind = Document


class RejectedCoder(_RecordCoder):
    kind = Rejected


class ErrorRecordCoder(_RecordCoder):
    kind = ErrorRecord


for _coder in (DocumentCoder, RejectedCoder, ErrorRecordCoder):
    beam.coders.registry.register_coder(_coder.kind, _coder)
