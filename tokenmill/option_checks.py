"""What the `problems()` methods of the stage configs share: one message per bad option.

Each message names the option by its full dotted key and says what it allows,
so that a mistake costs one line: "near_dedup.components must be one of star,
union_find; got 'unionfind'". Types are checked before (pipelines/config.py),
so these checks see ints, floats, strings and lists of strings.
"""
from __future__ import annotations

import importlib.util
from typing import Any, Iterable


class OptionChecks:
    """Collects the problems of one config section; `where` is its dotted key ("quality.c4")."""

    def __init__(self, section: Any, where: str):
        self._section, self._where = section, where
        self.problems: list = []

    def key(self, name: str) -> str:
        return f"{self._where}.{name}" if self._where else name

    def _value(self, name: str):
        return getattr(self._section, name)

    def fail(self, message: str) -> None:
        self.problems.append(message)

    def at_least(self, name: str, low) -> None:
        value = self._value(name)
        if value < low:
            self.fail(f"{self.key(name)} must be at least {low}, got {value!r}")

    def between(self, name: str, low, high) -> None:
        value = self._value(name)
        if not low <= value <= high:
            self.fail(f"{self.key(name)} must be between {low} and {high}, got {value!r}")

    def fraction(self, name: str) -> None:
        self.between(name, 0, 1)

    def one_of(self, name: str, allowed: Iterable) -> None:
        value, allowed = self._value(name), list(allowed)
        if value not in allowed:
            self.fail(f"{self.key(name)} must be one of {', '.join(map(str, allowed))}; got {value!r}")

    def all_of(self, name: str, allowed: Iterable) -> None:
        """Every item of a list option is one of `allowed`."""
        allowed = list(allowed)
        unknown = [item for item in self._value(name) if item not in allowed]
        if unknown:
            self.fail(f"{self.key(name)}: {unknown[0]!r} is not one of {', '.join(map(str, allowed))}")

    def not_empty(self, name: str) -> None:
        if not self._value(name):
            self.fail(f"{self.key(name)} must not be empty")

    def fractions_by_key(self, name: str, key_type: type) -> None:
        """A mapping option whose values are fractions in [0, 1] and whose keys are of `key_type`."""
        for key, value in self._value(name).items():
            if not isinstance(key, key_type):
                self.fail(f"{self.key(name)}: key {key!r} must be a {key_type.__name__}")
            elif isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
                self.fail(f"{self.key(name)}: {key} must map to a number between 0 and 1, got {value!r}")

    def installed(self, module: str, name: str, extra: str) -> None:
        """An optional dependency that the chosen value needs on every worker."""
        if importlib.util.find_spec(module) is None:
            self.fail(f"{self.key(name)}={self._value(name)!r} needs the {module} package: "
                      f"pip install 'tokenmill[{extra}]'")
