"""User stages from a module outside the package: checked on the launcher, run like built-in stages."""
import io
import json
import re
import sys
import textwrap

import pytest

from pipelines.plugins import Plugin, PluginStage, plugin_problems

STAGES = ["extract", "normalize", "quality", "pii"]
PLUGIN_MODULE = textwrap.dedent('''
    """A user's filter, outside tokenmill: drops documents that mention a word."""
    from corpus.document import Drop


    def make(config):
        word = config["word"]

        def stage(doc):
            count = doc.text.lower().count(word)
            if count:
                return Drop(f"mentions_{word}", f"{count} times")
            doc.annotations["zebra_checked"] = True
            return doc
        return stage


    def broken(config):
        raise RuntimeError("this factory needs a word")


    def not_a_stage(config):
        return 42


    def wrong_result(config):
        return lambda doc: "text"


    class Halt(BaseException):
        pass


    def exits(config):
        import sys
        sys.exit(0)


    def halts(config):
        raise Halt("halted")


    def generator_exit(config):
        raise GeneratorExit("closed")
''')


@pytest.fixture
def plugin_dir(tmp_path, monkeypatch):
    """The module on sys.path here and on PYTHONPATH for worker processes, as a user would install it."""
    directory = tmp_path / "user_code"
    directory.mkdir()
    (directory / "zebra_filters.py").write_text(PLUGIN_MODULE)
    monkeypatch.syspath_prepend(str(directory))
    monkeypatch.setenv("PYTHONPATH", f"{directory}:{':'.join(sys.path)}")
    yield directory
    sys.modules.pop("zebra_filters", None)


def _entry(**changes):
    return {"name": "zebra", "factory": "zebra_filters:make", "after": "quality", "config": {"word": "zebra"},
            **changes}


def test_a_good_entry_has_no_problem_and_builds_a_checked_stage(plugin_dir):
    assert plugin_problems([_entry()], STAGES) == []
    stage = PluginStage(Plugin("zebra", "zebra_filters:make", "quality", {"word": "zebra"}))()
    from corpus.document import Document, Drop
    assert stage(Document("a", "A Zebra and a zebra.", "web")) == Drop("mentions_zebra", "2 times")
    assert stage(Document("b", "A horse.", "web")).annotations == {"zebra_checked": True}


@pytest.mark.parametrize("entries, message", [
    ({"name": "zebra"}, "plugins must be a list"),
    (["zebra"], "plugins[0] must be a mapping"),
    ([_entry(colour="striped")], "plugins[0] has unknown key 'colour'"),
    ([_entry(name="ze.bra")], "plugins[0].name must be a name of letters"),
    ([_entry(name="quality")], "plugins[0].name 'quality' is a built-in stage's name"),
    ([_entry(name="write")], "plugins[0].name 'write' is reserved: the report times a step of that name"),
    ([_entry(), _entry()], "plugins[1].name 'zebra' is given to two plugins"),
    ([_entry(factory="zebra_filters.make")], "plugins[0].factory must be 'module.path:callable'"),
    ([_entry(factory="no_such_module:make")], "cannot import no_such_module"),
    ([_entry(factory="zebra_filters:nothing")], "zebra_filters has no nothing"),
    ([_entry(factory="zebra_filters:broken")], "RuntimeError: this factory needs a word"),
    ([_entry(factory="zebra_filters:not_a_stage")], "returned int, not a callable stage"),
    ([_entry(config={})], "KeyError: 'word'"),
    ([_entry(after="dedup")], "plugins[0].after must be a built-in stage (extract, normalize, quality, pii)"),
    ([_entry(config=[1])], "plugins[0].config must be a mapping"),
    # Found by a hostile review on 2026-12-04: each was an exit without a word, a traceback, or a name
    # that broke the funnel's lines and the counters.
    ([_entry(factory="zebra_filters:exits")], "plugins[0] (zebra): SystemExit: 0"),
    ([_entry(factory="zebra_filters:halts")], "plugins[0] (zebra): Halt: halted"),
    ([_entry(name=["a", "b"])], "plugins[0].name must be a name of letters, digits and '_', got ['a', 'b']"),
    ([_entry(name="quality\n")], "plugins[0].name must be a name of letters"),
    ([_entry(name="zebra\n")], "plugins[0].name must be a name of letters"),
    ([_entry(config={"day": __import__("datetime").date(2024, 1, 1)})],
     "plugins[0].config must hold only what JSON holds"),
    ([_entry(config={"tags": {"a"}})], "plugins[0].config must hold only what JSON holds"),
    ([_entry(config={1: "a", "b": "c"})], "plugins[0].config must hold only what JSON holds"),
    # ... and by a second one: JSON records the key 1 as "1" (two configs, one config_hash), a lone
    # surrogate reached the manifest, and a GeneratorExit was a traceback.
    ([_entry(config={"word": "zebra", "by": {1: "x"}})], "plugins[0].config has the key 1: keys must be strings"),
    ([_entry(config={"word": "\udc80"})], "plugins[0].config holds '\\udc80', a lone surrogate"),
    ([_entry(factory="zebra_filters:generator_exit")], "plugins[0] (zebra): GeneratorExit: closed"),
])
def test_each_mistake_is_named(plugin_dir, entries, message):
    problems = plugin_problems(entries, STAGES)
    assert problems and message in problems[0]


