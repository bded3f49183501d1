"""HTML to main-content text: charset detection, then resiliparse (or trafilatura), with a fallback.

Main-content extraction sometimes finds nothing on a page that has text, or
a sliver of it (a caption, a cookie notice). Then the page's text comes from
the whole page (or trafilatura, when configured), instead of the page being
dropped; `annotations["extract_path"]` says which path gave it.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Optional, Union

from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.encoding import bytes_to_str, detect_encoding, map_encoding_to_html5
from resiliparse.parse.html import HTMLTree

from corpus.document import Document, Drop, RawPage
from tokenmill.option_checks import OptionChecks

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "application/xml+xhtml"})
# Types a crawler labels carelessly; the body decides whether they are HTML.
SNIFFED_TYPES = frozenset({"", "text/plain", "application/octet-stream", "unknown", "text/xml",
                           "application/xml", "no-type", "application/unknown"})
_HTML_MARKERS = (b"<html", b"<!doctype html", b"<head", b"<body", b"<title", b"<div", b"<p>")
SNIFF_BYTES = 2048
FALLBACKS = ("whole_page", "trafilatura", "none")
# The annotation's values: which extraction gave the document its text.
MAIN_CONTENT, WHOLE_PAGE, TRAFILATURA = "main_content", "whole_page", "trafilatura"
EXTRACTORS = ("resiliparse", "trafilatura")
# Main content of at least this many characters is kept whatever its share of the page: a short
# article under hundreds of menu links is still the article. Below it, on real pages, such a short
# main text is mostly a menu fragment, and the whole page is the better text (bench/extract_fallback.py,
# floor_sweep: 500 gives the best F1 on both the labelled pages and against trafilatura on the others).
MAIN_CONTENT_FLOOR = 500


@dataclass(frozen=True)
class ExtractConfig:
    enabled: bool = True
    extractor: str = "resiliparse"       # resiliparse | trafilatura
    main_content: bool = True
    keep_non_ok_status: bool = False
    # When main content is empty or under fallback_ratio of the page's whole text: whole_page |
    # trafilatura (needs the extra; the whole page when it finds nothing) | none (keep it, drop if empty).
    # Never "trafilatura when installed": the same config must give the same text on every machine.
    fallback: str = "whole_page"
    fallback_ratio: float = 0.04

    def problems(self, where: str = "extract") -> list:
        check = OptionChecks(self, where)
        check.one_of("extractor", EXTRACTORS)
        check.one_of("fallback", FALLBACKS)
        check.fraction("fallback_ratio")
        if self.enabled and self.extractor == "trafilatura":
            check.installed("trafilatura", "extractor", "trafilatura")
        if self.enabled and self.fallback == "trafilatura":
            check.installed("trafilatura", "fallback", "trafilatura")
        return check.problems


class HtmlExtractor:
    """RawPage -> Document with the page's main text, or a Drop saying why not."""

    def __init__(self, config: ExtractConfig):
        self.config = config
        if config.extractor not in EXTRACTORS:
            raise ValueError(f"unknown extractor {config.extractor!r} (resiliparse or trafilatura)")
        if config.fallback not in FALLBACKS:
            raise ValueError(f"unknown extract.fallback {config.fallback!r} ({', '.join(FALLBACKS)})")
        self._trafilatura = None
        if config.extractor == "trafilatura" or config.fallback == "trafilatura":
            import trafilatura  # optional extra, imported only when chosen
            self._trafilatura = trafilatura

    def __call__(self, item: Union[RawPage, Document]) -> Union[Document, Drop]:
        if isinstance(item, Document):
            return item                      # WET and JSONL text needs no extraction
        drop = self._refuse(item)
        if drop:
            return drop
        encoding = choose_encoding(item.body, item.charset)
        html = bytes_to_str(item.body, encoding)
        text, path = self._extract(html)
        if not text.strip():
            return Drop("empty_after_extraction")
        meta = dict(item.meta, content_type=item.content_type, charset=encoding)
        return Document(id=item.id, text=text, source=item.source, url=item.url, meta=meta,
                        annotations={"extract_path": path})

    def _refuse(self, page: RawPage) -> Optional[Drop]:
        status = page.meta.get("http_status")
        if status is not None and not 200 <= status < 300 and not self.config.keep_non_ok_status:
            return Drop("http_status_not_ok", str(status))
        head = page.body[:SNIFF_BYTES]
        declared_html = page.content_type in HTML_TYPES
        if not declared_html and not (page.content_type in SNIFFED_TYPES and looks_like_html(head)):
            return Drop("not_html", page.content_type or "no content type")
        if b"\x00" in head:
            return Drop("binary_body", page.content_type)
        return None

    def _extract(self, html: str) -> tuple:
        """(text, extract path): the configured extraction, or its fallback when that found too little."""
        tree = functools.cache(lambda: HTMLTree.parse(html))
        whole = functools.cache(lambda: plain_text(tree(), main_content=False))
        if self.config.extractor == "trafilatura":
            first, path = self._with_trafilatura(html), TRAFILATURA
        elif self.config.main_content:
            first, path = plain_text(tree(), main_content=True), MAIN_CONTENT
        else:
            return whole(), WHOLE_PAGE
        if self.config.fallback == "none" or not self._too_little(first, html, whole):
            return first, path
        if self._trafilatura is not None and path != TRAFILATURA:
            rescued = self._with_trafilatura(html)
            if rescued.strip():
                return rescued, TRAFILATURA
        return (whole(), WHOLE_PAGE) if whole().strip() else (first, path)

    def _too_little(self, text: str, html: str, whole) -> bool:
        """Empty, or under MAIN_CONTENT_FLOOR characters and under fallback_ratio of the whole page's
        text. A page's text is never longer than its HTML, so text of that share of the HTML is
        enough, and the whole page is then not extracted at all."""
        size = len(text.strip())
        if size == 0:
            return True
        if size >= MAIN_CONTENT_FLOOR:
            return False
        limit = self.config.fallback_ratio
        return size < limit * len(html) and size < limit * len(whole().strip())

    def _with_trafilatura(self, html: str) -> str:
        return self._trafilatura.extract(html, include_comments=False, include_tables=True) or ""


def plain_text(tree: HTMLTree, main_content: bool) -> str:
    return extract_plain_text(tree, preserve_formatting=True, main_content=main_content, alt_texts=False,
                              form_fields=False, noscript=False)


def looks_like_html(head: bytes) -> bool:
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return lowered.startswith(b"<") and any(marker in lowered for marker in _HTML_MARKERS)


def choose_encoding(body: bytes, declared: Optional[str]) -> str:
    """The HTTP header's charset when it names a web text encoding, else the meta tag or uchardet.

    Which names count is the WHATWG Encoding Standard's list of labels (through
    resiliparse): Python also knows `base64`, `rot13`, `zlib`, `hex` or
    `punycode`, which are no text encodings of a web page and would turn a good
    page into an error.
    """
    if declared:
        mapped = map_encoding_to_html5(declared, fallback_utf8=False)
        if mapped:
            return mapped
    return detect_encoding(body, from_html_meta=True)


def refuse_raw_pages(item: Union[RawPage, Document]) -> Union[Document, Drop]:
    """With extraction switched off, archive records have no text: they are dropped, and counted."""
    return item if isinstance(item, Document) else Drop("extraction_disabled", item.content_type)
