"""Which entities a piece of text could hold, from one cheap test per entity.

Each test is a necessary condition of every pattern of that entity's
recognizers: a text the test does not match cannot hold the entity, so its
recognizers need not run there. The tests are compiled like Presidio's own
patterns (the `regex` module, case-insensitive, DOTALL, MULTILINE), so
character classes mean the same in both. An entity without a test (URL,
names) is always looked for.
"""
from __future__ import annotations

import regex

_FLAGS = regex.IGNORECASE | regex.DOTALL | regex.MULTILINE
# Eight digits, single separators between them: every pattern of these entities has at least that.
_DIGIT_RUN = r"\d(?:[- .]?\d){7}"

NECESSARY = {
    "EMAIL_ADDRESS": "@",
    "URL_PASSWORD": r"://\S*@",
    "PHONE_NUMBER": r"\d",                      # phonenumbers' candidates start at a digit or a plus and hold digits
    "CREDIT_CARD": _DIGIT_RUN,
    "US_BANK_NUMBER": _DIGIT_RUN,
    "US_SSN": _DIGIT_RUN,
    "US_ITIN": _DIGIT_RUN,
    "US_PASSPORT": _DIGIT_RUN,
    "UK_NHS": _DIGIT_RUN,
    "IBAN_CODE": r"[^\W\d_]{2}\d{2}",
    "IP_ADDRESS": r"[0-9]\.[0-9]{1,3}\.[0-9]|:[0-9A-Fa-f]{0,4}:",      # v4 has d.d.d, v6 two colons
    "CRYPTO": r"[13][a-zA-HJ-NP-Z0-9]{25}",
    "AWS_ACCESS_KEY": r"AKIA|ASIA",
    "PRIVATE_KEY": r"-----BEGIN ",
    "BEARER_TOKEN": r"bearer\s",
    "API_TOKEN": r"gh[pousr]_|xox[abprs]-|AIza",
}
_COMPILED = {pattern: regex.compile(pattern, _FLAGS) for pattern in set(NECESSARY.values())}


def entities_present(text: str, entities) -> tuple:
    """The entities of `entities` that `text` could hold, in the given order."""
    found: dict = {}            # pattern -> whether it matched; six entities share the digit run
    present = []
    for entity in entities:
        pattern = NECESSARY.get(entity)
        if pattern is not None and pattern not in found:
            found[pattern] = _COMPILED[pattern].search(text) is not None
        if pattern is None or found[pattern]:
            present.append(entity)
    return tuple(present)
