"""Which document of a duplicate group survives: the same rule for exact and near duplicates."""
from __future__ import annotations

NO_DATE = "9999"   # documents without a crawl date sort after every dated one


def keep_key(doc_id: str, crawl_date) -> tuple:
    """Earliest crawl date first, then the smallest id: independent of arrival order. A date that is not a
    string is compared by its str(): the readers give strings, and a run's plugin check refuses others,
    but the dedup transforms, used from Python, must not raise on one beside them."""
    if not crawl_date:
        return (NO_DATE, doc_id)
    return (crawl_date if type(crawl_date) is str else str(crawl_date), doc_id)


def document_keep_key(doc) -> tuple:
    return keep_key(doc.id, doc.meta.get("crawl_date"))
