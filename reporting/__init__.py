"""The run report: document profiles, report.json and the self-contained HTML page (no Beam)."""
