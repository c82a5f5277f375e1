"""The questions staff ask, as plain functions that take a store first."""
