"""A serving process, once loaded, and a task worker, before its first task, leave their startup
objects out of garbage collection."""

import json

import pytest

from tests.fresh_process import run_python

LOADED = """
import gc, json, sys
import {entry}
gc.collect()
print(json.dumps({{
    "frozen": gc.get_freeze_count(),
    "tracked": len(gc.get_objects()),
    "views_loaded": "web.views.applications" in sys.modules,
}}))
"""


# A task worker: django-tasks' database worker, fennel's Celery tasks and the immediate backend
# all send task_started in the process that runs the task, before it runs.
WORKER = """
import gc, json, sys
import django
django.setup()
from django_tasks import task

kept = []

@task()
def frozen_when_run():
    # What a task leaves behind (caches): a second freeze would take it in.
    kept.extend([row] for row in range(1000))
    return gc.get_freeze_count()

before = gc.get_freeze_count()
first = frozen_when_run.enqueue().return_value
second = frozen_when_run.enqueue().return_value
kept.clear()
gc.collect()
print(json.dumps({
    "before": before,
    "first": first,
    "second": second,
    "tracked": len(gc.get_objects()),
    "views_loaded": "web.views.applications" in sys.modules,
}))
"""


def _figures_of(script: str, tmp_path) -> dict:
    output = run_python(
        script,
        tmp_path,
        DJANGO_SETTINGS_MODULE="config.settings",
        CASEWORK_TASK_BACKEND="immediate",
    )
    assert output.returncode == 0, output.stderr[-2000:]
    return json.loads(output.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("entry", ["config.wsgi", "config.asgi"])
def test_the_entry_point_freezes_what_it_loaded_views_included(entry, tmp_path):
    figures = _figures_of(LOADED.format(entry=entry), tmp_path)
    # Django and the apps alone leave well over 100,000 objects; the views come with the URLconf.
    assert figures["frozen"] > 100_000
    assert figures["views_loaded"]
    # A full collection now walks next to nothing of them.
    assert figures["tracked"] < 1_000


def test_a_task_worker_freezes_its_startup_objects_before_its_first_task_only(tmp_path):
    figures = _figures_of(WORKER, tmp_path)
    assert figures["before"] == 0
    assert figures["first"] > 100_000
    assert figures["views_loaded"]
    # The next task does not freeze again: what the first left is the collector's to free.
    assert figures["second"] < figures["first"] + 1000
    assert figures["tracked"] < 1_000
