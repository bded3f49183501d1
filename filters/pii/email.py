"""Presidio's e-mail recognizer with the local part bounded to 64 characters, as RFC 5321 bounds it.

Presidio's pattern lets the local part run on without a limit, so on a long
token of word characters and dots or dashes it tries every start against
every end: 10,000 characters of `a-a-a-...@` took 10 s. With the bound, each
start is tried against at most 64 characters, and the time is linear in the
text. Addresses with a longer local part are not valid addresses.
"""
from __future__ import annotations

from presidio_analyzer import Pattern
from presidio_analyzer.predefined_recognizers import EmailRecognizer

_LOCAL = r"[!#$%&'*+\-/=?^_`{|}~\w]"
_LOCAL_OR_DOT = r"[!#$%&'*+\-/=?^_`{|}~\.\w]"
BOUNDED_EMAIL = (rf"\b(({_LOCAL}|{_LOCAL}{_LOCAL_OR_DOT}{{0,62}}{_LOCAL})[@]\w+(?:-+\w+)*(?:\.\w+(?:-+\w+)*)+)\b")


class BoundedEmailRecognizer(EmailRecognizer):
    def __init__(self, supported_language: str = "en"):
        super().__init__(patterns=[Pattern("Email, local part of at most 64 characters", BOUNDED_EMAIL, 0.5)],
                         supported_language=supported_language, name="BoundedEmailRecognizer")
