"""Write WARC/1.0 records: for the demo corpus, test fixtures and benchmark corpora."""
from __future__ import annotations

import gzip
import uuid
from typing import Optional


def http_response(body: bytes, content_type: str = "text/html; charset=utf-8",
                  status: str = "200 OK") -> bytes:
    head = (f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")
    return head.encode("latin-1") + body


def warc_record(url: Optional[str], block: bytes, record_type: str = "response",
                date: str = "2024-05-01T12:00:00Z", record_id: Optional[str] = None,
                content_type: str = "application/http; msgtype=response",
                declared_length: Optional[int] = None) -> bytes:
    """One uncompressed WARC record. `declared_length` lets tests lie about the length."""
    record_id = record_id or f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{url}|{date}')}>"
    headers = [
        "WARC/1.0",
        f"WARC-Type: {record_type}",
        f"WARC-Date: {date}",
        f"WARC-Record-ID: {record_id}",
        f"Content-Type: {content_type}",
        f"Content-Length: {len(block) if declared_length is None else declared_length}",
    ]
    if url:
        headers.insert(2, f"WARC-Target-URI: {url}")
    return ("\r\n".join(headers) + "\r\n\r\n").encode("utf-8") + block + b"\r\n\r\n"


def gzip_member(data: bytes) -> bytes:
    """Each record its own gzip member, as crawlers write them; mtime 0 keeps bytes stable."""
    return gzip.compress(data, mtime=0)


def warcinfo_record(filename: str) -> bytes:
    body = f"software: tokenmill\r\nformat: WARC File Format 1.0\r\nfilename: {filename}\r\n".encode()
    return warc_record(None, body, record_type="warcinfo", content_type="application/warc-fields",
                       record_id=f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, filename)}>")
