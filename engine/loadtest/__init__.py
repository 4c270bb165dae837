"""`make loadtest`: simulated klantmanagers against two web processes and two workers on PostgreSQL.

`playbook` reads what to type from the klantreis scenarios, `klantmanager` is the HTTP
client (httpx only, no web framework), `cluster` starts and stops the real processes
on a scratch schema of a local PostgreSQL, `consistency` checks every case afterwards,
and `run` ties them together and prints the figures.
"""
