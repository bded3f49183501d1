"""User stages from a module outside the package: checked on the launcher, run like built-in stages."""
import io
import json
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
    ([_entry(), _entry()], "plugins[1].name 'zebra' is given to two plugins"),
    ([_entry(factory="zebra_filters.make")], "plugins[0].factory must be 'module.path:callable'"),
    ([_entry(factory="no_such_module:make")], "cannot import no_such_module"),
    ([_entry(factory="zebra_filters:nothing")], "zebra_filters has no nothing"),
    ([_entry(factory="zebra_filters:broken")], "RuntimeError: this factory needs a word"),
    ([_entry(factory="zebra_filters:not_a_stage")], "returned int, not a callable stage"),
    ([_entry(config={})], "KeyError: 'word'"),
    ([_entry(after="dedup")], "plugins[0].after must be a built-in stage (extract, normalize, quality, pii)"),
    ([_entry(config=[1])], "plugins[0].config must be a mapping"),
])
def test_each_mistake_is_named(plugin_dir, entries, message):
    problems = plugin_problems(entries, STAGES)
    assert problems and message in problems[0]


def test_a_stage_that_returns_something_else_fails_that_document(plugin_dir):
    from corpus.document import Document
    stage = PluginStage(Plugin("odd", "zebra_filters:wrong_result", "quality"))()
    with pytest.raises(TypeError, match="plugin odd returned str, not a Document or Drop"):
        stage(Document("a", "text", "web"))
