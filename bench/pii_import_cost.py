"""What importing Presidio costs, and who pays it now that only the PII stage's workers import it.

    python bench/pii_import_cost.py [--repeats 5]

Each figure is a fresh `python -c` process, timed from outside (median of
--repeats), on one core when run under `taskset -c 0`:

- the launcher's imports (pipelines.config, pipelines.curate, pipelines.run):
  what `tokenmill run`, `inspect` and the other subcommands pay before any
  stage runs, with which heavy libraries they loaded;
- the same imports after importing presidio_analyzer first: what they cost
  when pipelines.config reached Presidio through the PII stage's config (as
  before this change);
- presidio_analyzer alone, and filters.pii.engine (what a PII worker pays);
- a one-document run with the PII stage off, with and without Presidio
  imported first: the end-to-end saving for a run that does not use PII.

Presidio imports spaCy itself (presidio_analyzer.nlp_engine imports
spacy.tokens), so a process that builds the PII analyzer loads spaCy even
with no NER model; what can be saved is Presidio and spaCy in every process
that does not build one. Writes bench/out/pii_import_cost.json.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))

from measure import print_table, write_json  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAUNCHER = "import pipelines.config, pipelines.curate, pipelines.run"
REPORT_LOADED = ("import sys, json; print(json.dumps({m: m in sys.modules for m in "
                 "('presidio_analyzer', 'spacy', 'phonenumbers', 'apache_beam')}))")
ONE_DOCUMENT_RUN = """
import io, sys
from pipelines.config import load_config
from pipelines.run import run_curation
config = load_config(inputs=[sys.argv[1]], output=sys.argv[2], overrides=["pii.enabled=false"])
run_curation(config, [], workers=1, out=io.StringIO())
"""


def timed(code: str, repeats: int, *args: str) -> tuple:
    """Median wall seconds of a fresh interpreter running `code`, and the last run's stdout."""
    seconds, stdout = [], ""
    for _ in range(repeats):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True,
                              check=True)
        seconds.append(time.perf_counter() - start)
        stdout = done.stdout
    return statistics.median(seconds), stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    rows = []
    for name, code in (("python alone", "pass"),
                       ("launcher imports", LAUNCHER),
                       ("launcher imports, Presidio imported first", "import presidio_analyzer; " + LAUNCHER),
                       ("presidio_analyzer alone", "import presidio_analyzer"),
                       ("a PII worker: filters.pii.engine", "import filters.pii.engine")):
        seconds, loaded = timed(f"{code}\n{REPORT_LOADED}", args.repeats)
        rows.append({"what": name, "seconds": seconds, **json.loads(loaded)})
    with tempfile.TemporaryDirectory() as work:
        source = os.path.join(work, "one.jsonl")
        with open(source, "w", encoding="utf-8") as handle:
            handle.write(json.dumps({"id": "1", "text": "One ordinary document of plain prose. " * 40}) + "\n")
        for name, code in (("1-document run, PII off", ONE_DOCUMENT_RUN),
                           ("1-document run, PII off, Presidio imported first",
                            "import presidio_analyzer\n" + ONE_DOCUMENT_RUN)):
            seconds, _ = timed(code, args.repeats, source, os.path.join(work, name.replace(" ", "_")))
            rows.append({"what": name, "seconds": seconds})
    print_table(rows, ["what", "seconds", "presidio_analyzer", "spacy", "phonenumbers", "apache_beam"])
    by_name = {row["what"]: row["seconds"] for row in rows}
    saved = {"launcher_imports_s": by_name["launcher imports, Presidio imported first"] - by_name["launcher imports"],
             "one_document_run_s": by_name["1-document run, PII off, Presidio imported first"]
             - by_name["1-document run, PII off"]}
    print(f"saved: {saved['launcher_imports_s']:.2f} s of the launcher's imports, "
          f"{saved['one_document_run_s']:.2f} s of a 1-document run without PII")
    write_json(os.path.join(os.path.dirname(__file__), "out", "pii_import_cost.json"),
               {"repeats": args.repeats, "rows": rows, "saved": saved})


if __name__ == "__main__":
    main()
