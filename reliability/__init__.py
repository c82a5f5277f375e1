"""Proofs that the stores hold under faults: a killed Neo4j, a killed embedded save,
overlapping ingests.  Each harness runs real processes and compares graph digests;
``python -m reliability.run`` gives the figures of ``docs/RELIABILITY.md`` and the suite
runs the same harnesses small."""
