"""A file's decompressed content, chosen by magic bytes, in segments split where the bytes are damaged.

gzip and zstd files are read one member (frame) at a time: a member's output is
held until the member is complete and its checksum is right (up to
`hold_limit`, past which a member's output is released as it is made). Then:

- a corrupt member is dropped and the file is searched for the next member;
- a file that ends inside a member (cut short) releases what it decoded:
  every complete record before the cut is still read;
- a read error of the file itself ends it, keeping what was decoded.

Each of these ends a *segment*, with a `Damage` saying where and why; the
next segment starts with the next good member. A reader parses every segment
as a stream of its own, so a record is never stitched together across damage,
and the record cut by the damage is counted once, as the damage.

No step makes more than `OUTPUT_STEP` bytes of output, so a decompression bomb
never fills memory faster than a reader drains it.
"""
from __future__ import annotations

import io
from collections import deque
from dataclasses import dataclass
from typing import BinaryIO, Iterator, Optional

from corpus.gzip_members import CorruptMember, GzipMember
from corpus.zstd_frames import ZSTD_MAGIC, ZstdFrame, skippable_frame_length

GZIP_MAGIC = b"\x1f\x8b"
CHUNK = 1 << 20                 # compressed bytes read at a time
OUTPUT_STEP = 1 << 20           # decompressed bytes made at most per step
HOLD_LIMIT = 16 << 20
READ_BUFFER = 1 << 20


@dataclass(frozen=True)
class Damage:
    """Why a segment ended before the end of the file: `offset` is in the compressed file."""
    offset: int
    error_type: str             # corrupt_gzip_member | truncated_file | unreadable_rest_of_file ...
    message: str

    def location(self, name: str, codec: Optional[str]) -> str:
        return f"{name}@{codec}:{self.offset}" if codec else f"{name}@{self.offset}"


def codec_of(head: bytes):
    """The member codec for a file starting with `head`, or None for an uncompressed file."""
    if head.startswith(GZIP_MAGIC):
        return GzipMember
    if head.startswith(ZSTD_MAGIC) or skippable_frame_length(head) is not None:
        return ZstdFrame
    return None


