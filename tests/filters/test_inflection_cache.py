"""The word lists' inflected forms come from an on-disk cache when one is there: the same forms, not stale ones."""
import json

from filters.inflections import inflected_forms, with_inflected_forms

ENTRIES = ["slur", "bitch", "big tit", "slur"]
EXPECTED = sorted({"slur", "bitch", "big tit"}.union(*(inflected_forms(e, "en") for e in ENTRIES)))


def test_a_cold_and_a_warm_call_give_the_forms_made_by_the_rules(tmp_path, monkeypatch):
    monkeypatch.setenv("TOKENMILL_CACHE_DIR", str(tmp_path))
    assert with_inflected_forms(ENTRIES, "en") == EXPECTED
    [entry] = list((tmp_path / "inflections").iterdir())
    assert json.loads(entry.read_text())["value"] == EXPECTED
    entry.write_text(json.dumps({"value": ["planted"]}))          # proves the warm call reads the file
    assert with_inflected_forms(ENTRIES, "en") == ["planted"]


def test_other_entries_or_languages_never_share_an_entry(tmp_path, monkeypatch):
    monkeypatch.setenv("TOKENMILL_CACHE_DIR", str(tmp_path))
    assert with_inflected_forms(["puta"], "es") == ["puta", "putas"]
    assert with_inflected_forms(["puta"], "it") == ["puta", "pute"]
    assert with_inflected_forms(["puta"], "ru") == ["puta"]
    assert len(list((tmp_path / "inflections").iterdir())) == 3


def test_a_corrupt_or_unwritable_cache_means_computing_again(tmp_path, monkeypatch):
    monkeypatch.setenv("TOKENMILL_CACHE_DIR", str(tmp_path))
    with_inflected_forms(ENTRIES, "en")
    [entry] = list((tmp_path / "inflections").iterdir())
    entry.write_text("{not json")
    assert with_inflected_forms(ENTRIES, "en") == EXPECTED
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("TOKENMILL_CACHE_DIR", str(blocker / "below"))     # a folder under a file: unwritable
    assert with_inflected_forms(ENTRIES, "en") == EXPECTED
