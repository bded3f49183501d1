"""The run configuration: defaults, then the YAML file, then --set overrides, then flags.

Plain Python (no Beam) so that notebooks and tests can build and check a
config without a pipeline. Unknown keys are errors: a misspelt option that is
silently ignored is the worst kind of bug in a long run. Every option is then
checked, before anything runs: its type here (by the type of its default),
its range and allowed values by the `problems()` method of its section.

The config recorded in a run's manifest.json loads back to the same config
(and config_hash): give the manifest itself, or its "config", to --config.
"""
from __future__ import annotations

import copy
import hashlib
import json
import re
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

import yaml

from corpus.document import REJECTED_TEXT_MODES
from corpus.formats import FORMATS
from corpus.html_extract import ExtractConfig
from corpus.normalize import NormalizeConfig
from filters.decontam import DecontamConfig
from filters.dedup.config import ExactDedupConfig, NearDedupConfig
from filters.language import LanguageConfig
from filters.pii.pii_filter import PiiConfig
from filters.quality.quality_filter import QualityConfig
from filters.unsafe_classifier import UnsafeClassifierConfig
from filters.unsafe_words import UnsafeWordsConfig
from filters.url_filter import UrlFilterConfig
from pipelines.input_names import normal_spec, readable_name
from pipelines.plugins import plugin_problems, plugins_from
from pipelines.stage_list import STAGE_NAMES
from tokenization.settings import PlansConfig, TokenizeConfig
from tokenmill.option_checks import OptionChecks
from tokenmill.usage import UsageError, first_line

SOURCE_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")


class ConfigError(UsageError):
    """A configuration problem, reported as one line."""


class _Entries(list):
    """An option whose value is a list of mappings (plugins), each checked by its section's problems()."""


class _FreeMapping(dict):
    """An option whose value is a mapping (e.g. per-language thresholds), not a section."""


@dataclass
class ReadConfig:
    format: str = "auto"                 # auto | warc | wet | arc | jsonl | parquet
    text_field: list = field(default_factory=lambda: ["text"])
    id_field: list = field(default_factory=lambda: ["id"])
    url_field: list = field(default_factory=lambda: ["url", "metadata.url", "u"])
    date_field: list = field(default_factory=lambda: ["date", "created", "metadata.date"])
    keep_meta: list = field(default_factory=list)     # JSONL/Parquet fields kept whole, in meta.extra
    max_record_bytes: int = 64 << 20

    def problems(self, where: str = "read") -> list:
        check = OptionChecks(self, where)
        check.one_of("format", ("auto", *FORMATS))
        check.not_empty("text_field")
        check.at_least("max_record_bytes", 1)
        return check.problems


@dataclass
class WriteConfig:
    # 0: one shard per shard_mb of text (rows, for rejected and errors), so that the worker
    # writing a shard holds a bounded amount whatever the corpus size. Either way the count
    # depends only on the data, never on the runner.
    document_shards: int = 0
    rejected_shards: int = 0
    error_shards: int = 0
    shard_mb: int = 64
    # whole (as datatrove's exclusion writers) | excerpt: the first rejected_excerpt_chars characters
    rejected_text: str = "whole"
    rejected_excerpt_chars: int = 200

    def problems(self, where: str = "write") -> list:
        check = OptionChecks(self, where)
        for name in ("document_shards", "rejected_shards", "error_shards"):
            check.at_least(name, 0)      # 0: by size
        check.at_least("shard_mb", 1)
        check.one_of("rejected_text", REJECTED_TEXT_MODES)
        check.at_least("rejected_excerpt_chars", 1)
        return check.problems


