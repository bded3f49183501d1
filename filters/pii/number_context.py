"""What the text around a number says about it: the rules that keep ids, dates and quantities from being redacted.

A pattern or phonenumbers sees digits; a reader sees `ISBN 0-306-40615-2`,
`https://arxiv.org/abs/0704.3116`, `in 1699` or `Tel. 0228 12345`. These
helpers read a bounded stretch of text around a number (at most
`LOOK_AROUND` characters either side), so a rule's time does not grow with the
document and a number gets the same verdict in any piece of text that holds
that much around it (filters/pii/time_bound.py cuts documents into pieces).
"""
from __future__ import annotations

import re

LOOK_AROUND = 40                    # characters read either side of a number

# Words that say the next number is a telephone number, in the languages of the web text we see, matched
# case-insensitively just before a number. Short words must stand alone ("tel", not "hotel" or "telling");
# longer ones may start a compound ("Telefonnummer", "mobile:", "Handynummer"). Scripts without spaces
# (電話, 电话) only need the word itself.
_SHORT_WORDS = ("tel", "tele", "tél", "telf", "tlf", "tfn", "tlfn", "fon", "fono", "mob", "cell", "fax", "call",
                "dial", "gsm", "ph", "tel", "тел", "моб", "факс")
_LONG_WORDS = ("phone", "telephone", "téléphone", "telefon", "telefone", "telefono", "teléfono", "mobile", "mobil",
               "móvil", "cellphone", "handy", "telefax", "calling", "hotline", "whatsapp", "viber", "телефон",
               "puhelin", "contact", "kontakt", "contacto", "appelez", "anrufen", "llame", "ligue", "chiamare")
_UNSPACED_WORDS = ("電話", "电话", "手机", "手機", "传真", "傳真", "热线", "專線", "专线", "전화", "휴대폰", "팩스", "携帯",
                   "هاتف", "جوال", "טלפון", "फ़ोन", "फोन")
# After a number, these say which line it is ("0228 1234 office", "555-0199-Fax").
_AFTER_WORDS = ("office", "fax", "mobile", "cell", "home", "work", "desk", "tel", "phone", "mob", "handy")
_ONE_LETTER_KEYS = "tmf"            # "T: 0228 1234", "M: ...", "F: ..." (telephone, mobile, fax)
_LETTER = "a-zà-öø-ÿа-я"           # a letter that would make a short word part of a longer one


def _alternation(words) -> str:
    return "|".join(sorted({re.escape(word) for word in words}, key=len, reverse=True))


_PHONE_WORD = (rf"(?<![{_LETTER}])(?:{_alternation(_SHORT_WORDS)})(?![{_LETTER}])"
               rf"|(?<![{_LETTER}])(?:{_alternation(_LONG_WORDS)})|{_alternation(_UNSPACED_WORDS)}")
_PHONE_WORD_BEFORE = re.compile(
    rf"(?:{_PHONE_WORD}|(?<![\w.])[{_ONE_LETTER_KEYS}]\s?[:：])[^\d\n]{{0,24}}\n?[^\d\n]{{0,8}}$", re.IGNORECASE)
# After a number, a line label ends its line or is followed by punctuation ("office\n", "-Fax,"), so that
# "90089-1450 Office of the Dean" is not read as one.
_PHONE_WORD_AFTER = re.compile(
    rf"[\s\-–(,:]{{0,3}}(?:{_alternation(_AFTER_WORDS)})(?![{_LETTER}])[)\\]?(?:[,;|.]|\s{{0,8}}$)",
    re.IGNORECASE | re.MULTILINE)
_PHONE_WORD_TOUCHING = re.compile(rf"(?:{_PHONE_WORD})[^\d\s]{{0,8}}$", re.IGNORECASE)

# Numbers after these are identifiers (books, articles, products, registries), whatever their digits.
_IDENTIFIER_BEFORE = re.compile(
    r"(?<!\w)(?:isbn(?:-1[03])?|e?issn|ismn|doi|pmid|pmcid|pmc|arxiv|oclc|ocolc|lccn|ean(?:-13)?|upc|"
    r"asin|gtin|sku|art\.?[- ]?nr|patent|vat|p\.\s?iva|p\.\s?i\.|partita iva|ust-?id(?:nr)?|siret|siren|"
    r"cnpj|cpf|nif|cif|kvk|regon|krs|nip|isni|orcid|"
    r"(?:order|part|item|serial|model|catalog(?:ue)?|invoice|ref(?:erence)?)\.?\s?(?:no|nr|number|#)?)[^\w\n]{0,6}$",
    re.IGNORECASE)