def test_a_stage_that_returns_something_else_fails_that_document(plugin_dir):
    from corpus.document import Document
    stage = PluginStage(Plugin("odd", "zebra_filters:wrong_result", "quality"))()
    with pytest.raises(TypeError, match="plugin odd returned str, not a Document or Drop"):
        stage(Document("a", "text", "web"))


def _corpus(directory):
    from tests.fixtures import write_jsonl
    from tests.pipelines.test_rejected_text import GOOD
    texts = {f"plain{i}": GOOD.replace("river", f"river{i}") for i in range(4)}
    texts |= {f"zebra{i}": GOOD.replace("river", "zebra" + " zebra" * i) for i in range(3)}
    texts["odd"] = GOOD.replace("river", "odd")
    return [f"notes={write_jsonl(directory / 'a.jsonl', [{'id': k, 'text': t} for k, t in texts.items()])}"]


def _run_with_plugins(tmp_path, workers, entries):
    from pipelines.config import load_config
    from pipelines.run import run_curation
    output = tmp_path / f"out{workers}"
    config = load_config(inputs=_corpus(tmp_path), output=str(output), overrides=[
        "exact_dedup.enabled=false", "near_dedup.enabled=false", "tokenize.enabled=false",
        f"plugins={json.dumps(entries)}"])
    assert run_curation(config, [], workers=workers, out=io.StringIO()) == 0
    return output


ODD_PLUGIN = textwrap.dedent('''
    def make(config):
        def stage(doc):
            if " odd " in doc.text:
                raise ValueError("an odd document")
            return doc
        return stage
''')


@pytest.mark.parametrize("workers", [1, 2], ids=["direct", "worker_processes"])
def test_a_plugin_drops_with_its_own_stage_and_reason_counted_like_a_built_in(plugin_dir, tmp_path, workers):
    from tests.outputs import counts, stored_rows, table_rows
    (plugin_dir / "odd_filter.py").write_text(ODD_PLUGIN)
    output = _run_with_plugins(tmp_path, workers, [
        _entry(), {"name": "odd", "factory": "odd_filter:make", "after": "language"}])
    source = counts(output)["sources"]["notes"]
    assert (source["read"], source["kept"], source["dropped"], source["errors"]) == (8, 4, 3, 1)
    assert source["drops"] == {"zebra.mentions_zebra": 3}
    assert source["error_types"] == {"odd.ValueError": 1}
    rejected = stored_rows(output, "rejected")
    assert sorted((row["stage"], row["reason"], row["detail"]) for row in rejected) == [
        ("zebra", "mentions_zebra", f"{n} times") for n in (2, 4, 6)]     # GOOD says "river" twice
    assert all("zebra" in row["text"] and row["annotations"]["quality"] for row in rejected)
    errors = table_rows(output, "errors")
    assert [(row["stage"], row["error_type"], row["message"]) for row in errors] == [
        ("odd", "ValueError", "an odd document")]
    kept = stored_rows(output, "documents")
    assert len(kept) == 4 and all(doc["annotations"]["zebra_checked"] for doc in kept)   # in `extra`


