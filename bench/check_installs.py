"""Check pip's resolution reports (`make check-installs`): every extra of tokenmill resolves together, and the
datatrove peer resolves in its own environment.

    python bench/check_installs.py EXTRAS_REPORT.json DATATROVE_REPORT.json

pip has already failed if a set does not resolve; this reads what it chose, checks the pins that made
the two sets conflict (trafilatura), and writes bench/out/check_installs.json.
"""
from __future__ import annotations

import json
import os
import platform
import sys

OUT = os.path.join(os.path.dirname(__file__), "out", "check_installs.json")
EXPECTED = {
    "extras": ["apache-beam", "trafilatura", "spacy", "alt-profanity-check", "torch", "torchdata", "megatron-core",
               "datasketch", "datasets", "hypothesis", "fastwarc", "faker"],
    "datatrove": ["datatrove", "trafilatura", "aiohttp", "orjson"],
}


def chosen(report_path: str) -> dict:
    with open(report_path) as handle:
        report = json.load(handle)
    return {item["metadata"]["name"].lower().replace("_", "-"): item["metadata"]["version"]
            for item in report["install"]}


def main() -> None:
    sets = {"extras": chosen(sys.argv[1]), "datatrove": chosen(sys.argv[2])}
    problems = [f"{name}: {package} is not in the resolution" for name, packages in EXPECTED.items()
                for package in packages if package not in sets[name]
                and not (package == "alt-profanity-check" and sys.version_info < (3, 11))]
    major_minor = lambda version: tuple(int(part) for part in version.split(".")[:2])  # noqa: E731
    if major_minor(sets["extras"]["trafilatura"]) < (1, 12):
        problems.append(f"extras: trafilatura {sets['extras']['trafilatura']} < 1.12")
    if major_minor(sets["datatrove"]["trafilatura"]) >= (1, 12):
        problems.append(f"datatrove: trafilatura {sets['datatrove']['trafilatura']} >= 1.12")
    summary = {"python": platform.python_version(), "problems": problems,
               **{name: {package: packages.get(package) for package in EXPECTED[name]}
                  for name, packages in sets.items()},
               "packages": {name: len(packages) for name, packages in sets.items()}}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as handle:
        json.dump(summary, handle, indent=1, sort_keys=True)
    print(json.dumps(summary, indent=1, sort_keys=True))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
