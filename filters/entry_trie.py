"""A list of entries as one regex shaped like their trie, which finds what the longest-first alternation finds.

`a|b|c...` of 134 banned subwords made Python's re try each entry at every
position of a URL (9.7 us a URL of the benchmark's corpus). Shaped like a trie,
the regex reads each next character once and only follows the entries that
begin with what it read (2.4 us). The match is the same: both take the leftmost
position where any entry matches, and there the longest entry. In the trie the
next character decides the branch, so at most one child of a node can match;
each node that ends an entry tries its longer entries first and, when they fail,
ends there. A list with an entry of more than MAX_DEPTH characters keeps the plain
alternation, whose pattern does not nest (Python's re parses nesting by
recursion).
"""
from __future__ import annotations

import re

MAX_DEPTH = 50     # a 50-deep trie compiles under a recursion limit of 150 (Python sets 1000)
_END = ""           # the key that marks a node where an entry ends (every other key is one character)


def entry_pattern(entries: list):
    """One compiled regex matching any entry, the longest at the leftmost position; None if empty."""
    entries = sorted({entry for entry in entries if entry})
    if not entries:
        return None
    if max(map(len, entries)) > MAX_DEPTH:
        longest_first = sorted(entries, key=lambda entry: (-len(entry), entry))
        return re.compile("|".join(map(re.escape, longest_first)))
    return re.compile(_regex_of(_trie(entries)))


def _trie(entries: list) -> dict:
    root = {}
    for entry in entries:
        node = root
        for char in entry:
            node = node.setdefault(char, {})
        node[_END] = {}
    return root


def _regex_of(node: dict) -> str:
    """The node's entries (what follows the path to it) as a regex; recursion no deeper than MAX_DEPTH."""
    branches = [re.escape(char) + _regex_of(child) for char, child in sorted(node.items()) if char != _END]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if _END not in node:
        return body
    return f"(?:{body})?"
