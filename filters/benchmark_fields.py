"""Which text of a benchmark item is indexed: its string leaves, all of them or those under given paths.

A path is dotted keys, and `[]` after a key steps into each element of the
list there: `question.stem`, `question.choices[].text`, `choices[]`. A path
that ends on an object or a list selects every string leaf beneath it, so
`question` alone takes the stem and every choice (never the Python text of a
dict). A key that is itself spelt with dots (a CSV header "question.stem")
is taken as it is when the item has it.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterator

_STEP = re.compile(r"([^.\[\]]+)(\[\])?")


class FieldPathError(ValueError):
    pass


def parse_path(path) -> tuple:
    """((key, into_list), ...) for a path; FieldPathError when it is not dotted keys with optional []."""
    if not isinstance(path, str):
        raise FieldPathError(f"field path {path!r} is not a string of dotted keys (e.g. question.choices[].text)")
    return _parse_path(path)


@lru_cache(maxsize=1024)
def _parse_path(path: str) -> tuple:
    steps = []
    for part in path.split("."):
        match = _STEP.fullmatch(part)
        if not match:
            raise FieldPathError(f"field path {path!r} is not dotted keys with [] for lists "
                                 "(e.g. question.choices[].text)")
        steps.append((match.group(1), bool(match.group(2))))
    return tuple(steps)


def string_leaves(value: Any) -> Iterator[str]:
    """Every string inside a value, depth first, in the order the item lists them. A stack, not
    recursion: an item may be nested deeper than Python's recursion limit."""
    stack = [value]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            stack.extend(reversed(list(value.values())))
        elif isinstance(value, (list, tuple)):
            stack.extend(reversed(value))


def _follow(value: Any, steps: tuple) -> Iterator[Any]:
    if not steps:
        yield value
        return
    (key, into_list), rest = steps[0], steps[1:]
    if not isinstance(value, dict) or key not in value:
        return
    child = value[key]
    if not into_list:
        yield from _follow(child, rest)
    elif isinstance(child, (list, tuple)):
        for element in child:
            yield from _follow(element, rest)


def select_leaves(item: dict, path: str) -> list:
    """The string leaves a path selects in one item (none when the item lacks it)."""
    if path in item:
        return list(string_leaves(item[path]))
    return [leaf for value in _follow(item, parse_path(path)) for leaf in string_leaves(value)]


def item_texts(item: dict, paths: list) -> list:
    """The texts of an item that are indexed: the leaves of `paths` in their order, or every string leaf."""
    if not paths:
        return list(string_leaves(item))
    return [leaf for path in paths for leaf in select_leaves(item, path)]


def unfound_paths(items: list, paths: list) -> list:
    """The paths that select no string leaf in any of the items."""
    return [path for path in paths if not any(select_leaves(item, path) for item in items)]


def leaf_paths(items: list, limit: int = 12) -> list:
    """The paths of the string leaves the items have (`question.choices[].text`), in first-seen order:
    what a usage error lists beside a path that found nothing."""
    seen: dict = {}
    for item in items:
        stack = [("", item)]
        while stack and len(seen) < limit:
            where, value = stack.pop()
            if isinstance(value, str):
                seen.setdefault(where, None)
            elif isinstance(value, dict):
                stack.extend(reversed([(f"{where}.{key}" if where else str(key), child)
                                       for key, child in value.items()]))
            elif isinstance(value, (list, tuple)):
                stack.extend(reversed([(where + "[]", child) for child in value]))
        if len(seen) >= limit:
            break
    return list(seen)
