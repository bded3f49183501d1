"""Deduplication logic: shingles, MinHash signatures, LSH band keys, connected components."""
