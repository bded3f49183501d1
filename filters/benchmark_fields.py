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


@lru_cache(maxsize=1024)
def parse_path(path: str) -> tuple:
    """((key, into_list), ...) for a path; FieldPathError when it is not dotted keys with optional []."""
    steps = []
    for part in path.split("."):
        match = _STEP.fullmatch(part)
        if not match:
            raise FieldPathError(f"field path {path!r} is not dotted keys with [] for lists "
                                 "(e.g. question.choices[].text)")
        steps.append((match.group(1), bool(match.group(2))))
    return tuple(steps)


def string_leaves(value: Any) -> Iterator[str]:
    """Every string inside a value, depth first, in the order the item lists them."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for child in value.values():
            yield from string_leaves(child)
    elif isinstance(value, (list, tuple)):
        for child in value:
            yield from string_leaves(child)


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
