"""Heuristic quality rules: Gopher quality and repetition, C4 lines, FineWeb lines.

Each rule set is a small class over a shared `TextView`. It returns None to
keep the document, or a Drop whose reason names the rule that fired.
"""
