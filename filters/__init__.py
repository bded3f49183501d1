"""Pure per-document logic: language, quality, unsafe content, PII, decontamination.

Plain Python: nothing here imports apache_beam.
"""
