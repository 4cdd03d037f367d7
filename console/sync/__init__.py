"""The seat's side of sync with the centre."""