# A date with a four-digit year (day and month checked), as in "05.05.2010", "2019-07-17", "24-26.02.2017".
_DAY, _MONTH = r"(?:0?[1-9]|[12]\d|3[01])", r"(?:0?[1-9]|1[0-2])"
_YEAR = r"(?:1[5-9]\d\d|20\d\d)"
DATE = re.compile(rf"(?<!\d){_DAY}([./\-]){_MONTH}\1{_YEAR}(?!\d)|(?<!\d){_MONTH}([./\-]){_DAY}\2{_YEAR}(?!\d)|"
                  rf"(?<!\d){_YEAR}([./\-]){_MONTH}\3{_DAY}|(?<!\d){_YEAR}\.\s?{_MONTH}\.\s?{_DAY}")
_SHORT_DATE = re.compile(rf"{_DAY}([./]){_MONTH}\1\d\d|{_MONTH}/{_DAY}/\d\d")     # the whole number, "06.09.03"

# Characters that, right before a number, make it part of something else: a word, a path, a query, an amount.
_GLUE_BEFORE = set("_/\\@#&=?%$€£¥~^`+-.*")
_GLUE_AFTER = set("_/\\@%°º′″'’€$£¥=&*")
_LINK_MARKS = ("://", "www.", "@")
_TOKEN_TAIL = re.compile(r"\S*\Z")
_TOKEN_HEAD = re.compile(r"\S*")
_LINK_SCHEMES_FOR_PHONES = ("tel:", "callto:", "sms:", "fax:")


def phone_word_near(text: str, start: int, end: int) -> bool:
    """A telephone word just before the number (same or previous line), or just after it ("... office")."""
    before = text[max(0, start - LOOK_AROUND):start]
    return bool(_PHONE_WORD_BEFORE.search(before) or _PHONE_WORD_AFTER.match(text, end))


def identifier_before(text: str, start: int) -> bool:
    """An ISBN, ISSN, DOI, registry or item number label just before the number."""
    return _IDENTIFIER_BEFORE.search(text, max(0, start - 20), start) is not None


def glued(text: str, start: int, end: int) -> bool:
    """The number is part of a longer token: letters, digits or path, query and amount characters touch it.

    A telephone word touching it on the left ("Tel.0228 1234", "电话0571-4219290") does not count."""
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if before and (before.isalnum() or before in _GLUE_BEFORE) and not phone_word_touching(text, start):
        return True
    if before == ":" and start >= 2 and text[start - 2].isdigit():          # a time: "03:38:35 -0500"
        return True
    if after and (after.isalnum() or after in _GLUE_AFTER):
        return True
    following = text[end + 1:end + 2]
    if after == "." and following.isalnum():      # "0199.jpg", "43.5"
        return True
    return after in ",:-" and following.isdigit()     # "1,500", "10:55", "0-306-40615-2"


def phone_word_touching(text: str, start: int) -> bool:
    stretch = text[max(0, start - 16):start]
    return _PHONE_WORD_TOUCHING.search(stretch) is not None or stretch.lower().endswith(_LINK_SCHEMES_FOR_PHONES)


def in_link(text: str, start: int, end: int) -> bool:
    """Inside a URL or an e-mail address (the whitespace token holds '://', 'www.' or '@'), unless a tel: link."""
    token_start = _TOKEN_TAIL.search(text, max(0, start - LOOK_AROUND), start).start()
    token_end = _TOKEN_HEAD.match(text, end, end + LOOK_AROUND).end()
    token = text[token_start:token_end].lower()
    if not any(mark in token for mark in _LINK_MARKS):
        return False
    return not token[:start - token_start].endswith(_LINK_SCHEMES_FOR_PHONES)


def has_date(number: str) -> bool:
    return DATE.search(number) is not None or _SHORT_DATE.fullmatch(number) is not None
