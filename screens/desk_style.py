"""Where the screens' styles live beyond the sign-in form's (hotline.tcss, the app's own): one
absolute path each, so a Screen subclass in any module finds them. A screen names the files it
needs in CSS_PATH; the sign-in form, the first thing a started seat paints, parses none of them."""

from pathlib import Path

DESKS_TCSS = str(Path(__file__).parent / "desks.tcss")
KB_TCSS = str(Path(__file__).parent / "kb.tcss")
SCREEN_TCSS = [DESKS_TCSS, KB_TCSS]  # what the form and the other screens without a desk of their own use
