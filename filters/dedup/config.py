"""Options of the exact and near-duplicate stages."""
from __future__ import annotations

from dataclasses import dataclass

from tokenmill.option_checks import OptionChecks

COMPONENTS = ("auto", "star", "union_find")


@dataclass(frozen=True)
class ExactDedupConfig:
    enabled: bool = True
    by_url: bool = False             # also keep only the latest crawl of each URL


@dataclass(frozen=True)
class NearDedupConfig:
    enabled: bool = True
    preset: str = "fineweb"          # fineweb | j0.7 | j0.8 | j0.9 | hplt, or give bands and rows
    bands: int = 0
    rows: int = 0
    seed: int = 1
    word_ngram: int = 5
    char_ngram: int = 5
    # star: distributed rounds (Kiveris et al.), any graph size; union_find: the whole
    # edge list on one worker, faster for graphs that fit its memory. Same clusters. auto: union_find
    # up to filters/dedup/components.py's UNION_FIND_MAX_INPUT_BYTES of input, star above.
    components: str = "auto"         # auto | star | union_find
    max_rounds: int = 20             # star rounds unrolled in the pipeline (a 1,000-node chain needs 21)
    verify_jaccard: float = 0.0      # > 0: keep only candidate pairs whose true Jaccard reaches this
    max_bucket_size: int = 100_000   # larger LSH buckets are counted (near_dedup.large_buckets)

    def problems(self, where: str = "near_dedup") -> list:
        from filters.dedup.lsh import PRESETS
        check = OptionChecks(self, where)
        if self.bands or self.rows:
            check.at_least("bands", 1)
            check.at_least("rows", 1)
        else:
            check.one_of("preset", PRESETS)
        check.at_least("word_ngram", 1)
        check.at_least("char_ngram", 1)
        check.one_of("components", COMPONENTS)
        check.at_least("max_rounds", 2)       # convergence is proved by the last two rounds
        check.fraction("verify_jaccard")
        check.at_least("max_bucket_size", 2)
        check.between("seed", 0, 2**32 - 1)     # numpy's RandomState draws the permutations
        return check.problems

    def lsh_params(self):
        from filters.dedup.lsh import PRESETS, LshParams
        if self.bands and self.rows:
            return LshParams(self.bands, self.rows)
        if self.preset not in PRESETS:
            raise ValueError(f"unknown near_dedup.preset {self.preset!r} ({', '.join(PRESETS)})")
        return PRESETS[self.preset]