class Decoded:
    """The decompressed bytes of `raw`, read segment by segment.

    `read(n)` gives bytes of the current segment and b"" at its end; then
    `damage` says why it ended (None: the end of the file) and `next_segment()`
    moves on (False when the file is over). Damage with no good member between
    is one stretch: a member found after damage is trusted only once it is
    complete, so a false header inside corrupt bytes costs nothing more.
    """

    def __init__(self, raw: BinaryIO, hold_limit: int = HOLD_LIMIT):
        self._raw = raw
        self._pending, self._at, self._base = b"", 0, 0   # read, not yet used; file offset of _pending[0]
        self._eof = False
        self._read_error: Optional[BaseException] = None
        self._member = None
        self._member_start = 0
        self._fill(16)
        self.codec = codec_of(self._pending[:16])
        self._hold_limit = hold_limit
        self._held, self._held_bytes, self._streaming = [], 0, False
        self._ready: deque = deque()           # output made, not yet read: chunks, and where the first is at
        self._ready_at, self._ready_bytes = 0, 0
        self.damage: Optional[Damage] = None
        self._pending_damage: Optional[Damage] = None     # found, not yet reported: ends the segment
        self._trusted = True                    # False after damage, until a member is complete
        self.output_offset = 0                  # decompressed bytes handed out so far
        self._made = 0                          # decompressed bytes made ready so far
        # Output of damaged members, decoded up to the damage and never verified by a checksum:
        # (start, end) in the output. It may be garbage where the damage led the decoder astray.
        self._suspect: list = []
        self._segment_over = False
        self._finished = False                  # no segment after this one

    def is_suspect(self, position: int) -> bool:
        """Whether output `position` was decoded from a damaged member (a reader then counts what
        does not parse there as part of the damage, not as errors of its own)."""
        return any(start <= position < end for start, end in self._suspect)

    @property
    def codec_name(self) -> Optional[str]:
        return self.codec.name if self.codec else None

    @property
    def _offset(self) -> int:
        return self._base + self._at

    # -- reading the current segment

    def read(self, size: int) -> bytes:
        while not self._ready_bytes and not self._segment_over:
            self._step()
        if not self._ready:
            return b""
        first = self._ready[0]
        chunk = first[self._ready_at:self._ready_at + size]
        self._ready_at += len(chunk)
        if self._ready_at == len(first):
            self._ready.popleft()
            self._ready_at = 0
        self._ready_bytes -= len(chunk)
        self.output_offset += len(chunk)
        return chunk

    def peek(self, size: int) -> bytes:
        """Up to `size` next bytes of the segment, without consuming them."""
        while self._ready_bytes < size and not self._segment_over and self._pending_damage is None:
            self._step()
        parts, have, at = [], 0, self._ready_at
        for chunk in self._ready:
            if have >= size:
                break
            parts.append(chunk[at:at + size - have])
            have += len(parts[-1])
            at = 0
        return b"".join(parts)

    def next_segment(self) -> bool:
        if self._finished:
            return False
        self._segment_over, self.damage = False, None
        return True

    def segments(self) -> Iterator[io.BufferedReader]:
        """Each segment as a buffered stream; read `damage` once a stream is exhausted."""
        while True:
            yield io.BufferedReader(_SegmentView(self), READ_BUFFER)
            if not self.next_segment():
                return

    # -- making output

    def _step(self) -> None:
        if self._pending_damage is not None:       # reached once what came before is read
            self._end(self._pending_damage, finished=self._finished)
            self._pending_damage = None
        elif self._finished and self._member is None and self.codec is not None:
            self._end(None)
        elif self.codec is None:
            self._copy_plain()
        elif self._member is None:
            self._begin_member()
        else:
            self._decode()

    def _copy_plain(self) -> None:
        if self._at == len(self._pending):
            self._fill(CHUNK)
        data = self._pending[self._at:]
        self._at = len(self._pending)
        if data:
            self._give(data)
        elif self._eof:
            self._finished = True
            self._end(self._read_damage())

    def _begin_member(self) -> None:
        while True:
            self._fill(16)
            while self._at < len(self._pending) and self._pending[self._at] == 0:
                self._at += 1                   # NUL padding after a member is harmless
            if self._at < len(self._pending) or self._eof:
                break
        head = self._pending[self._at:self._at + 16]
        if not head:
            self._finished = True
            self._damaged(self._read_damage())
            return
        skip = self.codec.skippable_length(head)
        if skip is not None:
            self._skip(skip)
            return
        if not (head.startswith(self.codec.magic) or (self._eof and self.codec.magic.startswith(head))):
            self._corrupt(f"bytes after a {self.codec.name} member are not a {self.codec.name} header",
                          self._offset)
            return
        self._member, self._member_start = self.codec(), self._offset
        self._held, self._held_bytes, self._streaming = [], 0, False

    def _decode(self) -> None:
        data = memoryview(self._pending)[self._at:]
        try:
            out, used, done = self._member.feed(data, OUTPUT_STEP)
        except CorruptMember as error:
            self._corrupt(str(error), self._member_start)
            return
        finally:
            data.release()
        self._at += used
        self._keep(out)
        if done:
            self._release()
            self._member, self._trusted = None, True
        elif (not out and used == 0) or (self._at == len(self._pending) and len(out) < OUTPUT_STEP):
            if self._eof and self._later_member():
                self._corrupt(f"{self.codec.name} member does not end before the next one starts",
                              self._member_start)
            elif self._eof:
                self._truncated()
            else:
                self._fill(len(self._pending) - self._at + CHUNK)

    def _keep(self, out: bytes) -> None:
        if not out:
            return
        if self._streaming:
            self._give(out)
            return
        self._held.append(out)
        self._held_bytes += len(out)
        if self._held_bytes > self._hold_limit:
            self._release()
            self._streaming = self._trusted = True

    def _release(self) -> None:
        for piece in self._held:
            self._give(piece)
        self._held, self._held_bytes = [], 0

    def _give(self, data: bytes) -> None:
        if data:
            self._made += len(data)
            self._ready.append(data)
            self._ready_bytes += len(data)

    # -- damage

    def _truncated(self) -> None:
        """The file ends inside a member: what it decoded is given (as suspect), the rest is missing."""
        self._give_suspect(self._held if self._trusted and not self._streaming else [])
        self._held, self._held_bytes, self._member, self._finished = [], 0, None, True
        self._damaged(self._read_damage() or Damage(
            self._member_start, "truncated_file",
            f"the file ends inside the {self.codec.name} member that starts at byte {self._member_start}"))

    def _corrupt(self, message: str, start: int) -> None:
        """Give what the member decoded before the damage (as suspect), resume at the next member header."""
        recovered = self._recover(start) if self._member is not None and self._trusted and not self._streaming \
            else []
        self._held, self._held_bytes, self._member = [], 0, None
        self._give_suspect(recovered)
        self._damaged(Damage(start, f"corrupt_{self.codec.name}_member", message))
        self._skip_to_magic(start + 1)

    def _recover(self, start: int) -> list:
        """The member decoded again from `start` in small steps, up to the damage: what came before it.

        (A step that fails loses its own output; 64 input bytes make at most some 64 KB.)"""
        if start < self._base:
            return list(self._held)
        data = memoryview(self._pending)[start - self._base:]
        codec, pos, end, out, made = self.codec(), 0, 0, [], 0
        try:
            while end < len(data) and made <= self._hold_limit:
                end = min(end + 64, len(data))
                piece, used, done = codec.feed(data[pos:end], OUTPUT_STEP)
                pos, made = pos + used, made + len(piece)
                out.append(piece)
                if done:
                    break
        except CorruptMember:
            pass
        finally:
            data.release()
        return out

    def _give_suspect(self, pieces: list) -> None:
        start = self._made
        for piece in pieces:
            self._give(piece)
        if self._made > start:
            self._suspect.append((start, self._made))

    def _damaged(self, damage: Optional[Damage]) -> None:
        """End the segment with `damage`, unless it continues a stretch already reported."""
        if damage is None:
            self._end(None)
        elif self._trusted:
            self._pending_damage, self._trusted = damage, False

    def _later_member(self) -> bool:
        """Whether a member that decodes starts after the current one's start: then the current
        one, which never ended, is corrupt (its header or a block size swallowed the rest), not cut."""
        index = max(0, self._member_start - self._base + 1)
        for _ in range(64):
            index = self._pending.find(self.codec.magic, index)
            if index < 0:
                return False
            try:
                _, used, done = self.codec().feed(memoryview(self._pending)[index:index + (64 << 10)], 1 << 16)
            except CorruptMember:
                used, done = 0, False
            if done or used >= 1024:        # a false header in compressed bytes fails long before
                return True
            index += 1
        return False

    def _read_damage(self) -> Optional[Damage]:
        if self._read_error is None:
            return None
        error = self._read_error
        return Damage(self._offset, "unreadable_rest_of_file", f"{type(error).__name__}: {error}")

    def _end(self, damage: Optional[Damage], finished: bool = True) -> None:
        self.damage, self._segment_over = damage, True
        self._finished = self._finished or finished

    def _skip_to_magic(self, search_from: int) -> None:
        magic = self.codec.magic
        index = max(0, search_from - self._base)
        while True:
            found = self._pending.find(magic, index)
            if found >= 0:
                self._at = found
                return
            if self._eof:
                self._at = len(self._pending)
                self._finished = True
                return
            self._at = len(self._pending)
            index = max(0, len(magic) - 1)
            self._fill(CHUNK, keep=len(magic) - 1)

    def _skip(self, count: int) -> None:
        while count > 0:
            if self._at == len(self._pending):
                self._fill(CHUNK)
                if self._at == len(self._pending):
                    self._finished = True
                    self._damaged(self._read_damage() or Damage(
                        self._offset, "truncated_file", "the file ends inside a skippable frame"))
                    return
            step = min(count, len(self._pending) - self._at)
            self._at, count = self._at + step, count - step

    # -- reading the compressed file

    def _fill(self, wanted: int, keep: int = 0) -> None:
        """Read until `wanted` bytes are pending after self._at, or the file ends.

        Kept as well: the bytes of the member being decoded (while not too many), so that
        the search for the next header after a corrupt member can start inside it; and
        `keep` bytes before self._at.
        """
        if self._eof or len(self._pending) - self._at >= wanted:
            return
        start = max(0, self._at - keep)
        if self._member is not None and 0 <= self._member_start - self._base < start and \
                self._at - (self._member_start - self._base) <= 4 * CHUNK:
            start = self._member_start - self._base
        parts = [self._pending[start:]]
        have = len(self._pending) - self._at
        while have < wanted:
            try:
                chunk = self._raw.read(max(CHUNK, wanted - have))
            except Exception as error:  # noqa: BLE001 - any failure to read the file ends it
                self._read_error, chunk = error, b""
            if not chunk:
                self._eof = True
                break
            parts.append(chunk)
            have += len(chunk)
        self._pending = b"".join(parts)
        self._base += start
        self._at -= start


class _SegmentView(io.RawIOBase):
    def __init__(self, decoded: Decoded):
        self._decoded = decoded

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        chunk = self._decoded.read(len(buffer))
        buffer[:len(chunk)] = chunk
        return len(chunk)


def decompressed_head(raw: BinaryIO, size: int = 64) -> bytes:
    """The first `size` decompressed bytes of a file (fewer when it is short or damaged)."""
    return Decoded(raw).peek(size)
