"""Automatic layouts of the map: where notes could go, proposed to the facilitator (never applied here)."""
