"""LSH banding: band keys of a signature, the S-curve, and presets for other thresholds."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xxhash


@dataclass(frozen=True)
class LshParams:
    bands: int
    rows: int

    @property
    def num_perm(self) -> int:
        return self.bands * self.rows

    def candidate_probability(self, jaccard: float) -> float:
        """P(two documents with this Jaccard similarity share at least one band)."""
        return 1.0 - (1.0 - jaccard ** self.rows) ** self.bands

    @property
    def threshold(self) -> float:
        """The similarity where the S-curve is steepest, about (1/b)^(1/r)."""
        return (1.0 / self.bands) ** (1.0 / self.rows)


# FineWeb's setting is the default; the others minimise the area under the
# S-curve's false-positive and false-negative sides around their threshold
# (the criterion datasketch uses), with at most 128 permutations.
PRESETS = {
    "fineweb": LshParams(14, 8),      # threshold about 0.72
    "j0.7": LshParams(14, 9),
    "j0.8": LshParams(9, 13),
    "j0.9": LshParams(5, 25),
    "hplt": LshParams(17, 15),        # HPLT's monotextor setting, Jaccard 0.8
}


def band_keys(signature: np.ndarray, params: LshParams) -> list:
    """(band index, 64-bit hash of the band's values) for every band. The hash is read as a signed number:
    the same keys, but each fits Beam's varint coder, which pickles an integer of 2**63 or more one by one."""
    rows = params.rows
    data = signature.astype("<u8", copy=False).tobytes()
    width = rows * 8
    return [(band, _signed(xxhash.xxh3_64_intdigest(data[band * width:(band + 1) * width])))
            for band in range(params.bands)]


def _signed(unsigned: int) -> int:
    """The 64-bit two's-complement reading of `unsigned` (a one-to-one map of [0, 2**64) onto int64)."""
    return (unsigned ^ _SIGN_BIT) - _SIGN_BIT


_SIGN_BIT = 1 << 63


def s_curve(params: LshParams, steps: int = 10) -> str:
    """A printable table of candidate probability against Jaccard similarity."""
    lines = [f"bands={params.bands} rows={params.rows} (num_perm={params.num_perm}, "
             f"threshold about {params.threshold:.2f})", "jaccard  P(candidate)"]
    for step in range(steps + 1):
        jaccard = step / steps
        probability = params.candidate_probability(jaccard)
        lines.append(f"{jaccard:7.2f}  {probability:6.3f}  {'#' * round(probability * 40)}")
    return "\n".join(lines)


def optimal_params(threshold: float, max_perm: int = 128, weights=(0.5, 0.5)) -> LshParams:
    """Bands and rows minimising weighted false positive + false negative areas (as datasketch)."""
    grid = np.linspace(0, 1, 201)

    def area(params, low, high):
        xs = grid[(grid >= low) & (grid <= high)]
        return np.trapezoid([params.candidate_probability(x) for x in xs], xs) if len(xs) > 1 else 0.0

    best, best_error = None, float("inf")
    for bands in range(1, max_perm + 1):
        for rows in range(1, max_perm // bands + 1):
            params = LshParams(bands, rows)
            false_positive = area(params, 0.0, threshold)
            false_negative = (1 - threshold) - area(params, threshold, 1.0)
            error = weights[0] * false_positive + weights[1] * false_negative
            if error < best_error:
                best, best_error = params, error
    return best