def test_both_runners_write_the_same_bytes_with_a_plugin(plugin_dir, tmp_path):
    from tests.outputs import file_bytes
    direct = file_bytes(_run_with_plugins(tmp_path, 1, [_entry()]))
    processes = file_bytes(_run_with_plugins(tmp_path, 2, [_entry()]))
    assert direct.keys() == processes.keys() and all(direct[name] == processes[name] for name in direct)


def test_a_bad_entry_stops_the_run_with_one_line_before_any_output(plugin_dir, tmp_path, capsys):
    from beam_runner import main
    entry = json.dumps([_entry(factory="zebra_filters:broken")])
    status = main(["run", "--input", str(tmp_path / "a.jsonl"), "--output", str(tmp_path / "out"),
                   "--set", f"plugins={entry}"])
    err = capsys.readouterr().err
    assert status == 2 and err.strip() == \
        "tokenmill: error: plugins[0] (zebra): RuntimeError: this factory needs a word"
    assert not (tmp_path / "out").exists()


def _run_one_plugin(plugin_dir, tmp_path, module: str, code: str) -> tuple:
    """The module as the plugin `odd` after quality: (the counts of source `notes`, the only source, and
    the error rows' messages, sorted)."""
    from tests.outputs import counts, table_rows
    (plugin_dir / f"{module}.py").write_text(code)
    output = _run_with_plugins(tmp_path, 1, [{"name": "odd", "factory": f"{module}:make", "after": "quality"}])
    assert set(counts(output)["sources"]) == {"notes"}
    return counts(output)["sources"]["notes"], sorted(row["message"] for row in table_rows(output, "errors"))


UNSTORABLE_PLUGIN = textwrap.dedent('''
    ODD = {"plain0": ("annotations", "lang", 5), "plain1": ("meta", "http_status", "abc"),
           "plain2": ("annotations", "tags", {"a", "b"}), "zebra0": ("annotations", "quality", "high"),
           "zebra1": ("annotations", 3, "x")}

    def make(config):
        def stage(doc):
            key = doc.meta["source_id"]
            if key == "odd":
                doc.text = None
            elif key in ODD:
                column, name, value = ODD[key]
                getattr(doc, column)[name] = value
            return doc
        return stage
''')


def test_values_a_plugin_leaves_that_cannot_be_stored_fail_their_document_not_the_run(plugin_dir, tmp_path):
    """A wrong type for a stored field, a value JSON cannot hold (a set: its str() changes from run to run),
    a key that is no str, a text that is no str: one error row each, the rest of the run as usual."""
    source, messages = _run_one_plugin(plugin_dir, tmp_path, "unstorable", UNSTORABLE_PLUGIN)
    assert (source["read"], source["kept"], source["dropped"], source["errors"]) == (8, 2, 0, 6)
    assert source["error_types"] == {"odd.TypeError": 6}
    assert messages == sorted([
        "plugin odd left annotations.lang is a int (5), the stored column holds string",
        "plugin odd left meta.http_status is a str ('abc'), the stored column holds int64",
        "plugin odd left annotations.tags cannot be stored as JSON (Object of type set is not JSON serializable)",
        "plugin odd left annotations.quality is a str, not a dict",
        "plugin odd left annotations has the key 3, not a str",
        "plugin odd left text a NoneType, not a str"])


BAD_RECORDS_PLUGIN = textwrap.dedent('''
    from corpus.document import Drop


    class Unprintable(Exception):
        def __str__(self):
            raise RuntimeError("no str")


    def make(config):
        def stage(doc):
            key = doc.meta["source_id"]
            if key == "plain0":
                return Drop("too_many_links", 5)
            if key == "plain1":
                doc.source = "elsewhere"
            elif key == "plain2":
                doc.text += " \\ud800"
            elif key == "zebra0":
                doc.meta["offset"] = 2 ** 64
            elif key == "zebra1":
                doc.annotations["map"] = {1: "x", "a": "y"}
            elif key == "zebra2":
                raise ValueError("cannot open \\udc80.txt")
            elif key == "odd":
                raise Unprintable()
            return doc
        return stage
''')


