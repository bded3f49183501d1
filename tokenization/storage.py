"""Where a finished output lives: a local directory or any pyarrow filesystem (gs://, s3://, ...).

Local shards are memory-mapped. On any other filesystem a format-2 shard is
read in ranges: its header and the small columns (document starts and ids)
once, then each token row by one ranged read when the loader asks for it. A
training host therefore downloads the rows it trains on, not whole shards,
although hosts split the plan by position and so read from every shard.
Format-1 shards are read whole on remote filesystems.
"""
from __future__ import annotations

import json
import posixpath
import struct
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.fs as pafs

from tokenization.shard_format import Shard, ShardError, open_shard, read_ipc, shard_from_table

_CONTINUATION = 0xFFFFFFFF
_HEAD_BYTES = 1 << 16            # the schema and record-batch headers of a shard fit in this, as a rule


@dataclass(frozen=True)
class Location:
    filesystem: pafs.FileSystem
    root: str

    @property
    def local(self) -> bool:
        return isinstance(self.filesystem, pafs.LocalFileSystem)

    def path(self, *parts: str) -> str:
        return posixpath.join(self.root, *parts)

    def exists(self, *parts: str) -> bool:
        return self.filesystem.get_file_info(self.path(*parts)).type != pafs.FileType.NotFound

    def read_bytes(self, *parts: str) -> bytes:
        with self.filesystem.open_input_stream(self.path(*parts)) as handle:
            return handle.read()

    def read_json(self, *parts: str):
        return json.loads(self.read_bytes(*parts).decode("utf-8"))

    def open_shard(self, *parts: str) -> Shard:
        path = self.path(*parts)
        if self.local:
            return open_shard(path)
        try:
            return _open_remote(self.filesystem, path)
        except (pa.ArrowInvalid, OSError, KeyError, TypeError, ValueError, struct.error) as error:
            raise ShardError(f"{path}: not a readable shard ({str(error).splitlines()[0][:120]})") from None


def locate(root: str, filesystem: pafs.FileSystem | None = None) -> Location:
    """`root` is a local path or a URI (gs://b/out, s3://b/out, file:///out); or a path inside `filesystem`."""
    if filesystem is not None:
        return Location(filesystem, root.rstrip("/"))
    if "://" in root:
        filesystem, path = pafs.FileSystem.from_uri(root)
        return Location(filesystem, path.rstrip("/"))
    return Location(pafs.LocalFileSystem(), _absolute(root))


def _absolute(path: str) -> str:
    import os
    return os.path.abspath(path).replace(os.sep, "/")


class RemoteShard(Shard):
    """A format-2 shard on a remote filesystem: small columns in memory, token rows read on demand."""

    def bind(self, handle, body_start: int) -> "RemoteShard":
        self._handle, self._body_start = handle, body_start
        self._row_bytes = self.metadata["seq_len"] * np.dtype(self.metadata["token_dtype"]).itemsize
        return self

    def stream(self) -> np.ndarray:
        size = self.rows * self._row_bytes
        return np.frombuffer(self._handle.read_at(size, self._body_start), dtype=self.metadata["token_dtype"])

    def row(self, row: int) -> np.ndarray:
        if not 0 <= row < self.rows:
            raise IndexError(f"row {row} outside the shard's {self.rows} rows")
        data = self._handle.read_at(self._row_bytes, self._body_start + row * self._row_bytes)
        return np.frombuffer(data, dtype=self.metadata["token_dtype"])


def _open_remote(filesystem: pafs.FileSystem, path: str) -> Shard:
    handle = filesystem.open_input_file(path)
    size = handle.size()
    head, schema_end, body_start = _stream_header(handle, size)
    if head.startswith(b"ARROW1"):
        return shard_from_table(path, read_ipc(pa.BufferReader(handle.read_at(size, 0))))
    metadata = json.loads(pa.ipc.read_schema(pa.py_buffer(head[:schema_end])).metadata[b"tokenmill"])
    token_bytes = metadata["rows"] * metadata["seq_len"] * np.dtype(metadata["token_dtype"]).itemsize
    small_start = body_start + -(-token_bytes // 8) * 8       # IPC pads each buffer to 8 bytes
    # The stream, with the token block left as untouched zero pages: pyarrow decodes the small
    # columns from it, and no token byte is downloaded until a row is read.
    image = np.zeros(size, np.uint8)
    image[:body_start] = np.frombuffer(head[:body_start], np.uint8)
    image[small_start:] = np.frombuffer(handle.read_at(size - small_start, small_start), np.uint8)
    buffer = pa.py_buffer(image)
    table = pa.ipc.open_stream(buffer).read_all()
    if len(table) and table.column("tokens").chunk(0).values.buffers()[1].address - buffer.address != body_start:
        raise ValueError("the token block is not where a tokenmill stream keeps it")
    shard = shard_from_table(path, table)
    remote = RemoteShard(**{name: getattr(shard, name) for name in shard.__dataclass_fields__})
    remote.tokens = None
    return remote.bind(handle, body_start)


def _stream_header(handle, size: int) -> tuple:
    """(first bytes, end of the schema message, start of the record batch body) of an IPC stream.

    Each message is a continuation marker, a length and a header; the schema comes first, then
    the one record batch, whose body follows its header.
    """
    wanted = min(size, _HEAD_BYTES)
    while True:
        head = handle.read_at(wanted, 0)
        if head.startswith(b"ARROW1"):
            return head, 0, 0
        ends, at = [], 0
        while len(ends) < 2 and len(head) >= at + 8:
            marker, length = struct.unpack_from("<Ii", head, at)
            if marker != _CONTINUATION:
                raise ValueError("not an Arrow IPC stream")
            at += 8 + length
            ends.append(at)
        if len(ends) == 2 and len(head) >= ends[1]:
            return head, ends[0], ends[1]
        if wanted >= size:
            raise ValueError("the stream ends inside its header")
        wanted = min(size, wanted * 4)
