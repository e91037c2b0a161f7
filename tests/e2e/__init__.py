"""End-to-end tests: a real Home Assistant process (and browser) against a virtual receiver."""
