"""URL filtering: category blocklists of domains and URLs, and banned words in the URL.

Lists follow UT1's layout (`<category>/domains`, `<category>/urls`); a plain
file can stand for one category (`CATEGORY=FILE`: an entry with '=' is always
a file). The filter takes the lists' contents, read by the caller
(`side_files()` names them; filters/side_files.py). A blocked domain blocks every subdomain
(`example.com` blocks `a.b.example.com`). Banned words follow datatrove's
URLFilter: whole words split on non-alphanumerics (hard list), a count of
soft words, and sub-words found anywhere in the URL with separators removed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping, Optional, Union
from urllib.parse import urlsplit

from corpus.document import Document, Drop
from filters.side_files import SideFile
from filters.word_lists import alternation_pattern, parse_entries
from tokenmill.option_checks import OptionChecks
from tokenmill.usage import UsageError

_NON_ALNUM = re.compile(r"[\W_]+")
MAX_URL_CHARS = 4096


@dataclass(frozen=True)
class UrlFilterConfig:
    enabled: bool = True
    lists: list = field(default_factory=list)        # UT1 folders, or "category=path" files
    categories: list = field(default_factory=lambda: ["adult"])
    banned_words: str = ""                            # file: whole words that block a URL
    soft_banned_words: str = ""                       # file: words that block in numbers
    soft_word_threshold: int = 2
    banned_subwords: str = ""                         # file: substrings that block a URL

    def problems(self, where: str = "url_filter") -> list:
        check = OptionChecks(self, where)
        check.at_least("soft_word_threshold", 1)
        if self.lists:
            check.not_empty("categories")
        return check.problems


class Blocklists:
    """Domains and URL prefixes by category."""

    def __init__(self):
        self.domains: dict = {}     # domain -> category
        self.urls: dict = {}        # "host/path" -> category

    def add_file(self, category: str, data: bytes, kind: str) -> None:
        target = self.domains if kind == "domains" else self.urls
        for entry in parse_entries(data):
            target.setdefault(_strip_url(entry) if kind == "urls" else entry.lstrip("."), category)

    def add_ut1_folder(self, tree: dict, categories: list) -> set:
        """The categories found in the folder's tree."""
        found = set()
        for category in categories:
            for kind in ("domains", "urls"):
                data = tree.get(f"{category}/{kind}")
                if data is not None:
                    self.add_file(category, data, kind)
                    found.add(category)
        return found

    def __len__(self) -> int:
        return len(self.domains) + len(self.urls)


def _strip_url(entry: str) -> str:
    entry = re.sub(r"^[a-z]+://", "", entry)
    return entry[4:] if entry.startswith("www.") else entry


def host_and_path(url: str) -> Optional[tuple]:
    """(lower-case host without 'www.' and port, path) or None when there is no host."""
    try:
        parts = urlsplit(url.strip()[:MAX_URL_CHARS])
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        return None
    if not host:
        return None
    if host.startswith("www."):
        host = host[4:]
    return host, parts.path or "/"


def parent_domains(host: str) -> list:
    labels = host.split(".")
    return [".".join(labels[i:]) for i in range(len(labels))]


def side_files(config: UrlFilterConfig) -> list:
    """The files the filter reads: UT1 folders (only the chosen categories), category files, word files."""
    members = "(" + "|".join(map(re.escape, config.categories)) + ")/(domains|urls)"
    found = []
    for spec in config.lists:
        _, sep, path = spec.partition("=")
        found.append(SideFile("url_filter.lists", path, False) if sep else
                     SideFile("url_filter.lists", spec, True, members))
    for option in ("banned_words", "soft_banned_words", "banned_subwords"):
        if getattr(config, option):
            found.append(SideFile(f"url_filter.{option}", getattr(config, option)))
    return found


class UrlFilter:
    """`contents`: location -> bytes (a file) or tree (a UT1 folder) for every file of side_files(config)."""

    def __init__(self, config: UrlFilterConfig, contents: Optional[Mapping] = None):
        self.config = config
        self.blocklists = Blocklists()
        contents = contents or {}
        missing = [f.location for f in side_files(config) if f.location not in contents]
        if missing:
            raise ValueError(f"UrlFilter takes the contents of its lists, not their paths: {missing[0]} was not "
                             "given (filters.side_files.read_local reads local ones)")
        found, folders = set(), []
        for spec in config.lists:
            category, sep, path = spec.partition("=")
            if sep:
                self.blocklists.add_file(category, contents[path], "domains")
            else:
                found |= self.blocklists.add_ut1_folder(contents[spec], config.categories)
                folders.append(spec)
        absent = [category for category in config.categories if category not in found]
        if folders and absent:
            raise UsageError(f"url_filter.categories: {absent[0]!r} has no domains or urls file in "
                             f"{', '.join(folders)}")
        self.banned = frozenset(self._entries(contents, config.banned_words))
        self.soft = frozenset(self._entries(contents, config.soft_banned_words))
        subwords = self._entries(contents, config.banned_subwords)
        self._subwords = alternation_pattern([_NON_ALNUM.sub("", word) for word in subwords])

    @staticmethod
    def _entries(contents: Mapping, location: str) -> list:
        return parse_entries(contents[location]) if location else []

    def __call__(self, doc: Document) -> Union[Document, Drop]:
        if not doc.url:
            return doc
        return self.check(doc.url) or doc

    def check(self, url: str) -> Optional[Drop]:
        located = host_and_path(url)
        if located is not None:
            drop = self._check_lists(*located)
            if drop:
                return drop
        return self._check_words(url.lower()[:MAX_URL_CHARS])

    def _check_lists(self, host: str, path: str) -> Optional[Drop]:
        hosts = parent_domains(host)
        for candidate in hosts:
            category = self.blocklists.domains.get(candidate)
            if category:
                return Drop(f"url_blocklisted:{category}", candidate)
        if self.blocklists.urls:
            segments = path.rstrip("/").split("/")
            for candidate in hosts:
                for end in range(len(segments), 0, -1):
                    prefix = candidate + "/".join(segments[:end])
                    category = self.blocklists.urls.get(prefix) or self.blocklists.urls.get(prefix + "/")
                    if category:
                        return Drop(f"url_blocklisted:{category}", prefix)
        return None

    def _check_words(self, url: str) -> Optional[Drop]:
        words = [word for word in _NON_ALNUM.split(url) if word]
        hard = next((word for word in words if word in self.banned), None)
        if hard:
            return Drop("url_banned_word", hard)
        soft = [word for word in words if word in self.soft]
        if self.soft and len(soft) >= self.config.soft_word_threshold:
            return Drop("url_soft_banned_words", ",".join(soft))
        if self._subwords is not None:
            match = self._subwords.search(_NON_ALNUM.sub("", url))
            if match:
                return Drop("url_banned_subword", match.group(0))
        return None
