"""docs/config.md shows every option with its default: it must stay equal to the code's defaults."""
import json
import os
import re

import yaml

from pipelines.config import RunConfig

DOC = os.path.join(os.path.dirname(__file__), os.pardir, "docs", "config.md")


def test_the_documented_defaults_are_the_code_defaults():
    text = open(DOC, encoding="utf-8").read()
    block = re.search(r"```yaml\n(.*?)```", text, re.S).group(1)
    documented = json.loads(json.dumps(yaml.safe_load(block), sort_keys=True))
    actual = json.loads(json.dumps(RunConfig().to_dict(), sort_keys=True))
    assert documented == actual
