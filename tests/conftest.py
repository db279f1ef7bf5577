import os
import textwrap
from pathlib import Path

import pytest

from meetings.importing import import_many

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("MINUTES_CORPUS", ROOT.parent / "shared" / "minutes"))
SAMPLES = ROOT / "sample_minutes"


@pytest.fixture
def corpus():
    """The real minutes of a real community, beside this checkout as in CI."""
    if not CORPUS.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"the real minutes corpus is missing at {CORPUS}")
        pytest.skip(f"the real minutes corpus is not at {CORPUS}")
    return CORPUS


def minutes_text(markdown):
    """Markdown written in a test, indented like the test, as a file's bytes."""
    return textwrap.dedent(markdown).lstrip("\n").encode()


def import_text(markdown, source="team/2024-01-10.md", **options):
    """Import one minutes file written in a test; returns its FileResult."""
    return import_many([(source, minutes_text(markdown))], **options).results[0]
