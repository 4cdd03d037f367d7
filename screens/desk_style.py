"""Where the desks' styles live (one absolute path, so a Screen subclass in any module finds them)."""

from pathlib import Path

DESKS_TCSS = str(Path(__file__).parent / "desks.tcss")
