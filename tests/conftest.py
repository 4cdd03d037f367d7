import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# Speed is measured in bench/, not asserted: no per-example deadline that a loaded CI machine trips.
settings.register_profile("hotline", deadline=None)
settings.load_profile("hotline")

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("HOTLINE_SHARED_DATA", ROOT.parent / "shared" / "data"))
sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real hotline data not found at {SHARED_DATA} (set HOTLINE_SHARED_DATA)")
    return SHARED_DATA


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def served_centre(request, tmp_path):
    """A real centre on loopback, over SQLite and over PostgreSQL: (centre, server, database URL)."""
    from sync_support import CentreThread, centre_db, new_centre

    with centre_db(request.param, tmp_path) as url:
        centre = new_centre(url)
        with CentreThread(centre) as server:
            yield centre, server, url
        centre.engine.dispose()
