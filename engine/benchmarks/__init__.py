"""Benchmarks of what users feel: the real app over HTTP on real klantreis cases of several ages.

- `cases`: a case loader. It drives the real klantreis (the end-to-end scenario) through the
  engine to a few ages and clones those cases, ids remapped, by bulk insert: 100k cases in
  minutes. Load tests and monitoring benchmarks reuse it.
- `http`: starts `regie serve` as a separate process and times every operation a browser
  or API client does (login, CSRF, JSON API, pages) with httpx: p50/p95/p99, server RSS.
- `baseline`: raw SpiffWorkflow on the same cases, the spec stored once and the state as one
  blob per case, in the same run.
- `storage`: bytes per case by age, on SQLite and PostgreSQL.
- `report`: runs them all for `make bench` / `regie bench --json` and prints the tables.
"""
