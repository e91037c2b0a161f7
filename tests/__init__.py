"""Tests of onkyo_eiscp."""
