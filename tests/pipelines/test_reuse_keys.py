"""What keys a reuse cache entry: thresholds out, every option that changes a signal or text in."""
import dataclasses
import gzip
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.document import Document
from filters.quality.quality_filter import NGRAM_LIMITS, THRESHOLDS, QualityConfig, QualityFilter, signal_options
from pipelines.config import load_config
from pipelines.reuse_keys import by_content, prefix_key
from tests.conftest import shared_data

STAGES = ["extract", "normalize", "url_filter", "language", "quality"]


def _real_documents(count: int = 60) -> list:
    with gzip.open(shared_data("web/dolma/CC-MAIN-20190717121559-20190717143559-00140.jsonl.gz"), "rt",
                   encoding="utf-8") as handle:
        rows = [json.loads(line) for _, line in zip(range(count), handle)]
    return [Document(row["id"], row["text"], "web", annotations={"lang": "en"}) for row in rows]


def _with_thresholds(config: QualityConfig, scale: float) -> QualityConfig:
    """Every threshold moved by `scale`, every other option as it was."""
    sections = {}
    for rule_set, names in THRESHOLDS.items():
        section = getattr(config, rule_set)
        changed = {name: type(getattr(section, name))(getattr(section, name) * scale) for name in names}
        if rule_set == "gopher_repetition":
            changed.update({name: {n: limit * scale for n, limit in getattr(section, name).items()}
                            for name in NGRAM_LIMITS})
        sections[rule_set] = dataclasses.replace(section, **changed)
    return dataclasses.replace(config, **sections)


@settings(max_examples=10, deadline=None)
@given(scale=st.floats(min_value=0.1, max_value=3.0))
def test_no_threshold_changes_a_signal_or_the_text(scale):
    default, moved = QualityConfig(), _with_thresholds(QualityConfig(), scale)
    assert signal_options(moved) == signal_options(default)
    for doc in DOCUMENTS:
        assert QualityFilter(moved).signals(doc) == QualityFilter(default).signals(doc)


def test_the_prefix_key_ignores_thresholds_and_follows_options_and_side_files():
    def key(*sets, hashes=None):
        return prefix_key(load_config(overrides=list(sets)), STAGES, hashes or {"language": {"m.bin": "a"}})
    base = key()
    assert key("quality.gopher_quality.min_words=30", "quality.fineweb.max_short_line_ratio=0.5") == base
    assert key("quality.gopher_repetition.max_dup_ngram_char_fraction={5: 0.2, 6: 0.1, 7: 0.1, 8: 0.1, 9: 0.1, 10: 0.1}") == base
    assert key("quality.gopher_repetition.max_dup_ngram_char_fraction={5: 0.15}") != base   # fewer signals
    assert key("quality.c4.min_words_per_line=4") != base          # C4's lines, so the text, change
    assert key("normalize.max_chars=1000") != base
    assert key("read.max_record_bytes=1000") != base
    assert key(hashes={"language": {"m.bin": "b"}}) != base        # another model, same path


def test_a_side_file_keys_by_its_contents_not_by_how_its_path_is_spelled():
    def key(lists, hashes):
        config = load_config(overrides=["url_filter.enabled=true", f"url_filter.lists={lists}"])
        return prefix_key(config, ["url_filter"], {"url_filter": hashes})
    same = key("[adult=/a/x.txt, gambling=/a/y.txt]", {"/a/x.txt": "X", "/a/y.txt": "Y"})
    assert key("[adult=/b/../a/x.txt, gambling=y.txt]", {"/b/../a/x.txt": "X", "y.txt": "Y"}) == same
    # the same two files under each other's category: the same set of hashes, another filter
    assert key("[adult=/a/y.txt, gambling=/a/x.txt]", {"/a/x.txt": "X", "/a/y.txt": "Y"}) != same
    assert key("[adult=/a/x.txt, gambling=/a/y.txt]", {"/a/x.txt": "X", "/a/y.txt": "Z"}) != same


def test_by_content_replaces_whole_paths_and_the_path_of_name_entries_only():
    hashes = {"/m/lid.bin": "H", "/l/a.txt": "A"}
    assert by_content({"model_path": "/m/lid.bin", "keep": ["en"], "lists": ["adult=/l/a.txt", "/l/a.txt"],
                       "k": 3}, hashes) == {"model_path": "sha256:H", "keep": ["en"],
                                            "lists": ["adult=sha256:A", "sha256:A"], "k": 3}


DOCUMENTS = []


def setup_module():
    DOCUMENTS.extend(_real_documents())


def test_the_prefix_key_hashes_the_code_that_builds_what_an_entry_stores():
    """An entry's trailer holds the profiles reporting.profile built: an edit there must be a new key."""
    from pipelines.reuse_keys import PREFIX_CODE, _code_files
    hashed = {relative for _, relative in _code_files(PREFIX_CODE)}
    assert {"reporting/profile.py", "corpus/record_fields.py", "filters/quality/quality_filter.py",
            "pipelines/reuse.py"} <= hashed
