"""PII detection with Microsoft Presidio (no downloadable model), secrets recognizers, redaction."""
