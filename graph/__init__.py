"""The ontology and the two stores that hold it."""
