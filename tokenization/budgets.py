"""Training budgets by name: "2T", "8T", "13T" (Gemma 2's 2.6B, 9B and 27B budgets) or "name=size"."""
from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from tokenmill.usage import UsageError

DEFAULT_BUDGETS = ("2T", "8T", "13T")
_UNITS = {"": 1, "K": 10**3, "M": 10**6, "B": 10**9, "G": 10**9, "T": 10**12}
MAX_TOKENS = 10**18          # a million T: far beyond any training run, and a sane bound for the plan's ints
_SIZE = re.compile(r"^(\d+(?:\.\d+)?)([KMBGT]?)$", re.IGNORECASE)
_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")


class BudgetError(UsageError):
    """A budget that cannot be read."""


@dataclass(frozen=True)
class Budget:
    name: str
    tokens: int


def parse_size(text: str) -> int:
    match = _SIZE.match(text.strip())
    if not match:
        raise BudgetError(f"budget size {text!r} is not a number with an optional K, M, B or T")
    number, unit = match.groups()
    tokens = round(Fraction(number) * _UNITS[unit.upper()])      # exact: a float would round 20 digits
    if tokens <= 0:
        raise BudgetError(f"budget size {text!r} must be positive")
    if tokens > MAX_TOKENS:
        raise BudgetError(f"budget size {text!r} is beyond {MAX_TOKENS // _UNITS['T']:,}T tokens")
    return tokens


def parse_budget(text: str) -> Budget:
    """"13T" names itself; "smoke=20M" names a custom budget."""
    name, sep, size = text.partition("=")
    if not sep:
        name, size = text, text
    name = name.strip()
    if not _NAME.match(name):
        raise BudgetError(f"budget name {name!r} may hold letters, digits, '_', '.', '-' only")
    return Budget(name, parse_size(size))


def parse_budgets(items) -> list:
    """A list of budget strings, or one comma-separated string, without repeated names."""
    if isinstance(items, str):
        items = items.split(",")
    budgets = [parse_budget(str(item)) for item in items if str(item).strip()]
    names = [budget.name for budget in budgets]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise BudgetError(f"budget names repeat: {', '.join(repeated)}")
    return budgets
