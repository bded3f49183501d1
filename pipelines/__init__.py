"""The Beam layer: PTransforms around corpus/, filters/ and tokenization/.

This is the only package that imports apache_beam.
"""
