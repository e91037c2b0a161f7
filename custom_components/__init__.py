"""Custom components (makes the folder importable in tests)."""
