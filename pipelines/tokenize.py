"""Tokenize curated documents into Arrow token shards (DESIGN.md, "Tokenization").

    the kept documents' batches (as the filters left them, not batched again)
      -> [the given model, read where it was staged, its engine chosen on the launcher
          (pipelines/tokenize_check.py) | trained on a seeded sample, its engine checked on that sample]
         -> Model: one step writes tokenizer.model and gives the model, its description and the layout
      -> Encode each batch (ids in the shard's dtype); token counts per source and language from the lengths
      -> CountPerSource -> PerSource: the manifest's language rows, and one marker per shard
      -> AssignShards: range-partition by id hash, one part per shard per batch
      -> per shard: sort, copy the ids once into rows of seq_len, write the .arrow file atomically,
         with the ids of the documents each row holds

Shards are range partitions of the id-hash order, so shard 0, 1, ... of a
source concatenated are the source's documents in one global order, whatever
the runner or bundle sizes. Each shard packs on its own: its last partial row
is dropped or padded (one tail per shard, counted), which is what lets shards
be written in parallel. Encoded documents travel as columns of bytes
(tokenization/encoded_docs.py), never as one element per document.

A given tokenizer is a side file: read and checked on the launcher, staged,
and read back by one step of the pipeline (never carried inside the job graph).
"""
from __future__ import annotations

import time

import apache_beam as beam
import numpy as np
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics

from corpus.document import text_bytes
from pipelines.atomic_files import write_atomically
from pipelines.stage import COUNTER_NAMESPACE
from pipelines.staging import StagedFile, fetch
from tokenization.encoded_docs import EncodedDocs
from tokenization.encoding import Framing, frame_flat
from pipelines.tokenize_check import ENGINE_CHECK_BYTES, warn_on_fallback
from tokenization.engines import EngineChoice, cached_encoder, choose_engine, needs_check
from tokenization.manifest import TOKENIZER_PATH, TOKENS_DIR
from tokenization.packing import pack_stream, stream_length
from tokenization.sentencepiece_model import describe
from tokenization.settings import TokenizeConfig
from tokenization.shard_format import (FORMAT_VERSION, TOKEN_DTYPES, shard_name, token_checksum,
                                       token_dtype_for, write_shard)
from tokenization.training import sample_key, sample_prefix, take_sample, train_model

_ENCODE_MICROS = Metrics.counter(COUNTER_NAMESPACE, "time_us.tokenize")
_SAMPLE_COMPACT_EVERY = 4096


class _SampleTexts(beam.CombineFn):
    """The smallest-key documents that fit the sample size: the same sample on any runner."""

    def __init__(self, sample_bytes: int):
        self._bytes = sample_bytes

    def create_accumulator(self):
        return []

    def add_input(self, sample, item):
        sample.append(item)
        return take_sample(sample, self._bytes) if len(sample) % _SAMPLE_COMPACT_EVERY == 0 else sample

    def merge_accumulators(self, samples):
        return take_sample([item for sample in samples for item in sample], self._bytes)

    def extract_output(self, sample):
        return [text for _, _, text in take_sample(sample, self._bytes)]


def _train(texts: list, settings):
    if texts:                       # no documents: no tokenizer, and an empty manifest says so
        yield train_model(texts, settings)


class TextSample(beam.PTransform):
    """Batches of documents -> one element: the texts of the smallest-key documents that fit
    `sample_bytes`, in key order."""

    def __init__(self, sample_bytes: int):
        super().__init__()
        self._bytes = sample_bytes

    def expand(self, batches):
        return (batches
                | "KeyForSample" >> beam.FlatMap(lambda batch: [(sample_key(doc.id), doc.id, doc.text) for doc in batch])
                | "Sample" >> beam.CombineGlobally(_SampleTexts(self._bytes)))


MODEL_OUTPUTS = ("tokenizer", "layout", "tokenizer_file")


class _ModelFn(beam.DoFn):
    """The model, given (read from where it was staged) or trained, in one step: its file written, and
    out as {"model": bytes, "info": description with the engine} for the steps that encode and write
    (main output), the description ("tokenizer"), the shards' layout ("layout") and the file's path
    ("tokenizer_file")."""

    def __init__(self, output: str, config: TokenizeConfig, given: StagedFile | None, engine: dict | None):
        self._output, self._config, self._given, self._engine = output, config, given, engine

    def process(self, trained, sample=()):
        model = fetch(self._given) if self._given is not None else trained
        engine = self._engine or _choose_engine(model, list(sample), self._config.engine)
        info = {**describe(model).to_dict(), "engine": engine}
        write_atomically(FileSystems.join(self._output, TOKENIZER_PATH), lambda handle: handle.write(model))
        yield {"model": model, "info": info}
        yield beam.pvalue.TaggedOutput("tokenizer", info)
        yield beam.pvalue.TaggedOutput("layout", _layout(info, self._config))
        yield beam.pvalue.TaggedOutput("tokenizer_file", TOKENIZER_PATH)