@dataclass
class RunConfig:
    inputs: list = field(default_factory=list)   # "PATTERN" or "SOURCE=PATTERN"
    output: str = ""
    # Earlier outputs whose cache/ this run may take results from (pipelines/reuse.py, docs/reuse.md). Like
    # `output`, it changes nothing in the outputs, so the manifest does not record it.
    reuse: list = field(default_factory=list)
    source: str = "web"
    read: ReadConfig = field(default_factory=ReadConfig)
    extract: ExtractConfig = field(default_factory=ExtractConfig)
    normalize: NormalizeConfig = field(default_factory=NormalizeConfig)
    url_filter: UrlFilterConfig = field(default_factory=UrlFilterConfig)
    language: LanguageConfig = field(default_factory=LanguageConfig)
    quality: QualityConfig = field(default_factory=QualityConfig)
    unsafe_words: UnsafeWordsConfig = field(default_factory=UnsafeWordsConfig)
    unsafe_classifier: UnsafeClassifierConfig = field(default_factory=UnsafeClassifierConfig)
    exact_dedup: ExactDedupConfig = field(default_factory=ExactDedupConfig)
    near_dedup: NearDedupConfig = field(default_factory=NearDedupConfig)
    pii: PiiConfig = field(default_factory=PiiConfig)
    decontaminate: DecontamConfig = field(default_factory=DecontamConfig)
    tokenize: TokenizeConfig = field(default_factory=TokenizeConfig)
    plans: PlansConfig = field(default_factory=PlansConfig)
    write: WriteConfig = field(default_factory=WriteConfig)
    plugins: list = field(default_factory=lambda: _Entries())   # user stages (pipelines/plugins.py)

    def problems(self, where: str = "") -> list:
        check = OptionChecks(self, where)
        if not SOURCE_NAME.match(self.source):
            check.fail(f"source must be a name of letters, digits, '_', '.' or '-', got {self.source!r}")
        for problem in plugin_problems(self.plugins, list(STAGE_NAMES)):
            check.fail(problem)
        return check.problems

    def plugin_list(self) -> list:
        return plugins_from(self.plugins)

    def to_dict(self) -> dict:
        return _as_dict(self)

    def recorded(self) -> dict:
        """What the manifest records: everything but where the output went, which changes nothing in it,
        with the inputs in one spelling (any spelling of the same files gives the same outputs)."""
        data = {key: value for key, value in self.to_dict().items() if key not in ("output", "reuse")}
        # A path that is not UTF-8 is recorded with its bytes escaped, as file names are: the manifest is text.
        data["inputs"] = [readable_name(normal_spec(spec, self.source)) for spec in self.inputs]
        text = json.dumps(data, sort_keys=True)
        return {"config": data, "config_hash": hashlib.sha256(text.encode()).hexdigest()[:16]}


def load_config(path: str | None = None, overrides: list | None = None, **flags: Any) -> RunConfig:
    """Build and check a RunConfig. `overrides` are "dotted.key=yaml_value" strings.

    Raises ConfigError, naming the option, at the first option that is unknown,
    of the wrong type, out of range or not one of its allowed values.
    """
    data = _as_dict(RunConfig())
    if path:
        data = _merge(data, _read_config_file(path), "")
    for item in overrides or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise ConfigError(f"--set wants KEY=VALUE, got {item!r}")
        data = _merge(data, _nest(key.strip(), _yaml_value(key.strip(), value)), "")
    for key, value in flags.items():
        if value is not None:
            data = _merge(data, _nest(key, value), "")
    config = _build(RunConfig, data, "")
    problems = config_problems(config)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ConfigError(problems[0] + more)
    return config


def language_code_options(config: RunConfig) -> list:
    """(option, codes) of the enabled rules that apply only to documents of the languages named: a code
    the language model never predicts makes its rule silently never apply."""
    quality, found = config.quality, []
    if quality.enabled and quality.gopher_quality.enabled:
        found.append(("quality.gopher_quality.stop_word_languages", quality.gopher_quality.stop_word_languages))
    if quality.enabled and quality.c4.enabled:
        found.append(("quality.c4.languages", quality.c4.languages))
    if config.unsafe_classifier.enabled:
        found.append(("unsafe_classifier.languages", config.unsafe_classifier.languages))
    return found


def config_problems(config) -> list:
    """Every problem of a config and of each of its sections, by their `problems()` methods."""
    return _problems(config, "")


def _problems(section, where: str) -> list:
    found = list(section.problems(where.rstrip("."))) if hasattr(section, "problems") else []
    for spec in fields(section):
        value = getattr(section, spec.name)
        if is_dataclass(value):
            found += _problems(value, f"{where}{spec.name}.")
    return found


def _yaml_value(key: str, text: str):
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ConfigError(f"--set {key}={text}: not a YAML value ({first_line(error)})") from None


