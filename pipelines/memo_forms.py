"""How a stage's result is named and stored when it is kept per document (pipelines/reuse_stages.py).

Two forms. WholeDocument (PII) names a result by the whole document as it entered the stage and stores
what the stage made of it: any field may decide a result or be changed by it. TextAndLanguage (unsafe
words) is for a stage that reads only the text and annotations["lang"] and only adds annotations or
drops: it names a result by those two and stores the annotations it added and its drop. Its name costs a
hash of the text, not the encoding of the whole document, so a rerun's lookup costs a small part of the
stage's own work (unsafe words: the lowering, splitting and stripping of every token). A stage's form is
a fact about its code, so only built-in stages have one.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json

from corpus.cache_codec import CacheCodecError, decode_text, encode_line, encode_record, encode_text
from corpus.document import Document, Drop
from filters.unsafe_words import ANNOTATIONS as UNSAFE_WORDS_ANNOTATIONS

DIGEST_LENGTH = 32


def document_digest(key: bytes, encoded: bytes) -> str:
    """The name of a document's result: the stage's key and what the stage reads of the document."""
    return hashlib.sha256(key + encoded).hexdigest()[:DIGEST_LENGTH]


class WholeDocument:
    """Named by the whole document (text, id, url, meta, annotations); stores the kept document's fields
    (its text only when the stage changed it) or the drop with the annotations left on the way to it."""

    name = "whole_document"

    @staticmethod
    def usable(doc: Document) -> bool:
        return True

    @staticmethod
    def digest(key: bytes, doc: Document) -> str:
        return document_digest(key, encode_line(encode_record(doc)))

    @staticmethod
    def run(stage, doc: Document) -> tuple:
        """(the stage's result, its stored text or None when the codec refuses a value in it). What the
        stage raises is raised: an error is reported, never kept."""
        text = doc.text
        result = stage(doc)
        if isinstance(result, Drop):
            return result, _stored({"drop": [result.reason, result.detail], "annotations": doc.annotations})
        if not isinstance(result, Document):
            return result, None
        fields = {spec.name: getattr(result, spec.name) for spec in dataclasses.fields(result) if spec.name != "text"}
        return result, _stored({"kept": fields, "text": None if result.text == text else result.text})

    @staticmethod
    def apply(doc: Document, stored: dict):
        if "drop" in stored:
            doc.annotations = stored["annotations"]
            return Drop(*stored["drop"])
        for name, value in stored["kept"].items():
            setattr(doc, name, value)
        if stored["text"] is not None:
            doc.text = stored["text"]
        return doc

    @staticmethod
    def parses(value) -> bool:
        if not isinstance(value, dict):
            return False
        if "drop" in value:
            return (set(value) == {"drop", "annotations"} and _is_drop(value["drop"])
                    and isinstance(value["annotations"], dict))
        return (set(value) == {"kept", "text"} and isinstance(value["kept"], dict)
                and isinstance(value["text"], (str, type(None))))


class TextAndLanguage:
    """Named by annotations["lang"] and the text; stores the annotations the stage wrote (`writes`, the only
    ones it may write) and its drop (None when it kept the document). A document that arrives with one of
    `writes` already set (by a plugin before the stage) is computed, never looked up: the stage may write
    a value equal to the one it found, which no comparison could tell from leaving it, and that value
    would not be in the result. A result that changed the text or an annotation outside `writes` is not
    kept either."""

    name = "text_and_language"

    def __init__(self, writes: tuple):
        self.writes = frozenset(writes)

    @staticmethod
    def digest(key: bytes, doc: Document) -> str:
        return document_digest(key, json.dumps(doc.annotations.get("lang")).encode() + b"\0"
                               + doc.text.encode("utf-8", "surrogatepass"))

    def usable(self, doc: Document) -> bool:
        return self.writes.isdisjoint(doc.annotations)

    def run(self, stage, doc: Document) -> tuple:
        if not self.usable(doc):
            return stage(doc), None
        text, before = doc.text, dict(doc.annotations)
        result = stage(doc)
        changed = {name for name, value in doc.annotations.items() if name not in before or before[name] is not value}
        only_its_own = ((result is doc or isinstance(result, Drop)) and doc.text is text
                        and before.keys() <= doc.annotations.keys() and changed <= self.writes)
        if not only_its_own:
            return result, None
        return result, _stored({"added": {name: doc.annotations[name] for name in doc.annotations if name in self.writes},
                                "drop": [result.reason, result.detail] if isinstance(result, Drop) else None})

    @staticmethod
    def apply(doc: Document, stored: dict):
        doc.annotations.update(stored["added"])
        return Drop(*stored["drop"]) if stored["drop"] is not None else doc

    @staticmethod
    def parses(value) -> bool:
        return (isinstance(value, dict) and set(value) == {"added", "drop"} and isinstance(value["added"], dict)
                and (value["drop"] is None or _is_drop(value["drop"])))


def _stored(value: dict):
    try:
        return encode_text(value)
    except CacheCodecError:         # a value the codec refuses: the result is used, not kept
        return None


def _is_drop(value) -> bool:
    return isinstance(value, list) and len(value) == 2


def parses_as(form, result: str) -> bool:
    """Whether `result` (a result file's text) is what `form.run` stores."""
    try:
        return form.parses(decode_text(result))
    except ValueError:
        return False


# The built-in stages whose results are kept per document, and how.
MEMO_FORMS = {"pii": WholeDocument(), "unsafe_words": TextAndLanguage(UNSAFE_WORDS_ANNOTATIONS)}


def memo_form(config, stage: str):
    """The form `stage`'s results are kept in under `config`, or None when they are not kept: unsafe words
    without word lists looks nothing up, and keeping its results would cost more than it does."""
    if stage == "unsafe_words" and not config.unsafe_words.lists:
        return None
    return MEMO_FORMS.get(stage)