def _choose_engine(model: bytes, sample: list, requested: str) -> dict:
    """A trained model's engine, checked on the first ENGINE_CHECK_BYTES of its training sample."""
    choice = choose_engine(requested, model, sample_prefix(sample, ENGINE_CHECK_BYTES))
    warn_on_fallback(choice)
    return choice.to_dict()


def _framing(info: dict, config: TokenizeConfig) -> Framing:
    return Framing(info["bos_id"] if config.add_bos else -1, info["eos_id"] if config.add_eos else -1)


def _layout(info: dict, config: TokenizeConfig) -> dict:
    """How the shards are laid out: fixed by the model and the config, written into every shard."""
    pad = config.pad_id if config.pad_id >= 0 else info["pad_id"] if info["pad_id"] >= 0 else max(info["eos_id"], 0)
    framing = _framing(info, config)
    return {"format_version": FORMAT_VERSION, "seq_len": config.seq_len, "tail": config.tail,
            "token_dtype": token_dtype_for(info["vocab_size"], config.token_dtype),
            "tokenizer_sha256": info["sha256"], "vocab_size": info["vocab_size"],
            "bos_id": framing.bos_id, "eos_id": framing.eos_id, "pad_id": pad}


class _EncodeFn(beam.DoFn):
    """A batch of documents -> per source: (source, encoded columns, ids already in the shard's dtype),
    and on "counts" (source, (tokens, [(lang, (docs, text bytes, tokens))])). The engine loads once per
    worker; counting happens here, on the lengths."""

    def __init__(self, config: TokenizeConfig):
        self._config = config

    def process(self, batch, model):
        start = time.perf_counter()
        outputs = list(self._encoded(batch, model))
        # timed before anything is yielded: what a yielded element runs next is not the encoding's time
        _ENCODE_MICROS.inc(int((time.perf_counter() - start) * 1e6))
        yield from outputs

    def _encoded(self, batch, model):
        info = model["info"]
        framing = _framing(info, self._config)
        encoder = cached_encoder(model["model"], info["engine"]["used"])
        dtype = TOKEN_DTYPES[token_dtype_for(info["vocab_size"], self._config.token_dtype)]
        for source, docs in _by_source(batch).items():
            flat, lengths = frame_flat(*encoder.encode([doc.text for doc in docs]), framing)
            encoded = EncodedDocs(np.fromiter((sample_key(doc.id) for doc in docs), np.uint64, len(docs)),
                                  [doc.id for doc in docs], lengths, flat.astype(dtype, copy=False))
            yield source, encoded.to_element()
            yield beam.pvalue.TaggedOutput("counts", (source, (int(lengths.sum()), _languages(docs, lengths.tolist()))))


def _by_source(batch) -> dict:
    groups = {}
    for doc in batch:
        groups.setdefault(doc.source, []).append(doc)
    return groups


def _languages(docs: list, lengths: list) -> list:
    sums = {}
    for doc, tokens in zip(docs, lengths):
        lang = doc.annotations.get("lang")
        lang = "und" if lang is None else lang          # a plugin may set None: unknown, as when absent
        documents, size, count = sums.get(lang, (0, 0, 0))
        sums[lang] = (documents + 1, size + text_bytes(doc.text), count + tokens)
    return sorted(sums.items())


def _sum_counts(counts) -> tuple:
    """(tokens, [(lang, (docs, text bytes, tokens))]) summed: a source's whole count from its batches'."""
    tokens, languages = 0, {}
    for count, per_language in counts:
        tokens += count
        for lang, triple in per_language:
            languages[lang] = tuple(a + b for a, b in zip(languages.get(lang, (0, 0, 0)), triple))
    return tokens, sorted(languages.items())


