"""Which document of a duplicate group survives: the same rule for exact and near duplicates."""
from __future__ import annotations

NO_DATE = "9999"   # documents without a crawl date sort after every dated one


def keep_key(doc_id: str, crawl_date) -> tuple:
    """Earliest crawl date first, then the smallest id: independent of arrival order."""
    return (crawl_date or NO_DATE, doc_id)


def document_keep_key(doc) -> tuple:
    return keep_key(doc.id, doc.meta.get("crawl_date"))
