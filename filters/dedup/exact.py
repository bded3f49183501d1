"""Exact duplicates: a 128-bit hash of the normalised text, and of the URL for URL dedup."""
from __future__ import annotations

import xxhash


def text_key(text: str) -> str:
    """xxh3-128 of the text the normalize stage produced; 128 bits keep collisions out of reach."""
    return xxhash.xxh3_128_hexdigest(text.encode("utf-8", "surrogatepass"))


def url_key(url: str) -> str:
    """The URL without scheme, 'www.' and fragment, lower-cased host: the same page crawled twice."""
    rest = url.split("://", 1)[-1].split("#", 1)[0]
    host, sep, path = rest.partition("/")
    host = host.lower()
    if host.startswith("www."):
        host = host[4:]
    return host + sep + path
