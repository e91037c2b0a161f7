"""Tests of the Home Assistant side."""
