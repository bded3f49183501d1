"""Parse list files: one entry per line, '#' comments, blank lines, any encoding, gzip or not."""
from __future__ import annotations

import gzip

from filters.entry_trie import entry_pattern


def parse_entries(data: bytes) -> list:
    """Entries of a list file's bytes, lower-cased and stripped.

    Lists in the wild are UTF-8, Latin-1 or carry a BOM; a line that is not
    valid UTF-8 is decoded as Latin-1 rather than dropped, so no entry is lost
    to an encoding accident. A '#' starts a comment only at the start of a
    line: some banned words (#xx) begin with one, so a whole-line comment is
    '# ' or a '#' line that is the file's header.
    """
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    entries = []
    for raw in data.splitlines():
        try:
            line = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            line = raw.decode("latin-1")
        line = line.strip().lower()
        if line and not line.startswith("# ") and line != "#":
            entries.append(line)
    return entries


def alternation_pattern(entries: list):
    """One compiled regex matching any entry, longest first so that a longer entry wins; None if empty
    (filters/entry_trie.py: shaped like the entries' trie, which finds the same)."""
    return entry_pattern(entries)