def test_records_a_plugin_leaves_that_later_steps_would_fail_on_are_error_rows(plugin_dir, tmp_path):
    """Each of these once stopped the whole run in a later step (the writers, the accounting): a Drop's
    detail that is no str, a changed source, a lone surrogate, an int beyond int64 in a typed column,
    mixed key types, an exception message with a surrogate, an exception whose str() raises."""
    source, messages = _run_one_plugin(plugin_dir, tmp_path, "bad_records", BAD_RECORDS_PLUGIN)
    assert (source["read"], source["kept"], source["dropped"], source["errors"]) == (8, 1, 0, 7)
    assert messages == sorted([
        "plugin odd left a Drop whose detail is 5, not None or a str of UTF-8 text",
        "plugin odd left source 'elsewhere': a document's source is the input's it was read from ('notes')",
        "plugin odd left text with a lone surrogate, which UTF-8 cannot hold",
        "plugin odd left meta.offset is 18446744073709551616, outside the stored column's int64",
        "plugin odd left annotations.map cannot be stored as JSON ('<' not supported between instances of "
        "'str' and 'int')",
        "cannot open \\udc80.txt",
        "(Unprintable's message could not be read)"])


EXITING_PLUGIN = textwrap.dedent('''
    import sys


    class Halt(BaseException):
        pass


    def make(config):
        def stage(doc):
            key = doc.meta["source_id"]
            if key == "plain0":
                sys.exit(3)
            if key == "plain1":
                raise Halt("stop here")
            if key == "plain2":
                doc.id = "copied-id"
            return doc
        return stage
''')


def test_a_plugin_that_exits_or_changes_an_id_fails_that_document_not_the_run(plugin_dir, tmp_path):
    """sys.exit() and a BaseException of the plugin's own passed every `except Exception` and stopped the
    run; a changed id could repeat another document's, and dedup's joins key by id."""
    source, messages = _run_one_plugin(plugin_dir, tmp_path, "exiting", EXITING_PLUGIN)
    assert (source["read"], source["kept"], source["dropped"], source["errors"]) == (8, 5, 0, 3)
    assert source["error_types"] == {"odd.PluginExit": 2, "odd.TypeError": 1}
    assert [message.split(" ('")[0] for message in messages] == [
        "plugin odd left id 'copied-id': a document keeps the id it was read with",
        "plugin odd raised Halt: stop here", "plugin odd raised SystemExit: 3"]


def test_ctrl_c_in_a_plugin_still_stops_the_run():
    from corpus.document import Document
    from pipelines.plugins import _Checked

    def stage(doc):
        raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        _Checked("odd", stage)(Document("a", "some text", "web"))


@pytest.mark.parametrize("change, problem", [
    (lambda doc: setattr(doc, "id", __import__("numpy").str_(doc.id)), "id a str_, not a str"),
    (lambda doc: doc.annotations.__setitem__("counts", __import__("collections").defaultdict(lambda: 0)),
     "a value the record coder cannot encode (AttributeError"),
    (lambda doc: doc.annotations.__setitem__("tree", _nested(900)), "annotations nesting deeper than 100 levels"),
    # Refused by the count, not by the stack: at 450 levels the coder's recursion failed on one runner and
    # not on the other, and the outputs of 1 and 2 workers differed.
    (lambda doc: doc.annotations.__setitem__("tree", _nested(100)), "annotations nesting deeper than 100 levels"),
    (lambda doc: doc.annotations.__setitem__("tuples", _nested_tuple(150)), "annotations nesting deeper than 100"),
    (lambda doc: doc.annotations.__setitem__("extra", {"x": 1}),
     "annotations['extra']: that name is the column that stores the undeclared keys"),
    (lambda doc: setattr(doc, "url", "https://site.test/\ud800"), "url with a lone surrogate"),
    (lambda doc: doc.annotations.__setitem__("note", "a\ud800"), "annotations.note cannot be stored as JSON"),
    (lambda doc: doc.annotations.__setitem__("lang_score", 2 ** 53 + 1),
     "annotations.lang_score is 9007199254740993, an int the stored column's double cannot hold exactly"),
], ids=["numpy_str_id", "unpicklable", "deep", "deep_by_one", "deep_tuples", "extra_key", "surrogate_url", "surrogate_annotation",
        "int_in_double"])
def test_values_that_would_fail_the_coder_or_a_key_are_refused_with_the_document(change, problem):
    """The same check, on values whose failure would come in dedup's records (its coder, its keys)."""
    from corpus.document import Document
    from pipelines.config import RunConfig
    from pipelines.output_schemas import output_schemas
    from pipelines.plugins import _Checked

    def stage(doc):
        change(doc)
        return doc
    checked = _Checked("odd", stage, output_schemas(RunConfig())[0])
    with pytest.raises(TypeError, match=re.escape(f"plugin odd left {problem}")):
        checked(Document("a", "some text", "web", url="https://site.test/a"))


