"""User stages: `plugins:` entries of the config, each a per-document stage of the user's own.

    plugins:
      - name: zebra                         # the stage name in counters and rejected/
        factory: mypackage.filters:make     # factory(config: dict) -> stage
        after: quality                      # a built-in stage: the plugin runs right after it
        config: {word: zebra}

A stage is a callable `Document -> Document | Drop` (`corpus.document.Drop(reason, detail)`). It runs
through the same ApplyStage as the built-in stages, so its drops are counted (`drop.zebra.REASON`),
written to rejected/ with stage `zebra`, and an exception is one document's error in errors/.

Plain Python. Entries are checked on the launcher before anything runs (`plugin_problems`): the
factory is imported and called there once, so a missing module or a failing factory is a usage
error, not a crash on a worker. Workers get the factory by its import path (`PluginStage`), so the
plugin's module must be importable there too: on PYTHONPATH for local worker processes, staged with
--setup_file or --extra_package on Dataflow (docs/plugins.md).
"""
from __future__ import annotations

import importlib
import json
import re
import unicodedata
from dataclasses import dataclass, field

from corpus.document import Document, Drop
from corpus.document_codec import encode_document
from corpus.record_fields import MAX_META_DEPTH, nested_deeper
from corpus.signal_schema import EXTRA, utf8, value_problem
from pipelines.stage_list import TIMED_STEPS
from tokenmill.usage import error_type_name, first_line

PLUGIN_KEYS = ("name", "factory", "after", "config")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")       # a counter name part: no dots (matched whole: fullmatch)
_FACTORY = re.compile(r"[A-Za-z_][\w.]*:[A-Za-z_][\w.]*")
# Deeper lists and dicts in a plugin's values are refused by this count, not by where the stack overflows
# (which differs between runners); the depth input records may have (corpus/record_fields.py).
MAX_NESTING = MAX_META_DEPTH


@dataclass(frozen=True)
class Plugin:
    name: str
    factory: str                   # "module.path:callable"
    after: str
    config: dict = field(default_factory=dict)


def plugins_from(entries: list) -> list:
    """Plugins of entries that `plugin_problems` found no fault with, in the order given."""
    return [Plugin(entry["name"], entry["factory"], entry["after"], dict(entry.get("config") or {}))
            for entry in entries]


def plugin_problems(entries, stage_names: list) -> list:
    """Every problem of the `plugins:` entries; `stage_names`: the built-in stages a plugin may follow."""
    if not isinstance(entries, list):
        return [f"plugins must be a list of entries with {', '.join(PLUGIN_KEYS)}"]
    problems, seen = [], set()
    for index, entry in enumerate(entries):
        where = f"plugins[{index}]"
        if not isinstance(entry, dict):
            problems.append(f"{where} must be a mapping with {', '.join(PLUGIN_KEYS)}")
            continue
        found = _entry_problems(entry, where, stage_names, seen)
        problems += found
        if not found:
            problems += _factory_problems(entry, f"{where} ({entry['name']})")
        if isinstance(entry.get("name"), str):
            seen.add(entry["name"])
    return problems


def _entry_problems(entry: dict, where: str, stage_names: list, seen: set) -> list:
    problems = [f"{where} has unknown key {key!r} (it takes {', '.join(PLUGIN_KEYS)})"
                for key in entry if key not in PLUGIN_KEYS]
    name, factory, after = entry.get("name"), entry.get("factory"), entry.get("after")
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        problems.append(f"{where}.name must be a name of letters, digits and '_', got {name!r}")
    elif name in stage_names:
        problems.append(f"{where}.name {name!r} is a built-in stage's name")
    elif name in TIMED_STEPS:
        problems.append(f"{where}.name {name!r} is reserved: the report times a step of that name")
    elif name in seen:
        problems.append(f"{where}.name {name!r} is given to two plugins")
    if not isinstance(factory, str) or not _FACTORY.fullmatch(factory):
        problems.append(f"{where}.factory must be 'module.path:callable', got {factory!r}")
    if after not in stage_names:
        problems.append(f"{where}.after must be a built-in stage ({', '.join(stage_names)}), got {after!r}")
    if not isinstance(entry.get("config", {}), dict):
        problems.append(f"{where}.config must be a mapping, got {entry.get('config')!r:.80}")
    elif (problem := _json_config_problem(entry.get("config") or {})):
        problems.append(f"{where}.config {problem}")
    return problems


def _json_config_problem(config: dict):
    """The manifest records a plugin's config as JSON (it is part of config_hash): a YAML date, set or
    binary, keys of mixed types or a loop of anchors cannot be recorded."""
    try:
        json.dumps(config, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError, RecursionError) as error:
        return f"must hold only what JSON holds (strings, numbers, booleans, null, lists, string keys): {error}"
    return _keys_and_text_problem(config)


