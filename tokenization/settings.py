"""Options of the tokenize stage and of the budget plans, with their checks."""
from __future__ import annotations

from dataclasses import dataclass, field

from tokenization.budgets import DEFAULT_BUDGETS, parse_budgets
from tokenization.engines import ENGINES
from tokenization.packing import TAIL_MODES
from tokenization.plans import PlanSettings
from tokenization.shard_format import TOKEN_DTYPES
from tokenization.training import MAX_VOCAB, TrainingSettings


@dataclass
class TokenizeConfig:
    enabled: bool = True
    tokenizer: str = ""                # PATH.model (any SentencePiece model); empty: train one
    vocab_size: int = 32_000           # when training; up to 256k
    train_sample_bytes: int = 20_000_000
    train_threads: int = 4             # part of the result: other counts train other models
    character_coverage: float = 0.9999
    seq_len: int = 8192                # Gemma 2's context
    add_bos: bool = True
    add_eos: bool = True
    tail: str = "drop"                 # drop | pad: the last partial row of each shard
    pad_id: int = -1                   # -1: the model's pad id, or its eos id when it has none
    shard_tokens: int = 64 * 1024 * 1024
    token_dtype: str = "auto"          # auto (uint16 when the vocabulary fits) | uint16 | uint32
    engine: str = "auto"               # auto | sentencepiece | kitoken: kitoken where it gives SentencePiece's ids

    def problems(self, where: str = "tokenize") -> list:
        return tokenize_problems(self)

    def training(self) -> TrainingSettings:
        return TrainingSettings(self.vocab_size, self.train_threads, self.character_coverage,
                                self.train_sample_bytes)


@dataclass
class PlansConfig:
    budgets: list = field(default_factory=lambda: list(DEFAULT_BUDGETS))
    epoch_cap: float = 4.0
    weights: dict = field(default_factory=dict)
    seed: int = 0
    hosts: int = 1

    def problems(self, where: str = "plans") -> list:
        return plans_problems(self)

    def settings(self) -> PlanSettings:
        return PlanSettings(self.epoch_cap, dict(self.weights), self.seed, self.hosts)


def tokenize_problems(config: TokenizeConfig) -> list:
    problems = []
    if config.seq_len < 2:
        problems.append(f"tokenize.seq_len must be at least 2, got {config.seq_len}")
    if config.tail not in TAIL_MODES:
        problems.append(f"tokenize.tail must be one of {', '.join(TAIL_MODES)}, got {config.tail!r}")
    if config.shard_tokens < config.seq_len:
        problems.append(f"tokenize.shard_tokens ({config.shard_tokens:,}) must be at least seq_len "
                        f"({config.seq_len:,})")
    if config.token_dtype not in ("auto", *TOKEN_DTYPES):
        problems.append(f"tokenize.token_dtype must be auto, uint16 or uint32, got {config.token_dtype!r}")
    if not config.tokenizer and not 300 <= config.vocab_size <= MAX_VOCAB:
        problems.append(f"tokenize.vocab_size must be between 300 and {MAX_VOCAB:,}, got {config.vocab_size}")
    if config.engine not in ENGINES:
        problems.append(f"tokenize.engine must be one of {', '.join(ENGINES)}, got {config.engine!r}")
    if config.train_threads < 1 or config.train_sample_bytes < 1:
        problems.append("tokenize.train_threads and tokenize.train_sample_bytes must be positive")
    if not 0 < config.character_coverage <= 1:
        problems.append(f"tokenize.character_coverage must be in (0, 1], got {config.character_coverage}")
    if config.pad_id < -1:
        problems.append(f"tokenize.pad_id must be -1 (the model's) or a token id, got {config.pad_id}")
    return problems


def plans_problems(config: PlansConfig) -> list:
    problems = []
    try:
        parse_budgets(config.budgets)
    except ValueError as error:
        problems.append(str(error))
    if config.epoch_cap <= 0:
        problems.append(f"plans.epoch_cap must be positive, got {config.epoch_cap}")
    if config.hosts < 1:
        problems.append(f"plans.hosts must be at least 1, got {config.hosts}")
    if any(not isinstance(w, (int, float)) or w < 0 for w in config.weights.values()):
        problems.append("plans.weights must map source names to non-negative numbers")
    return problems
