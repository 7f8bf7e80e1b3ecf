"""Settings of the load run (benchmarks/load.py) only: the project's settings with a cheap
password hasher first, so that making and logging in fifty synthetic officers does not cost a
minute of PBKDF2 on a shared machine. Never used by the demo, the tests or a deployment."""

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