def _keys_and_text_problem(value):
    """JSON writes a key 1 as "1": two configs the plugin tells apart would record one config_hash. A
    lone surrogate (a YAML "\\udc80") is no UTF-8 text for the manifest."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            for key in item:
                if type(key) is not str:
                    return f"has the key {key!r:.60}: keys must be strings (JSON would record it as a string)"
            pending += list(item) + list(item.values())
        elif isinstance(item, (list, tuple)):
            pending += list(item)
        elif isinstance(item, str) and not utf8(item):
            return f"holds {item!r:.60}, a lone surrogate, which UTF-8 cannot hold"
    return None


def _factory_problems(entry: dict, where: str) -> list:
    """Import the factory and build the stage once, here: what fails now would fail on every worker."""
    try:
        stage = load_factory(entry["factory"])(dict(entry.get("config") or {}))
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # noqa: BLE001 - whatever the user's code raises (sys.exit too) is the user's mistake
        return [f"{where}: {_named_error(error)}"]
    if not callable(stage):
        return [f"{where}: factory {entry['factory']} returned {type(stage).__name__}, not a callable stage"]
    return []


def load_factory(path: str):
    module_name, _, attribute = path.partition(":")
    try:
        target = importlib.import_module(module_name)
    except ImportError as error:
        raise ImportError(f"cannot import {module_name} ({error}); is it installed or on PYTHONPATH?") from None
    for part in attribute.split("."):
        if not hasattr(target, part):
            raise AttributeError(f"{module_name} has no {attribute}")
        target = getattr(target, part)
    if not callable(target):
        raise TypeError(f"{path} is not callable")
    return target


def _named_error(error: BaseException) -> str:
    """The error's class, then the first line of its message: a plugin's own exception is named (by its
    class alone when its str() is empty or raises)."""
    try:
        message = first_line(error, 200) if str(error).strip() else ""
    except Exception:  # noqa: BLE001 - the plugin's own __str__
        message = ""
    name = error_type_name(error)
    return f"{name}: {message}" if message else name


class PluginStage:
    """A plugin's stage factory for ApplyStage: picklable by import path, built on each worker."""

    def __init__(self, plugin: Plugin, document_schema=None):
        self._plugin = plugin
        self._schema = document_schema      # the run's documents/ schema: what the plugin's values must fit

    def __call__(self):
        stage = load_factory(self._plugin.factory)(dict(self._plugin.config))
        return _Checked(self._plugin.name, stage, self._schema)


class _Checked:
    """A plugin that returns anything but a Document or a Drop, or leaves a document that the outputs cannot
    store (a text that is no str, a value of the wrong type for a stored field, a value JSON cannot hold),
    fails that document: an error row, never the run."""

    def __init__(self, name: str, stage, schema=None):
        self._name, self._stage, self._schema = name, stage, schema

    def __call__(self, doc: Document):
        given = (doc.id, doc.source)
        result = self._result(doc)
        if not isinstance(result, (Document, Drop)):
            raise TypeError(f"plugin {self._name} returned {type(result).__name__}, not a Document or Drop")
        problem = (_drop_problem(result) if isinstance(result, Drop) else None) or _storable_problem(
            result if isinstance(result, Document) else doc, self._schema, given)
        if problem:
            raise TypeError(f"plugin {self._name} left {problem}")
        return result

    def _result(self, doc: Document):
        """The plugin's result. A SystemExit (sys.exit in the plugin) or another BaseException of the
        plugin's own would pass every `except Exception` and stop the run: it is this document's error.
        Ctrl-C still stops the run."""
        try:
            return self._stage(doc)
        except (Exception, KeyboardInterrupt):
            raise
        except BaseException as exit:
            raise PluginExit(f"plugin {self._name} raised {_named_error(exit)}") from exit


class PluginExit(Exception):
    """A plugin raised SystemExit, or a BaseException that is not an Exception, on a document."""


def _drop_problem(drop: Drop):
    """Why a Drop could not be counted and written to rejected/ (reason and detail are str columns)."""
    if type(drop.reason) is not str or not utf8(drop.reason):
        return f"a Drop whose reason is {drop.reason!r:.60}, not a str of UTF-8 text"
    if any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in drop.reason):
        return f"a Drop whose reason {drop.reason!r:.60} holds a control character or line break (it is a counter name)"
    if drop.detail is not None and (type(drop.detail) is not str or not utf8(drop.detail)):
        return f"a Drop whose detail is {drop.detail!r:.60}, not None or a str of UTF-8 text"
    return None


def _storable_problem(doc: Document, schema, given: tuple):
    """Why `doc` could not be written to documents/ or rejected/ (its row, its annotations), or None.
    The id and source are keys (dedup's joins, the stage results' cache, the accounting's): exactly a
    str, and the ones the document was read with (`given`); a changed id could repeat another document's."""
    for name in ("id", "source"):
        if type(getattr(doc, name)) is not str:
            return f"{name} a {type(getattr(doc, name)).__name__}, not a str"
    given_id, given_source = given
    if doc.source != given_source:
        return (f"source {doc.source!r:.60}: a document's source is the input's it was read from "
                f"({given_source!r:.60})")
    if doc.id != given_id:
        return f"id {doc.id!r:.60}: a document keeps the id it was read with ({given_id!r:.60})"
    if not isinstance(doc.text, str):
        return f"text a {type(doc.text).__name__}, not a str"
    if doc.url is not None and not isinstance(doc.url, str):
        return f"url a {type(doc.url).__name__}, not a str"
    for name in ("id", "text", "url"):
        if getattr(doc, name) is not None and not utf8(getattr(doc, name)):
            return f"{name} with a lone surrogate, which UTF-8 cannot hold"
    if schema is None:
        return None
    for name in ("meta", "annotations"):
        values = getattr(doc, name)
        if isinstance(values, dict) and EXTRA in values:
            return f"{name}[{EXTRA!r}]: that name is the column that stores the undeclared keys"
        if nested_deeper(values, MAX_NESTING + 1):
            return f"{name} nesting deeper than {MAX_NESTING} levels"
    return (value_problem(doc.meta, schema.field("meta").type, "meta")
            or value_problem(doc.annotations, schema.field("annotations").type, "annotations")
            or _codec_problem(doc))


def _codec_problem(doc: Document):
    """The record coder takes what JSON holds and pickles the rest: a value neither can (a defaultdict
    of a lambda, nesting deeper than the coder walks) would fail the step that hands it on."""
    try:
        encode_document(doc)
    except Exception as error:  # noqa: BLE001 - whatever the coder raises, it is this document's problem
        return f"a value the record coder cannot encode ({type(error).__name__}: {str(error)[:100]})"
    return None
