"""Token shard formats: format 2 (Arrow IPC stream) against format 1 (IPC file), and what HF datasets makes of each.

    python bench/shard_format.py [--tokens 67108864] [--repeats 5]

One shard of --tokens uint16 tokens (the default shard size), rows of 8192,
documents of 200-3000 tokens with ids, written in both formats. Measured on
the same files, page cache warm (single core: run under `taskset -c 0`):
- open: `open_shard` (memory map, schema, column views);
- full read: xxh3-128 over the mapped token buffer (what `inspect validate`
  does), in GB/s, and whether the tokens are a zero-copy view (no Arrow
  allocation, not owning their data);
- random rows: the loader's access, batches of 32 random rows copied out;
- Hugging Face datasets: whether `Dataset.from_file` opens each format, how
  long it takes, whether it allocates, and its own random-batch read with
  `with_format("numpy", dtype=uint16)`, the peer of our row reads.
Writes bench/out/shard_format.json.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

import numpy as np
import pyarrow as pa

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from measure import peak_rss_mb, print_table, timed, write_json  # noqa: E402

from tokenization.packing import pack  # noqa: E402
from tokenization.shard_format import open_shard, token_checksum, write_shard  # noqa: E402

SEQ_LEN = 8192
OUT = os.path.join(os.path.dirname(__file__), "out", "shard_format.json")


def build_rows(tokens: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    lengths = rng.integers(200, 3000, size=tokens // 1600 + 1)       # 1,600 tokens on average
    documents = [rng.integers(3, 32000, size=n, dtype=np.uint32) for n in lengths]
    packed = pack(documents, SEQ_LEN, "drop")
    ids = [f"web/{index:020x}" for index in range(len(documents))]
    return packed, ids


def write_format_two(path: str, packed, ids: list) -> None:
    tokens = packed.tokens.astype(np.uint16)
    meta = {"format_version": "2", "seq_len": SEQ_LEN, "token_dtype": "uint16", "rows": packed.rows,
            "checksum": token_checksum(tokens)}
    with open(path, "wb") as handle:
        write_shard(handle, tokens, packed.doc_starts, meta, [[ids[i] for i in row.tolist()] for row in
                                                                 packed.doc_index],
                    [ids[i] if i >= 0 else None for i in packed.continued.tolist()])


def write_format_one(path: str, packed) -> None:
    """tokenmill 0.1's writer: an IPC file with tokens and doc_starts."""
    tokens = packed.tokens.astype(np.uint16)
    meta = {"format_version": "1", "seq_len": SEQ_LEN, "token_dtype": "uint16", "rows": packed.rows,
            "checksum": token_checksum(tokens)}
    schema = pa.schema([pa.field("tokens", pa.list_(pa.uint16(), SEQ_LEN), nullable=False),
                        pa.field("doc_starts", pa.list_(pa.uint32()), nullable=False)],
                       metadata={b"tokenmill": json.dumps(meta).encode()})
    offsets = np.zeros(packed.rows + 1, np.int32)
    np.cumsum([len(row) for row in packed.doc_starts], out=offsets[1:])
    batch = pa.record_batch([pa.FixedSizeListArray.from_arrays(pa.array(tokens.reshape(-1)), SEQ_LEN),
                             pa.ListArray.from_arrays(pa.array(offsets), pa.array(np.concatenate(packed.doc_starts)))],
                            schema=schema)
    with pa.ipc.new_file(path, schema) as writer:
        writer.write_batch(batch)


def measure_ours(path: str, repeats: int, rows: np.ndarray) -> dict:
    before = pa.total_allocated_bytes()
    opened = timed(lambda: open_shard(path), repeats)
    shard = open_shard(path)
    allocated = pa.total_allocated_bytes() - before
    full = timed(lambda: token_checksum(shard.tokens), repeats)
    batches = rows.reshape(-1, 32)

    def read_batches():
        out = np.empty((32, SEQ_LEN), np.uint16)
        for batch in batches:
            for index, row in enumerate(batch):
                out[index] = shard.row(int(row))
    random_rows = timed(read_batches, repeats)
    return {"bytes": os.path.getsize(path), "open_ms": opened["median_s"] * 1e3,
            "full_read_GBps": shard.tokens.nbytes / full["median_s"] / 1e9,
            "zero_copy": bool(not shard.tokens.flags.owndata and allocated == 0),
            "arrow_bytes_allocated": allocated,
            "random_rows_per_s": rows.size / random_rows["median_s"]}


def measure_hugging_face(path: str, repeats: int, rows: np.ndarray) -> dict:
    import datasets
    datasets.disable_progress_bars()
    before = pa.total_allocated_bytes()
    try:
        opened = timed(lambda: datasets.Dataset.from_file(path), repeats)
    except Exception as error:  # noqa: BLE001 - the failure is the measurement
        return {"from_file": False, "error": f"{type(error).__name__}: {str(error).splitlines()[0]}"}
    dataset = datasets.Dataset.from_file(path).with_format("numpy", dtype=np.uint16)
    allocated = pa.total_allocated_bytes() - before
    batches = rows.reshape(-1, 32)

    def read_batches():
        for batch in batches:
            dataset[batch.tolist()]["tokens"]
    random_rows = timed(read_batches, repeats)
    sample = dataset[[0]]["tokens"]
    return {"from_file": True, "open_ms": opened["median_s"] * 1e3, "rows": dataset.num_rows,
            "arrow_bytes_allocated": allocated, "numpy_dtype": str(sample.dtype),
            "random_rows_per_s": rows.size / random_rows["median_s"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=64 * 1024 * 1024)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--random-rows", type=int, default=4096)
    args = parser.parse_args()
    packed, ids = build_rows(args.tokens)
    rows = np.random.default_rng(1).integers(0, packed.rows, size=args.random_rows // 32 * 32)
    results = {"tokens": int(packed.tokens.size), "rows": packed.rows, "seq_len": SEQ_LEN, "dtype": "uint16",
               "cpu_affinity": sorted(os.sched_getaffinity(0)), "repeats": args.repeats}
    with tempfile.TemporaryDirectory() as directory:
        paths = {"2": os.path.join(directory, "stream.arrow"), "1": os.path.join(directory, "file.arrow")}
        write_format_two(paths["2"], packed, ids)
        write_format_one(paths["1"], packed)
        del packed
        for version, path in paths.items():
            results[f"format_{version}"] = {"tokenmill": measure_ours(path, args.repeats, rows),
                                            "hugging_face": measure_hugging_face(path, args.repeats, rows)}
    results["peak_rss_mb"] = peak_rss_mb()
    table = [{"format": version, **{key: results[f"format_{version}"]["tokenmill"][key]
                                    for key in ("bytes", "open_ms", "full_read_GBps", "zero_copy",
                                                "random_rows_per_s")},
              "hf_from_file": results[f"format_{version}"]["hugging_face"]["from_file"],
              "hf_rows_per_s": results[f"format_{version}"]["hugging_face"].get("random_rows_per_s")}
             for version in ("1", "2")]
    print_table(table, list(table[0]))
    print(json.dumps({v: results[f"format_{v}"]["hugging_face"] for v in ("1", "2")}, indent=1))
    write_json(OUT, results)


if __name__ == "__main__":
    main()
