"""Tokenize curated documents into Arrow token shards (DESIGN.md, "Tokenization").

    documents -> [train on a seeded sample | the given model] -> encode
      -> token count per source -> shard count -> range-partition by id hash
      -> per shard: sort, pack into seq_len rows, write the .arrow file atomically, with the ids
         of the documents each row holds

Shards are range partitions of the id-hash order, so shard 0, 1, ... of a
source concatenated are the source's documents in one global order, whatever
the runner or bundle sizes. Each shard packs on its own: its last partial row
is dropped or padded (one tail per shard, counted), which is what lets shards
be written in parallel.

A given tokenizer is a side file: read and checked on the launcher, staged,
and read back by one step of the pipeline (never carried inside the job graph).
"""
from __future__ import annotations

import time

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics

from pipelines.atomic_files import write_atomically
from pipelines.stage import COUNTER_NAMESPACE
from pipelines.staging import StagedFile, fetch
from tokenization.encoding import Framing, encode_texts
from tokenization.manifest import TOKENIZER_PATH, TOKENS_DIR
from tokenization.packing import pack
from tokenization.sentencepiece_model import cached_processor, describe
from tokenization.settings import TokenizeConfig
from tokenization.shard_format import (FORMAT_VERSION, shard_name, token_checksum, token_dtype_for,
                                       write_shard)
from tokenization.training import sample_key, take_sample, train_model

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


class TokenizerModel(beam.PTransform):
    """One element: the model's bytes, given (read from where it was staged) or trained on the
    curated documents."""

    def __init__(self, config: TokenizeConfig, given: StagedFile | None):
        super().__init__()
        self._config, self._given = config, given

    def expand(self, documents):
        if self._given is not None:
            return (documents.pipeline | "GivenModel" >> beam.Create([self._given])
                    | "ReadGivenModel" >> beam.Map(fetch))
        return (documents
                | "KeyForSample" >> beam.Map(lambda doc: (sample_key(doc.id), doc.id, doc.text))
                | "Sample" >> beam.CombineGlobally(_SampleTexts(self._config.train_sample_bytes))
                | "Train" >> beam.FlatMap(_train, self._config.training()))


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
    """doc -> (source, order key, id, lang, text bytes, uint32 ids). The model loads once per worker."""

    def __init__(self, config: TokenizeConfig):
        self._config = config

    def process(self, doc, model, info):
        start = time.perf_counter()
        ids = encode_texts(cached_processor(model), [doc.text], _framing(info, self._config))[0]
        _ENCODE_MICROS.inc(int((time.perf_counter() - start) * 1e6))
        yield (doc.source, sample_key(doc.id), doc.id, doc.annotations.get("lang", "und"),
               len(doc.text.encode("utf-8", "surrogatepass")), ids)


def _shard_count(tokens: int, shard_tokens: int) -> int:
    return max(1, -(-tokens // shard_tokens))


def _assign_shard(encoded, totals: dict, shard_tokens: int):
    source, key, doc_id, _, _, ids = encoded
    count = _shard_count(totals[source], shard_tokens)
    return (source, (key * count) >> 64, count), (key, doc_id, ids)


def _every_shard(source_total, shard_tokens: int):
    """One empty marker per shard, so that a shard with no document is still written."""
    source, tokens = source_total
    count = _shard_count(tokens, shard_tokens)
    return [((source, index, count), None) for index in range(count)]


class _WriteShardFn(beam.DoFn):
    def __init__(self, output: str, config: TokenizeConfig):
        self._output, self._config = output, config

    def process(self, keyed, info):
        (source, index, count), items = keyed
        layout = _layout(info, self._config)
        documents = sorted((item for item in items if item is not None), key=lambda item: item[:2])
        packed = pack([ids for _, _, ids in documents], layout["seq_len"], layout["tail"], layout["pad_id"])
        name = shard_name(source, index, count)
        counts = {"rows": packed.rows, "tokens": packed.rows * layout["seq_len"],
                  "documents": packed.documents, "pad_tokens": packed.pad_tokens,
                  "tail_tokens": packed.tail_tokens, "tail_documents": packed.tail_documents,
                  "cut_documents": packed.cut_documents}
        tokens = packed.tokens.astype(layout["token_dtype"], copy=False)
        metadata = {**layout, "source": source, "shard_index": index, "shard_count": count, **counts,
                    "checksum": token_checksum(tokens)}
        ids = [doc_id for _, doc_id, _ in documents]
        doc_ids = [[ids[i] for i in row.tolist()] for row in packed.doc_index]
        continued = [ids[i] if i >= 0 else None for i in packed.continued.tolist()]
        path = FileSystems.join(self._output, TOKENS_DIR, name)
        write_atomically(path, lambda handle: write_shard(handle, tokens, packed.doc_starts, metadata,
                                                          doc_ids, continued))
        yield {"path": name, "source": source, "shard_index": index, "shard_count": count, **counts,
               "checksum": metadata["checksum"], "bytes": _size(path)}


def _size(path: str) -> int:
    return FileSystems.match([path])[0].metadata_list[0].size_in_bytes


def _write_model(model: bytes, output: str):
    write_atomically(FileSystems.join(output, TOKENIZER_PATH), lambda handle: handle.write(model))
    yield TOKENIZER_PATH


def _language_key(encoded):
    source, _, _, lang, text_bytes, ids = encoded
    return (source, lang), (1, text_bytes, len(ids))


def _sum_triples(triples):
    documents = text_bytes = tokens = 0
    for docs, size, count in triples:
        documents, text_bytes, tokens = documents + docs, text_bytes + size, tokens + count
    return documents, text_bytes, tokens


class TokenizeDocuments(beam.PTransform):
    """documents -> dict of PCollections: shards (one info per file), tokenizer, languages, layout,
    and tokenizer_file (the model's path once written)."""

    def __init__(self, output: str, config: TokenizeConfig, given_model: StagedFile | None):
        super().__init__()
        self._output, self._config, self._given = output, config, given_model

    def expand(self, documents):
        config = self._config
        model = documents | "Model" >> TokenizerModel(config, self._given)
        model_file = model | "WriteModel" >> beam.FlatMap(_write_model, self._output)
        info = model | "Describe" >> beam.Map(lambda data: describe(data).to_dict())
        model_side, info_side = beam.pvalue.AsSingleton(model), beam.pvalue.AsSingleton(info)
        encoded = documents | "Encode" >> beam.ParDo(_EncodeFn(config), model_side, info_side)
        totals = (encoded | "TokensPerDoc" >> beam.Map(lambda e: (e[0], len(e[5])))
                  | "TokensPerSource" >> beam.CombinePerKey(sum))
        keyed = encoded | "AssignShard" >> beam.Map(
            _assign_shard, beam.pvalue.AsDict(totals), config.shard_tokens)
        markers = totals | "EveryShard" >> beam.FlatMap(_every_shard, config.shard_tokens)
        shards = ((keyed, markers) | "WithEmptyShards" >> beam.Flatten()
                  | "GroupShard" >> beam.GroupByKey()
                  | "WriteShard" >> beam.ParDo(_WriteShardFn(self._output, config), info_side))
        languages = (encoded | "KeyLanguage" >> beam.Map(_language_key)
                     | "SumLanguage" >> beam.CombinePerKey(_sum_triples)
                     | "FlattenLanguage" >> beam.Map(lambda kv: (*kv[0], *kv[1])))
        layout = info | "Layout" >> beam.Map(_layout, config)
        return {"shards": shards, "tokenizer": info, "languages": languages, "layout": layout,
                "tokenizer_file": model_file}
