from tokenization.budgets import Budget
from tokenization.plans import PlanSettings, build_plan


def _manifest(rows_by_source: dict, seq_len=100):
    shards = [{"path": f"{source}/{source}-{i:05d}.arrow", "source": source, "rows": rows}
              for source, rows_list in rows_by_source.items() for i, rows in enumerate(rows_list)]
    return {"seq_len": seq_len, "shards": shards, "tokenizer": {"sha256": "abc"}}


def test_big_budgets_state_the_shortfall_plainly():
    plan = build_plan(_manifest({"web": [10, 10], "code": [5]}), Budget("2T", 2 * 10**12), PlanSettings())
    assert not plan["satisfiable"]
    assert plan["sources"]["web"]["epochs"] == 4.0 and plan["sources"]["web"]["capped"]
    assert plan["shortfall_tokens"] == 2 * 10**12 - 4 * 25 * 100
    assert "SHORT by" in plan["statement"] and "More unique data is needed" in plan["statement"]


def test_a_small_budget_is_met_at_the_sources_weights():
    plan = build_plan(_manifest({"web": [30, 30], "code": [40]}), Budget("tiny", 15_000), PlanSettings())
    assert plan["satisfiable"] and plan["sequences_planned"] == 150
    assert plan["sources"]["web"]["sequences_planned"] == 90 and plan["sources"]["code"]["sequences_planned"] == 60
    assert plan["sources"]["web"]["epochs"] == 1.5
    web_entries = plan["order"]["web"]
    assert sum(count for *_, count in web_entries) == 90
    assert [epoch for _, epoch, _, _ in web_entries] == [0, 0, 1]      # whole epoch, then part of one


def test_given_weights_are_followed_and_the_order_is_seeded():
    manifest = _manifest({"web": [10] * 6, "code": [10] * 6})
    settings = PlanSettings(weights={"web": 3, "code": 1}, seed=1)
    plan = build_plan(manifest, Budget("b", 8_000), settings)
    assert (plan["sources"]["web"]["sequences_planned"], plan["sources"]["code"]["sequences_planned"]) == (60, 20)
    assert build_plan(manifest, Budget("b", 8_000), settings) == plan
    reseeded = build_plan(manifest, Budget("b", 8_000), PlanSettings(weights={"web": 3, "code": 1}, seed=2))
    assert reseeded["order"] != plan["order"]


def test_an_empty_corpus_plans_nothing_and_says_so():
    plan = build_plan({"seq_len": 64, "shards": [], "tokenizer": None}, Budget("2T", 2 * 10**12), PlanSettings())
    assert plan["sequences_planned"] == 0 and not plan["satisfiable"]
    assert "holds no tokens" in plan["statement"]
