"""Documents in and out: the Document type, readers, HTML extraction, normalisation.

Plain Python: nothing here imports apache_beam.
"""
