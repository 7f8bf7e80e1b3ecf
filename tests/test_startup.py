"""A serving process, once loaded, leaves its startup objects out of garbage collection."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

LOADED = """
import gc, json, sys
import {entry}
gc.collect()
print(json.dumps({{
    "frozen": gc.get_freeze_count(),
    "tracked": len(gc.get_objects()),
    "views_loaded": "casework.application_views" in sys.modules,
}}))
"""


@pytest.mark.parametrize("entry", ["config.wsgi", "config.asgi"])
def test_the_entry_point_freezes_what_it_loaded_views_included(entry, tmp_path):
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("CASEWORK_")
    }
    environment.pop("DATABASE_URL", None)
    output = subprocess.run(
        [sys.executable, "-c", LOADED.format(entry=entry)],
        cwd=settings.BASE_DIR,
        env={**environment, "CASEWORK_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(output.stdout.strip().splitlines()[-1])
    # Django and the apps alone leave well over 100,000 objects; the views come with the URLconf.
    assert figures["frozen"] > 100_000
    assert figures["views_loaded"]
    # A full collection now walks next to nothing of them.
    assert figures["tracked"] < 1_000
