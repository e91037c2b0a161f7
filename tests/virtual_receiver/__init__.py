"""Tests of the virtual receiver."""
