"""`make bench`: the benchmark commands and the report they write to docs/performance.md."""
