"""Build the small demo corpus: WARC and JSONL files with every kind of page a real crawl has.

Several languages, exact and near duplicates, pages with e-mail addresses
and phone numbers, very short and boilerplate pages, a non-HTML record, and
broken inputs (a truncated record, a corrupt gzip member, malformed and
non-UTF-8 JSON lines). Everything is generated here; nothing is downloaded.
"""
from __future__ import annotations

import gzip
import html
import itertools
import json
import os

from corpus.demo_text import BOILERPLATE, CONTACT_LINES, POOLS
from corpus.warc_writer import gzip_member, http_response, warc_record, warcinfo_record

__all__ = ["build_demo_corpus"]


def _page(title: str, paragraphs: list, extra: str = "") -> bytes:
    body = "".join(f"<p>{html.escape(p)}</p>\n" for p in paragraphs)
    footer = f"<footer><p>{html.escape(BOILERPLATE)}</p></footer>"
    return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"</head><body><nav><a href=\"/\">Home</a> | <a href=\"/about\">About</a></nav>"
            f"<article><h1>{html.escape(title)}</h1>\n{body}{extra}</article>{footer}</body></html>"
            ).encode("utf-8")


def _article_pages() -> list:
    """(url, html) for pages made of two paragraphs of one language."""
    pages = []
    for lang, pool in sorted(POOLS.items()):
        for number, (a, b) in enumerate(itertools.combinations(range(len(pool)), 2)):
            if number >= 6:
                break
            url = f"https://{lang}.demo-site.test/articles/{number}"
            pages.append((url, _page(f"{lang} article {number}", [pool[a], pool[b]])))
    return pages


def _special_pages() -> list:
    english = POOLS["en"]
    near_copy = english[3].replace("two hundred towns", "two hundred and fifty towns")
    return [
        # exact duplicates: the same page under other addresses
        ("https://mirror-one.test/bread", _page("en article 0", [english[0], english[1]])),
        ("https://mirror-two.test/bread", _page("en article 0", [english[0], english[1]])),
        # near duplicates: one word changed, different chrome
        ("https://copy-site.test/printing", _page("History of printing", [english[0], near_copy])),
        # personal information
        ("https://events.test/workshop", _page("Workshop", [english[4], english[5]],
                                              f"<p>{html.escape(CONTACT_LINES[0])}</p>")),
        ("https://events.test/atelier", _page("Atelier", [POOLS['fr'][0], POOLS['fr'][1]],
                                             f"<p>{html.escape(CONTACT_LINES[1])}</p>")),
        # a domain on the demo's own gambling blocklist
        ("https://www.lucky-spins-casino.test/bonus", _page("Bonus", [english[6], english[7]])),
        # too short and boilerplate-only pages
        ("https://tiny.test/", b"<html><body><p>Welcome!</p></body></html>"),
        ("https://cookies.test/", _page("", [])),
    ]


def _warc_file(pages: list) -> bytes:
    records = [warcinfo_record("demo")]
    for url, page in pages:
        records.append(warc_record(url, http_response(page)))
    return b"".join(gzip_member(record) for record in records)


def _broken_warc() -> bytes:
    good = warc_record("https://broken.test/ok", http_response(_page("ok", [POOLS["en"][6], POOLS["en"][7]])))
    image = warc_record("https://broken.test/logo.png", http_response(b"\x89PNG\r\n\x1a\n" + bytes(200),
                                                                        content_type="image/png"))
    binary = warc_record("https://broken.test/blob", http_response(bytes(range(256)) * 4,
                                                                     content_type="text/html"))
    truncated = warc_record("https://broken.test/cut", http_response(_page("cut", [POOLS["en"][8]])))
    corrupt = bytearray(gzip_member(warc_record("https://broken.test/corrupt", b"x" * 500)))
    corrupt[30:60] = b"\xff" * 30
    return (gzip_member(good) + gzip_member(image) + gzip_member(binary)
            + gzip_member(truncated[: len(truncated) // 2]) + bytes(corrupt))


def _jsonl_lines() -> bytes:
    english = POOLS["en"]
    records = [
        {"id": "post-1", "url": "https://forum.test/t/1", "text": f"{english[9]}\n\n{english[8]}"},
        {"id": "post-2", "url": "https://forum.test/t/2", "text": f"{POOLS['es'][2]}\n\n{POOLS['es'][0]}"},
        {"id": "post-3", "url": "https://forum.test/t/3",
         "text": f"{english[1]}\n\n{CONTACT_LINES[2]}\n\n{english[7]}"},
        {"id": "post-4", "url": "https://forum.test/t/4", "text": f"{english[9]}\n\n{english[8]}"},
        {"id": "post-5", "url": "https://forum.test/t/5", "text": "ok"},
        {"id": "post-6", "url": "https://forum.test/t/6", "body": "no text field here"},
    ]
    lines = [json.dumps(record, ensure_ascii=False).encode("utf-8") for record in records]
    lines.insert(3, b'{"id": "post-bad", "text": "unterminated')
    lines.insert(5, b'{"id": "post-latin1", "text": "caf\xe9 cr\xe8me"}')
    return b"\n".join(lines) + b"\n"


def build_demo_blocklist(directory: str) -> str:
    """A UT1-layout folder with one category; real lists come from `tokenmill assets fetch`."""
    os.makedirs(os.path.join(directory, "gambling"), exist_ok=True)
    with open(os.path.join(directory, "gambling", "domains"), "w", encoding="utf-8") as handle:
        handle.write("# demo list\nlucky-spins-casino.test\n")
    return directory


def build_demo_corpus(directory: str) -> list:
    """Write the demo files into `directory`; return the --input specs that read them."""
    os.makedirs(directory, exist_ok=True)
    pages = _article_pages() + _special_pages()
    half = len(pages) // 2
    files = {
        "crawl-00000.warc.gz": _warc_file(pages[:half]),
        "crawl-00001.warc.gz": _warc_file(pages[half:]),
        "crawl-00002.warc.gz": _broken_warc(),
        "forum.jsonl.gz": gzip.compress(_jsonl_lines(), mtime=0),
    }
    for name, data in files.items():
        with open(os.path.join(directory, name), "wb") as handle:
            handle.write(data)
    return [f"web={os.path.join(directory, '*.warc.gz')}", f"forum={os.path.join(directory, '*.jsonl.gz')}"]