def _nested_tuple(depth: int) -> tuple:
    value = ()
    for _ in range(depth):
        value = (value,)
    return value


def _nested(depth: int) -> dict:
    tree = current = {}
    for _ in range(depth):
        current["a"] = current = {}
    return tree


def test_an_error_message_that_cannot_be_read_still_gives_its_row_a_message():
    from pipelines.stage import error_message

    class Refusing(str):
        def __getitem__(self, key):
            raise RuntimeError("slice refused")

    class Odd(Exception):
        def __init__(self, text):
            super().__init__()
            self._text = text

        def __str__(self):
            return self._text

    assert error_message(Odd(Refusing("hello"))) == "(Odd's message could not be read)"
    assert error_message(Odd("cannot open \udc80.txt")) == "cannot open \\udc80.txt"
    assert error_message(ValueError("x" * 600)) == "x" * 500


def test_a_value_nested_to_the_limit_is_kept():
    from corpus.document import Document
    from pipelines.config import RunConfig
    from pipelines.output_schemas import output_schemas
    from pipelines.plugins import _Checked

    def stage(doc):
        doc.annotations["tree"] = _nested(99)      # with annotations itself, 100 levels
        return doc
    assert _Checked("odd", stage, output_schemas(RunConfig())[0])(Document("a", "text", "web")).annotations["tree"]


class _Note(str):
    pass


@pytest.mark.parametrize("drop, problem", [
    (("two\nlines", None), "a Drop whose reason 'two\\nlines' holds a control character or line break"),
    (("nul\x00", None), "a Drop whose reason 'nul\\x00' holds a control character"),
    (("flagged", _Note("see note")), "a Drop whose detail is 'see note', not None or a str"),
])
def test_a_drop_that_would_break_the_funnel_or_the_coder_fails_its_document(drop, problem):
    """A reason is a counter name and a line of the funnel; a str subclass as detail once stopped the run
    in the coder (a local class cannot be pickled)."""
    from corpus.document import Document, Drop
    from pipelines.plugins import _Checked
    with pytest.raises(TypeError, match=re.escape(f"plugin odd left {problem}")):
        _Checked("odd", lambda doc: Drop(*drop))(Document("a", "text", "web"))


def test_an_exception_class_whose_name_is_not_text_still_gives_a_named_row():
    from tokenmill.usage import error_type_name

    class Surrogate(type):
        __name__ = property(lambda cls: "Bad\udc80Name")

    class Raising(type):
        @property
        def __name__(cls):
            raise RuntimeError("no name")

    assert error_type_name(Surrogate("Odd", (Exception,), {})()) == "UnnamedError"
    assert error_type_name(Raising("Odd", (Exception,), {})()) == "UnnamedError"
    line_break = type("Odd", (Exception,), {})
    line_break.__name__ = "Bad\nName"                       # a counter name, and a line of the funnel
    assert error_type_name(line_break()) == "UnnamedError"
    assert error_type_name(ValueError("x")) == "ValueError"


def test_the_report_funnel_has_a_row_for_each_plugin_in_its_place(plugin_dir, tmp_path):
    """The report walked the built-in stages only: what a plugin removed was counted against the next
    stage, and every later row overstated the documents left."""
    output = _run_with_plugins(tmp_path, 1, [_entry()])
    rows = json.loads((output / "report" / "report.json").read_text())["funnel"]
    stages = [row["stage"] for row in rows]
    assert stages.index("zebra") == stages.index("quality") + 1
    left = {row["stage"]: row["documents"] for row in rows}
    assert left["quality"] - left["zebra"] == 3 and left["kept"] <= left["zebra"]    # its three zebra documents


def test_a_generator_exit_in_a_plugin_fails_its_document_like_any_exit():
    from corpus.document import Document
    from pipelines.plugins import PluginExit, _Checked

    def stage(doc):
        raise GeneratorExit
    with pytest.raises(PluginExit, match="plugin odd raised GeneratorExit"):
        _Checked("odd", stage)(Document("a", "some text", "web"))
