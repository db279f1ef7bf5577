"""Settings of ``make loadtest``: the tracker's own, with the trivial view's URL beside its URLs.

The trivial view exists only under these settings, so that the app itself
serves no page for benchmarks.
"""

from tracker.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.loadtest_urls"
