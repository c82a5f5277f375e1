"""Rosters in, nodes and relationships out: readers, templates, mapping, validation."""
