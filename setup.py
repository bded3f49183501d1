"""Lets Dataflow and Flink workers install tokenmill with --setup_file ./setup.py.

All metadata lives in pyproject.toml; this file only hands over to setuptools.
"""
import setuptools

setuptools.setup()
