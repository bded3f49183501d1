"""Recognizers for secrets that leak into crawled text, as Presidio pattern recognizers."""
from __future__ import annotations

from presidio_analyzer import Pattern, PatternRecognizer

SECRET_PATTERNS = {
    "AWS_ACCESS_KEY": [Pattern("aws access key id", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b", 0.9)],
    "PRIVATE_KEY": [Pattern("pem private key block",
                            r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----[\s\S]{16,8192}?-----END (?:[A-Z]+ )?PRIVATE KEY-----",
                            1.0)],
    "BEARER_TOKEN": [Pattern("authorization bearer token", r"\b[Bb]earer\s+[A-Za-z0-9\-._~+/]{20,}=*", 0.8)],
    "URL_PASSWORD": [Pattern("password in a url", r"\b[a-z][a-z0-9+.-]*://[^\s:/@]+:[^\s/@]+@[^\s/]+", 1.0)],
    "API_TOKEN": [Pattern("github token", r"\bgh[pousr]_[A-Za-z0-9]{36,}\b", 0.9),
                  Pattern("slack token", r"\bxox[abprs]-[A-Za-z0-9-]{10,}\b", 0.9),
                  Pattern("google api key", r"\bAIza[0-9A-Za-z\-_]{35}\b", 0.9)],
}


def secret_recognizers(language: str = "en") -> list:
    return [PatternRecognizer(supported_entity=entity, patterns=patterns, supported_language=language,
                              name=f"{entity.title().replace('_', '')}Recognizer")
            for entity, patterns in SECRET_PATTERNS.items()]