def _shard_count(tokens: int, shard_tokens: int) -> int:
    return max(1, -(-tokens // shard_tokens))


def _per_source(source_count, shard_tokens: int):
    """A source's counts -> its rows for the manifest, (source, lang, docs, text bytes, tokens), and on
    "markers" one empty marker per shard, so that a shard with no document is still written."""
    source, (tokens, languages) = source_count
    for lang, triple in languages:
        yield (source, lang, *triple)
    count = _shard_count(tokens, shard_tokens)
    for index in range(count):
        yield beam.pvalue.TaggedOutput("markers", ((source, index, count), None))


def _assign_shards(encoded, counts: dict, shard_tokens: int):
    source, columns = encoded
    count = _shard_count(counts[source][0], shard_tokens)
    if count == 1:                  # the batch as it came: no copy of its ids
        yield (source, 0, 1), columns
        return
    for index, part in EncodedDocs.from_element(columns).split_by_shard(count):
        yield (source, index, count), part.to_element()


class _WriteShardFn(beam.DoFn):
    def __init__(self, output: str, config: TokenizeConfig):
        self._output, self._config = output, config

    def process(self, keyed, model):
        (source, index, count), items = keyed
        layout = _layout(model["info"], self._config)
        seq_len, tail = layout["seq_len"], layout["tail"]
        parts = [EncodedDocs.from_element(item) for item in items if item is not None]
        stream = np.empty(stream_length(sum(part.token_count for part in parts), seq_len, tail),
                          TOKEN_DTYPES[layout["token_dtype"]])
        ids, lengths = EncodedDocs.copy_in_order(parts, stream)     # the one copy of the shard's ids
        packed = pack_stream(stream, lengths, seq_len, tail, layout["pad_id"])
        name = shard_name(source, index, count)
        counts = {"rows": packed.rows, "tokens": packed.rows * layout["seq_len"],
                  "documents": packed.documents, "pad_tokens": packed.pad_tokens,
                  "tail_tokens": packed.tail_tokens, "tail_documents": packed.tail_documents,
                  "cut_documents": packed.cut_documents}
        tokens = packed.tokens
        metadata = {**layout, "source": source, "shard_index": index, "shard_count": count, **counts,
                    "checksum": token_checksum(tokens)}
        doc_ids = [[ids[i] for i in row.tolist()] for row in packed.doc_index]
        continued = [ids[i] if i >= 0 else None for i in packed.continued.tolist()]
        path = FileSystems.join(self._output, TOKENS_DIR, name)
        write_atomically(path, lambda handle: write_shard(handle, tokens, packed.doc_starts, metadata,
                                                          doc_ids, continued))
        yield {"path": name, "source": source, "shard_index": index, "shard_count": count, **counts,
               "checksum": metadata["checksum"], "bytes": _size(path)}


def _size(path: str) -> int:
    return FileSystems.match([path])[0].metadata_list[0].size_in_bytes


class TokenizeDocuments(beam.PTransform):
    """Batches of documents -> dict of PCollections: shards (one info per file), tokenizer, languages,
    layout, and tokenizer_file (the model's path once written)."""

    def __init__(self, output: str, config: TokenizeConfig, given_model: StagedFile | None,
                 given_engine: EngineChoice | None = None):
        """`given_engine`: with a given model, the engine the launcher chose for it
        (pipelines/tokenize_check.py); a trained model's engine is checked here, on its training sample."""
        super().__init__()
        if (given_model is None) != (given_engine is None):
            raise ValueError("a given model comes with the engine chosen for it on the launcher, and only then")
        self._output, self._config, self._given, self._engine = output, config, given_model, given_engine

    def expand(self, batches):
        config = self._config
        model = self._model(batches)
        model_side = beam.pvalue.AsSingleton(model.model)
        encoded = batches | "Encode" >> beam.ParDo(_EncodeFn(config), model_side).with_outputs("counts", main="ids")
        counts = encoded.counts | "CountPerSource" >> beam.CombinePerKey(_sum_counts)
        per_source = counts | "PerSource" >> beam.FlatMap(_per_source, config.shard_tokens).with_outputs(
            "markers", main="languages")
        keyed = encoded.ids | "AssignShards" >> beam.FlatMap(_assign_shards, beam.pvalue.AsDict(counts),
                                                             config.shard_tokens)
        shards = ((keyed, per_source.markers) | "WithEmptyShards" >> beam.Flatten()
                  | "GroupShard" >> beam.GroupByKey()
                  | "WriteShard" >> beam.ParDo(_WriteShardFn(self._output, config), model_side))
        return {"shards": shards, "languages": per_source.languages,
                **{name: model[name] for name in MODEL_OUTPUTS}}

    def _model(self, batches):
        """The model step's outputs (_ModelFn): from the staged file, or trained on the sample of the
        curated documents, which also serves the engine check."""
        config, fn = self._config, _ModelFn(self._output, self._config, self._given,
                                            self._engine.to_dict() if self._engine else None)
        if self._given is not None:
            return (batches.pipeline | "GivenModel" >> beam.Impulse()
                    | "Model" >> beam.ParDo(fn).with_outputs(*MODEL_OUTPUTS, main="model"))
        check = needs_check(config.engine)
        sample = batches | "TextSample" >> TextSample(max(config.train_sample_bytes,
                                                          ENGINE_CHECK_BYTES if check else 0))
        trained = sample | "Train" >> beam.FlatMap(_train, config.training())
        return trained | "Model" >> beam.ParDo(fn, beam.pvalue.AsSingleton(sample) if check else ()).with_outputs(
            *MODEL_OUTPUTS, main="model")
