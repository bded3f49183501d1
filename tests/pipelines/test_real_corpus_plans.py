"""Plans for a small real corpus: the big budgets say they are short, a small one is met exactly."""
import json
from collections import Counter

import pytest

from tests.conftest import shared_data
from tests.tokenized_output import run_tokenized
from tokenization.loader import PlanLoader

DOLMA = "web/dolma/CC-MAIN-20190717121559-20190717143559-00140.jsonl.gz"
HPLT = "web/hplt_sample100/CC.zst"


@pytest.fixture(scope="module")
def real_output(tmp_path_factory):
    output = tmp_path_factory.mktemp("real") / "out"
    return run_tokenized([f"dolma={shared_data(DOLMA)}", f"hplt={shared_data(HPLT)}"], output,
                         extra=["tokenize.seq_len=512", "tokenize.shard_tokens=100000", "tokenize.vocab_size=2000",
                                "plans.budgets=[2T, 8T, 13T, small=400K]", "plans.weights={dolma: 3, hplt: 1}",
                                "read.text_field=[text, t]"])


@pytest.mark.parametrize("budget", ["2T", "8T", "13T"])
def test_the_gemma_budgets_state_their_shortfall(real_output, budget):
    plan = json.loads((real_output / "plans" / f"{budget}.json").read_text())
    unique = sum(entry["unique_tokens"] for entry in plan["sources"].values())
    assert not plan["satisfiable"] and unique < 10**9
    assert plan["shortfall_tokens"] > 0.99 * plan["target_tokens"]
    assert all(entry["epochs"] == 4.0 for entry in plan["sources"].values())
    assert plan["statement"].startswith(f"{budget}: SHORT by")


@pytest.mark.parametrize("hosts", [1, 2, 8])
def test_a_small_budget_is_met_at_the_given_weights_on_any_host_count(real_output, hosts):
    plan = json.loads((real_output / "plans" / "small.json").read_text())
    assert plan["satisfiable"] and plan["sequences_planned"] == plan["sequences_needed"] == 782
    dolma, hplt = (plan["sources"][name]["sequences_planned"] for name in ("dolma", "hplt"))
    assert dolma + hplt == 782 and abs(dolma - 3 * hplt) <= 3
    origins = [o for host in range(hosts)
               for batch in PlanLoader(str(real_output), "small", 1, host=host, hosts=hosts) for o in batch.origins]
    assert len(origins) == 782 // hosts * hosts
    assert max(Counter(origins).values()) == 1
    by_source = Counter(path.split("/")[0] for path, _, _ in origins)
    assert abs(by_source["dolma"] - 0.75 * len(origins)) <= 1 + hosts


def test_the_real_output_validates(real_output):
    from tokenization.validate import validate_output
    assert validate_output(str(real_output)) == []
