"""One small tokenized output, built by the real pipeline: the corpus, the options and the run."""
import io

from pipelines.config import load_config
from pipelines.run import run_curation
from tests.fixtures import write_jsonl
from tests.tokenization.corpus_text import varied_documents

# Every filter off: these tests are about tokens, and the varied texts would not pass them.
NO_FILTERS = [f"{stage}.enabled=false" for stage in (
    "normalize", "url_filter", "language", "quality", "unsafe_words", "exact_dedup", "near_dedup", "pii",
    "decontaminate")]
SMALL_TOKENS = ["tokenize.seq_len=64", "tokenize.shard_tokens=2000", "tokenize.vocab_size=600",
                "plans.budgets=[2T, 8T, 13T, tiny=20K]"]


def write_corpus(directory):
    texts = varied_documents(120)
    write_jsonl(directory / "books.jsonl", [{"id": f"b{i}", "text": t, "url": f"https://books.example/{i}"}
                                            for i, t in enumerate(texts[:80])])
    write_jsonl(directory / "news.jsonl", [{"id": f"n{i}", "text": t, "url": f"https://news.example/{i}"}
                                           for i, t in enumerate(texts[80:])])
    return [f"books={directory}/books.jsonl", f"news={directory}/news.jsonl"]


def run_tokenized(inputs, output, extra=(), workers=1, beam_args=()):
    config = load_config(inputs=inputs, output=str(output), overrides=[*NO_FILTERS, *SMALL_TOKENS, *extra])
    status = run_curation(config, list(beam_args), workers=workers, out=io.StringIO())
    assert status == 0
    return output
