"""Every usage mistake of issue 14, run as the real `tokenmill` command against a complete previous output.

    python bench/usage_mistakes.py

Builds a small corpus and a complete output DIR with `tokenmill run`, then for
each mistake of tests/usage_mistakes.py runs the command again into DIR and
records the exit status, what it printed on stderr, whether a traceback
appeared, and whether DIR stayed byte-identical (every file, report/ too).
Also: --version, python -m tokenmill, a closed stdout, and Ctrl-C during a
run. Writes bench/out/usage_mistakes.json and prints the table as Markdown.
"""
from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from measure import adopt_orphans, wait_for_orphans  # noqa: E402
from tests.tokenized_output import NO_FILTERS, SMALL_TOKENS, write_corpus  # noqa: E402
from tests.usage_mistakes import (MISTAKES, command, expected_text, process_group, tree_digest,  # noqa: E402
                                  worker_processes, write_side_files)

TOKENMILL = str(Path(sys.executable).parent / "tokenmill")
OUT = ROOT / "bench" / "out" / "usage_mistakes"


def run(args: list, **kwargs) -> subprocess.CompletedProcess:
    """The command, and then what it left behind: a run draws its report's charts in a detached process,
    which would change DIR after its digest was taken (every row read CHANGED until 2026-12-04)."""
    adopt_orphans()
    result = subprocess.run(args, capture_output=True, text=True, timeout=600, **kwargs)
    wait_for_orphans()
    return result


def shown(args: list) -> str:
    """The command as a user would type it, with this script's folder and executable spelt short."""
    text = shlex.join(["tokenmill" if arg == TOKENMILL else "python" if arg == sys.executable else arg
                       for arg in args])
    return text.replace(str(OUT), "$W")


def outcome(name: str, args: list, result, digest_before: str, output: Path, expect: str = "",
            status: int = 2) -> dict:
    lines = result.stderr.strip().splitlines()
    one_line = len(lines) == 1 if status == 2 else True
    return {"mistake": name, "command": shown(args), "status": result.returncode, "stderr_lines": len(lines),
            "stderr": (lines[-1] if lines else "").replace(str(OUT), "$W"),
            "stdout_last": (result.stdout.strip().splitlines() or [""])[-1].replace(str(OUT), "$W"),
            "traceback": "Traceback" in result.stderr + result.stdout,
            "unchanged": tree_digest(output) == digest_before,
            "as_expected": result.returncode == status and one_line
            and (not expect or expect in result.stderr + result.stdout)}


def plain_command_mistakes(output: Path, side: Path) -> list:
    """`tokenmill export` and `inspect` share the family: (name, arguments, expected text), against DIR."""
    # --allow-partial: DIR's tail=drop would be refused first, and the row would not try a folder not empty.
    return [("export into a folder that is not empty (DIR itself)", ["export", "megatron", str(output), str(output),
                                                                    "--allow-partial"],
             "is not empty: export into a new directory"),
            ("export --size-limit 0", ["export", "mds", str(output), str(side / "mds"), "--size-limit", "0"],
             "--size-limit must be positive, got 0"),
            ("export of a folder that is no output", ["export", "megatron", str(side), str(side / "megatron")],
             "no manifest.json in"),
            ("inspect of a folder that is no output", ["inspect", "summary", str(side)], "no manifest.json in"),
            ("inspect show of a row outside the shard", ["inspect", "show", str(_first_shard(output)), "--row",
                                                        "999999"], "is outside the shard")]


def _first_shard(output: Path) -> Path:
    return sorted(path for path in (output / "tokens").rglob("*") if path.is_file() and path.suffix != ".md")[0]


def ctrl_c(inputs: list, output: Path) -> dict:
    """SIGINT to the whole process group once the worker processes run, as a terminal's Ctrl-C does."""
    args = [TOKENMILL, "run", *[a for spec in inputs for a in ("--input", spec)], "--output", str(output),
            "--workers", "2", "--quiet", *[a for item in NO_FILTERS + SMALL_TOKENS for a in ("--set", item)]]
    process = subprocess.Popen(args, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    while time.time() < deadline and len(worker_processes(process.pid)) < 2:
        time.sleep(0.2)
    time.sleep(1)
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=120)
    lines = err.decode().strip().splitlines()
    time.sleep(1)
    return {"mistake": "Ctrl-C during a run (2 workers)", "command": shown(args) + "  # then SIGINT",
            "status": process.returncode, "stderr_lines": len(lines),
            "stderr": lines[-1] if lines else "", "traceback": "Traceback" in err.decode(), "unchanged": None,
            "processes_left": len(process_group(process.pid)),
            "as_expected": process.returncode == 130 and lines[-1:] == ["tokenmill: interrupted"]
            and not process_group(process.pid)}


def closed_pipe(output: Path) -> dict:
    process = subprocess.Popen([TOKENMILL, "inspect", "summary", str(output), "--json"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()
    _, err = process.communicate(timeout=60)
    return {"mistake": "inspect summary --json into a closed pipe",
            "command": shown(process.args) + " | (closed at once)", "status": process.returncode,
            "stderr_lines": len(err.splitlines()), "stderr": err.decode().strip(), "traceback": b"Traceback" in err,
            "unchanged": None, "as_expected": err == b""}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    inputs = write_corpus(OUT)
    output, side = OUT / "DIR", write_side_files(OUT / "side")
    sets = [a for item in NO_FILTERS + SMALL_TOKENS for a in ("--set", item)]
    done = run([TOKENMILL, "run", *[a for spec in inputs for a in ("--input", spec)], "--output", str(output),
                "--workers", "1", "--quiet", *sets])
    assert done.returncode == 0, done.stderr[-2000:]
    digest = tree_digest(output)
    rows = []
    cases = [(mistake.name, [TOKENMILL, *command(mistake, inputs, output, side)],
              expected_text(mistake, output, side), mistake.status) for mistake in MISTAKES]
    cases += [(name, [TOKENMILL, *args], expect, 2) for name, args, expect in plain_command_mistakes(output, side)]
    for name, args, expect, status in cases:
        rows.append(outcome(name, args, run(args), digest, output, expect, status))
        print(f"{rows[-1]['status']:>3}  {'same' if rows[-1]['unchanged'] else 'CHANGED'}  {name}: "
              f"{rows[-1]['stderr'] or rows[-1]['stdout_last']}", flush=True)
    for name, args in (("--version", [TOKENMILL, "--version"]),
                       ("python -m tokenmill --version", [sys.executable, "-m", "tokenmill", "--version"])):
        rows.append(outcome(name, args, run(args, cwd=OUT), digest, output, "tokenmill ", status=0))
    rows.append(closed_pipe(output))
    rows.append(ctrl_c(inputs, OUT / "interrupted"))
    failed = [row["mistake"] for row in rows if not row["as_expected"] or row["traceback"]
              or row["unchanged"] is False]
    with open(OUT.parent / "usage_mistakes.json", "w") as handle:
        json.dump({"rows": rows, "failed": failed, "date": time.strftime("%Y-%m-%d")}, handle, indent=1)
    print("\n| mistake | exit | stderr (last line) | lines | DIR byte-identical |\n|---|---|---|---|---|")
    for row in rows:
        text = row.get("stdout_last", "") if row["status"] == 0 else row["stderr"]
        text = text.replace("|", "\\|")
        same = {True: "yes", False: "NO", None: "n/a"}[row["unchanged"]]
        print(f"| {row['mistake']} | {row['status']} | {text} | {row['stderr_lines']} | {same} |")
    print(f"\n{len(rows) - len(failed)} of {len(rows)} as expected" + (f"; failed: {failed}" if failed else ""))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
