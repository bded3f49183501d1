"""Interleave sources at their weights, exactly, at every point of a run.

Source s contributes n_s sequences; its j-th one sits at "time"
(2j + 1) / (2 n_s) and the blend is all sequences in time order (ties by
source index). Every prefix then holds each source within one sequence of its
share, and the position of any step can be found without replaying the run,
so a loader resumes in O(log) time.
"""
from __future__ import annotations

from fractions import Fraction


class Blend:
    def __init__(self, counts: list):
        self.counts = [int(count) for count in counts]
        self.total = sum(self.counts)

    def taken_before(self, position: int) -> list:
        """How many sequences of each source come before global `position`."""
        position = min(max(position, 0), self.total)
        low, high = 0.0, 1.0
        for _ in range(64):   # the largest x whose strict prefix does not pass `position`
            middle = (low + high) / 2
            if sum(self._before(Fraction(middle))) <= position:
                low = middle
            else:
                high = middle
        taken = self._before(Fraction(low))
        for _ in range(position - sum(taken)):
            taken[self._next_source(taken)] += 1
        return taken

    def sources_from(self, position: int):
        """The source index of each global position, starting at `position`."""
        taken = self.taken_before(position)
        for _ in range(self.total - position):
            source = self._next_source(taken)
            yield source, taken[source]
            taken[source] += 1

    def _before(self, x: Fraction) -> list:
        """Per source, how many times (2j+1)/(2n) are < x."""
        a, b = x.numerator, x.denominator
        return [min(n, max(0, -((b - 2 * n * a) // (2 * b)))) for n in self.counts]

    def _next_source(self, taken: list) -> int:
        best = -1
        for source, n in enumerate(self.counts):
            if taken[source] >= n:
                continue
            if best < 0 or (2 * taken[source] + 1) * self.counts[best] < (2 * taken[best] + 1) * n:
                best = source
        return best
