"""Field access by dotted path ("metadata.url") into nested JSON-like records."""
from __future__ import annotations

from typing import Any, Optional


def get_field(record: dict, path: Optional[str]) -> Any:
    if not path:
        return None
    value: Any = record
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def first_field(record: dict, paths: list) -> Any:
    """The value of the first path that is present and not None."""
    for path in paths:
        value = get_field(record, path)
        if value is not None:
            return value
    return None
