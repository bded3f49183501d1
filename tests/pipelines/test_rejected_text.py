"""rejected/ keeps the whole text by default, an excerpt on request, and what the stages found."""
import io

import pytest

from beam_runner import main
from pipelines.config import ConfigError, load_config
from pipelines.run import run_curation
from tests.fixtures import ARTICLE, write_jsonl
from tests.outputs import stored_rows, table_rows

# Long enough for normalize, but the same line over and over: the Gopher repetition rules drop it.
REPEATED = "\n".join(["Buy cheap tickets for the show here today and save."] * 40)
NO_STOP_WORDS = " ".join(f"zorp{i} quux{i} blarg{i}" for i in range(40))


TEXTS = {"tiny": "tiny", "article": ARTICLE, "repeated": REPEATED, "nostop": NO_STOP_WORDS}
GOOD = "\n".join([ARTICLE, "In the dry months the river was low and slow, and children walked across it to school.",
                  "Traders came up the valley with salt and cloth, and they stayed until the harvest was in.",
                  "The old bridge was built of stone by people whose names nobody remembers any more.",
                  "Every autumn the town held a market that lasted for three days and two long nights."])


def _rejected(tmp_path, *overrides):
    rows = [{"id": key, "text": text} for key, text in {**TEXTS, "good": GOOD}.items()]
    inputs = [f"notes={write_jsonl(tmp_path / 'a.jsonl', rows)}"]
    config = load_config(inputs=inputs, output=str(tmp_path / "out"),
                         overrides=["exact_dedup.enabled=false", "near_dedup.enabled=false",
                                    "tokenize.enabled=false", *overrides])
    assert run_curation(config, [], workers=1, out=io.StringIO()) == 0
    return {row["reason"]: row for row in table_rows(tmp_path / "out", "rejected")}


def test_kept_and_rejected_documents_carry_every_quality_signal(tmp_path):
    rows = _rejected(tmp_path)
    first_rule = rows["gopher_dup_line_fraction"]["annotations"]
    assert first_rule["lang"] == "en" and first_rule["quality"]["gopher_dup_line_fraction"] == 39 / 40
    assert {"fineweb_line_punct_ratio", "c4_sentences", "gopher_dup_10gram_char_fraction"} <= set(first_rule["quality"])
    too_short = [row for row in stored_rows(tmp_path / "out", "rejected") if row["reason"] == "too_short"]
    assert too_short[0]["annotations"] == {}         # normalize drops it before any signal
    kept = [doc["annotations"] for doc in table_rows(tmp_path / "out", "documents")]
    assert len(kept) == 1 and len(kept[0]["quality"]) == 30
    numbers = [value for value in kept[0]["quality"].values() if isinstance(value, (int, float))]
    assert len(numbers) == 28 and kept[0]["quality"]["c4_curly_bracket_line"] is None      # no line has one


def test_rejected_rows_hold_the_whole_text_as_it_entered_the_stage(tmp_path):
    rows = _rejected(tmp_path)
    assert {reason: row["stage"] for reason, row in rows.items()} == {
        "too_short": "normalize", "gopher_dup_line_fraction": "quality", "gopher_too_few_words": "quality",
        "fineweb_line_punct_ratio": "quality"}
    assert sorted(row["text"] for row in rows.values()) == sorted(TEXTS.values())
    assert all(row["text_chars"] == len(row["text"]) for row in rows.values())
    assert rows["gopher_dup_line_fraction"]["text"] == REPEATED


def test_an_excerpt_on_request_keeps_the_first_characters_and_the_whole_length(tmp_path):
    rows = _rejected(tmp_path, "write.rejected_text=excerpt", "write.rejected_excerpt_chars=30")
    assert sorted(row["text"] for row in rows.values()) == sorted(text[:30] for text in TEXTS.values())
    assert sorted(row["text_chars"] for row in rows.values()) == sorted(map(len, TEXTS.values()))
    assert rows["gopher_dup_line_fraction"]["text"] == REPEATED[:30]


@pytest.mark.parametrize("option, message", [
    ("write.rejected_text=some", "write.rejected_text must be one of whole, excerpt; got 'some'"),
    ("write.rejected_excerpt_chars=0", "write.rejected_excerpt_chars must be at least 1"),
])
def test_a_wrong_option_is_one_line(tmp_path, capsys, option, message):
    with pytest.raises(ConfigError, match=message):
        load_config(overrides=[option])
    status = main(["run", "--input", str(tmp_path / "none.jsonl"), "--output", str(tmp_path / "out"),
                   "--set", option])
    err = capsys.readouterr().err
    assert status == 2 and message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()
