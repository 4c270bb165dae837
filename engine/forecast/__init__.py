"""Capacity forecast: next year's workload from the klantreis itself.

`paths.build_library` runs the klantreis scenarios once through the gemeente's
deployed diagrams in a scratch SQLite database on a simulated clock and keeps,
per scenario, what happened when (the monitoring events of that run).
`simulate.forecast` then draws many seeded synthetic populations over those paths
(instroom per month, route mix, probabilities at the decisions) and reports per
month new and open cases, intakes, PIPs, voortgangsgesprekken, letters, fines,
consultant hours and cost with P10/P50/P90.

Why paths and not every synthetic case through SpiffWorkflow: one whole klantreis
costs about 1.4 s through the engine and database on the development machine, so a
national year (18,000 inburgeraars) would take about 7 hours on one core. A case's
events depend only on its path and its start day, so running each distinct path
once through the real diagrams and sampling gives the same counts in seconds
(`tests/forecast` checks the agreement with a direct count).
"""
