"""HTML to main-content text: charset detection, then resiliparse (or trafilatura)."""
from __future__ import annotations

import codecs
from dataclasses import dataclass
from typing import Optional, Union

from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.encoding import bytes_to_str, detect_encoding
from resiliparse.parse.html import HTMLTree

from corpus.document import Document, Drop, RawPage

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "application/xml+xhtml"})
# Types a crawler labels carelessly; the body decides whether they are HTML.
SNIFFED_TYPES = frozenset({"", "text/plain", "application/octet-stream", "unknown", "text/xml",
                           "application/xml", "no-type", "application/unknown"})
_HTML_MARKERS = (b"<html", b"<!doctype html", b"<head", b"<body", b"<title", b"<div", b"<p>")
SNIFF_BYTES = 2048


@dataclass(frozen=True)
class ExtractConfig:
    enabled: bool = True
    extractor: str = "resiliparse"       # resiliparse | trafilatura
    main_content: bool = True
    keep_non_ok_status: bool = False


class HtmlExtractor:
    """RawPage -> Document with the page's main text, or a Drop saying why not."""

    def __init__(self, config: ExtractConfig):
        self.config = config
        if config.extractor not in ("resiliparse", "trafilatura"):
            raise ValueError(f"unknown extractor {config.extractor!r} (resiliparse or trafilatura)")
        self._trafilatura = None
        if config.extractor == "trafilatura":
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
        text = self._extract(html)
        if not text.strip():
            return Drop("empty_after_extraction")
        meta = dict(item.meta, content_type=item.content_type, charset=encoding)
        return Document(id=item.id, text=text, source=item.source, url=item.url, meta=meta)

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

    def _extract(self, html: str) -> str:
        if self._trafilatura is not None:
            return self._trafilatura.extract(html, include_comments=False, include_tables=True) or ""
        tree = HTMLTree.parse(html)
        return extract_plain_text(tree, preserve_formatting=True, main_content=self.config.main_content,
                                  alt_texts=False, form_fields=False, noscript=False)


def looks_like_html(head: bytes) -> bool:
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return lowered.startswith(b"<") and any(marker in lowered for marker in _HTML_MARKERS)


def choose_encoding(body: bytes, declared: Optional[str]) -> str:
    """The HTTP header's charset when Python knows it, else the meta tag or uchardet."""
    if declared:
        try:
            return codecs.lookup(declared).name
        except LookupError:
            pass
    return detect_encoding(body, from_html_meta=True)


def refuse_raw_pages(item: Union[RawPage, Document]) -> Union[Document, Drop]:
    """With extraction switched off, archive records have no text: they are dropped, and counted."""
    return item if isinstance(item, Document) else Drop("extraction_disabled", item.content_type)
