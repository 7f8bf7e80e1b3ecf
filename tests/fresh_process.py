"""Running a snippet of Python in a fresh process of the project, as a server or worker starts."""

import os
import subprocess
import sys

from django.conf import settings


def run_python(script: str, data_dir, **environment: str) -> subprocess.CompletedProcess:
    """Run ``script`` with ``python -c`` in the project's folder, with none of this process's
    CASEWORK_* settings or DATABASE_URL (so SQLite in ``data_dir``), plus ``environment``."""
    inherited = {
        name: value for name, value in os.environ.items() if not name.startswith("CASEWORK_")
    }
    inherited.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env={**inherited, "CASEWORK_DATA_DIR": str(data_dir), **environment},
        capture_output=True,
        text=True,
    )
