"""What a long-lived process (an app server, a task worker) does once its code is loaded."""

import gc
from importlib import import_module

from django.conf import settings

# Whether this process has frozen its startup objects. Not gc.get_freeze_count(): it walks all
# ~200,000 frozen objects at each call (8 % of a notice worker's time in py-spy), and the
# receiver below is called before every task.
_frozen = False


def freeze_startup_objects() -> None:
    """Exempt the objects loaded so far from every later garbage collection (once a process).

    Django, the apps, WeasyPrint and their libraries leave ~190,000 objects that live as long as
    the process. Python's full collection walks every object it tracks, so each one cost ~115 ms
    on a 2-core machine, and one came every few seconds of requests: a request that met one took
    ~200 ms instead of ~30 ms. Frozen, they are never walked again; the collector still frees
    the cycles that requests make. Under a forking server (gunicorn ``--preload``) it also keeps
    those objects' memory pages shared between the workers, and the render processes a
    document batch forks inherit the frozen state.
    """
    global _frozen
    if _frozen:
        return
    _frozen = True
    # The URLconf imports every view module; Django would do it at the first request.
    import_module(settings.ROOT_URLCONF)
    gc.collect()
    gc.freeze()


def freeze_before_first_task(sender, **kwargs) -> None:
    """``task_started`` receiver: a task worker (``db_worker``, a Celery worker process) settles
    as an app server does, before its first task. Its full collections cost the same ~115 ms,
    and a document batch makes them often: they were ~17 % of the yearly round's CPU. (With the
    immediate backend the task runs in the caller's own process, a server already frozen.)"""
    freeze_startup_objects()
