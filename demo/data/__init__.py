"""The demo's literal data (people, cases, texts), kept in JSON files beside this module."""

import json
from pathlib import Path


def load(name: str):
    """The contents of the UTF-8 JSON file ``name`` of this folder."""
    return json.loads(Path(__file__).with_name(name).read_text(encoding="utf-8"))
