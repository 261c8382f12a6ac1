"""The app's own settings, plus a bench-only trivial view and a throttle the bench's batches fit under."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# The bench counts each page's queries through Django's test client in its own process.
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]  # noqa: F405
# A real token sends a few batches a minute; the bench sends hundreds to measure throughput.
FEEDBACK_API_RATE = "100000/m"
# Each web worker keeps one PostgreSQL connection for the whole run (not 60 s), so the bench can read
# the CPU time of the same database backends before and after each page's run (bench.accounting).
DATABASES["default"]["CONN_MAX_AGE"] = None  # noqa: F405
