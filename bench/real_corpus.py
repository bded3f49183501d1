"""Build benchmark corpora from the real Common Crawl files in ../shared/data/web.

The shared WARCs hold about 10 MB of HTML in all, so to reach a benchmark-sized
corpus their HTML responses are replicated: copy k of a record gets a new
WARC-Record-ID and URL (`...#copy=k`) so every document has its own id. The
text is real; its repetition is not, which matters for deduplication
benchmarks (they must not use this replication) but not for reading and
extraction speed.
"""
from __future__ import annotations

import glob
import gzip
import json
import os
import uuid

from corpus.document import RawPage
from corpus.normalize import normalize_text
from corpus.warc_reader import read_archive
from corpus.warc_writer import gzip_member, http_response, warc_record, warcinfo_record

SHARED_WEB = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "web")
HTML_WARCS = ("dolma/warc__sample-000*.warc.gz", "resiliparse_warc/*.warc.gz",
              "copycat_cc_arc/snapshot-wayback-topic-02.warc.gz", "copycat_cc_arc/clueweb09-*.warc.gz",
              "copycat_cc_arc/*.arc", "cc_format_samples/whirlwind__whirlwind.warc.gz")


DOLMA = os.path.join(SHARED_WEB, "dolma", "CC-MAIN-20190717121559-20190717143559-00140.jsonl.gz")


def real_text_rows(target_mb: float) -> list:
    """Normalised text of the 697 Common Crawl documents of dolma/, repeated under new ids to `target_mb`."""
    with gzip.open(DOLMA, "rt", encoding="utf-8") as handle:
        base = [json.loads(line) for line in handle]
    rows, size, copy = [], 0, 0
    while size < target_mb * 1e6 or not copy:
        for record in base:
            text = normalize_text(record["text"])
            if text:
                rows.append({"id": f"{record['id']}-{copy}", "text": text,
                             "url": record.get("metadata", {}).get("url") or f"https://dolma.test/{record['id']}"})
                size += len(text.encode())
        copy += 1
    return rows


LINGUA = os.path.join(SHARED_WEB, "..", "langid", "lingua_testdata")
HTML_PAGES = os.path.join(SHARED_WEB, "..", "html")


def unique_real_text(target_mb: float) -> list:
    """Distinct real texts up to `target_mb`: dolma's pages, extracted HTML test pages, lingua's sentences.

    For tokenizer training, where repeated text would be counted once and
    flatter the time. Stops short when the shared data runs out.
    """
    from resiliparse.extract.html2text import extract_plain_text
    texts = [row["text"] for row in real_text_rows(0)]
    for path in sorted(glob.glob(os.path.join(HTML_PAGES, "**", "*.htm*"), recursive=True)):
        with open(path, "rb") as handle:
            texts.append(normalize_text(extract_plain_text(handle.read().decode("utf-8", "replace"),
                                                           main_content=True)))
    for path in sorted(glob.glob(os.path.join(LINGUA, "*", "sentences.txt"))):
        with open(path, encoding="utf-8", errors="replace") as handle:
            texts.append(handle.read())
    chosen, size = [], 0
    for text in dict.fromkeys(text for text in texts if text):
        if size >= target_mb * 1e6:
            break
        chosen.append(text)
        size += len(text.encode())
    return chosen


def real_html_pages(web_dir: str = SHARED_WEB) -> list:
    """(url, content_type, body) of every HTML response in the shared archives, in file order."""
    pages = []
    for pattern in HTML_WARCS:
        for path in sorted(glob.glob(os.path.join(web_dir, pattern))):
            with open(path, "rb") as handle:
                for item in read_archive(handle, path, "bench", 64 << 20):
                    if isinstance(item, RawPage) and "html" in item.content_type and item.body:
                        pages.append((item.url, item.content_type, item.body))
    if not pages:
        raise SystemExit(f"no real HTML found under {web_dir}: ../shared/data/web is needed")
    return pages


def build_warc_corpus(directory: str, target_bytes: int, files: int = 8, max_pages: int = 0) -> dict:
    """Write `files` WARC files holding about `target_bytes` of real HTML; return a summary.

    `max_pages` > 0 keeps only the first pages (a tiny corpus to time start-up).
    """
    os.makedirs(directory, exist_ok=True)
    pages = real_html_pages()[: max_pages or None]
    unique_bytes = sum(len(body) for _, _, body in pages)
    copies = max(1, -(-target_bytes // unique_bytes))
    handles = [open(os.path.join(directory, f"bench-{i:03d}.warc.gz"), "wb") for i in range(files)]
    for handle in handles:
        handle.write(gzip_member(warcinfo_record(os.path.basename(handle.name))))
    written = records = 0
    for copy in range(copies):
        for number, (url, content_type, body) in enumerate(pages):
            copy_url = f"{url}#copy={copy}"
            record_id = f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, copy_url + str(number))}>"
            record = warc_record(copy_url, http_response(body, content_type), record_id=record_id)
            handles[records % files].write(gzip_member(record))
            written += len(body)
            records += 1
    for handle in handles:
        handle.close()
    return {"html_bytes": written, "records": records, "unique_html_bytes": unique_bytes,
            "unique_pages": len(pages), "copies": copies, "files": files}