def _read_config_file(path: str) -> dict:
    """YAML, or JSON for *.json (PyYAML reads JSON's 1e-05 as a string). A manifest gives its config."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as error:
        raise ConfigError(f"cannot read config {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"config {path} is not UTF-8 text") from None
    try:
        loaded = json.loads(text) if path.lower().endswith(".json") else (yaml.safe_load(text) or {})
    except (ValueError, yaml.YAMLError) as error:
        kind = "JSON" if path.lower().endswith(".json") else "YAML"
        raise ConfigError(f"config {path} is not valid {kind}: {first_line(error)}") from None
    if isinstance(loaded, dict) and isinstance(loaded.get("config"), dict) and "config_hash" in loaded:
        loaded = loaded["config"]               # a run's manifest.json: the config it recorded
    if not isinstance(loaded, dict):
        raise ConfigError(f"config {path} must be a mapping of options")
    return loaded


def _nest(dotted: str, value: Any) -> dict:
    for part in reversed(dotted.split(".")):
        value = {part: value}
    return value


def _merge(base: dict, update: dict, where: str) -> dict:
    merged = copy.deepcopy(base)
    for key, value in update.items():
        name = f"{where}{key}"
        if key not in merged:
            raise ConfigError(f"unknown option {name!r}")
        if isinstance(merged[key], _FreeMapping):
            if not isinstance(value, dict):
                raise ConfigError(f"option {name!r} must be a mapping, got {value!r}")
            merged[key] = _FreeMapping(value)
        elif isinstance(merged[key], dict):
            if not isinstance(value, dict):
                raise ConfigError(f"option {name!r} is a section; give it sub-options")
            merged[key] = _merge(merged[key], value, name + ".")
        else:
            merged[key] = value
    return merged


def _build(cls, data: dict, where: str):
    kwargs = {}
    for spec in fields(cls):
        value = data[spec.name]
        default = getattr(cls(), spec.name)
        name = f"{where}{spec.name}"
        if is_dataclass(default):
            kwargs[spec.name] = _build(type(default), value, name + ".")
        else:
            kwargs[spec.name] = _coerce(value, default, name)
    return cls(**kwargs)


def _coerce(value: Any, default: Any, name: str) -> Any:
    """The value as the type of the option's default, or ConfigError."""
    if isinstance(default, _Entries):
        if not isinstance(value, list):
            raise ConfigError(f"option {name!r} must be a list of entries, got {value!r}")
        return [dict(entry) if isinstance(entry, dict) else entry for entry in value]   # checked by problems()
    if isinstance(default, list):
        return _string_list(value, name)
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"option {name!r} must be true or false, got {value!r}")
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"option {name!r} must be a number, got {value!r}")
        return float(value)
    if isinstance(default, dict):
        return _mapping(value, default, name)
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"option {name!r} must be a whole number, got {value!r}")
    if isinstance(default, str) and not isinstance(value, str):
        raise ConfigError(f"option {name!r} must be a string, got {value!r}")
    return value


def _string_list(value: Any, name: str) -> list:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"option {name!r} must be a list of strings, got {value!r}")
    return value


def _mapping(value: Any, default: dict, name: str) -> dict:
    """A mapping option. Where the default has whole-number keys (n-gram sizes), keys are read as
    whole numbers: JSON writes them as strings, and the manifest's config must load back the same."""
    if not isinstance(value, dict):
        raise ConfigError(f"option {name!r} must be a mapping, got {value!r}")
    if not default or not all(isinstance(key, int) for key in default):
        return dict(value)
    coerced = {}
    for key, item in value.items():
        if isinstance(key, bool) or not (isinstance(key, int) or (isinstance(key, str) and key.isdigit())):
            raise ConfigError(f"option {name!r} wants whole-number keys, got {key!r}")
        coerced[int(key)] = item
    return coerced


def _as_dict(obj: Any) -> Any:
    if is_dataclass(obj):
        return {spec.name: _as_dict(getattr(obj, spec.name)) for spec in fields(obj)}
    if isinstance(obj, list):
        return [_as_dict(item) for item in obj]
    if isinstance(obj, dict):
        return _FreeMapping(obj)
    return obj
