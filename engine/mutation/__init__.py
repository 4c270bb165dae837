"""Mutation analysis of the legal rules: change each constant by one step, see which scenario notices.

`make mutants` (`python -m engine.mutation`) changes every legal number, duration and
boundary comparison in `processes/`, `forms/` and the letter rules, one at a time, runs
the scenarios that can reach it and prints which scenario killed each mutant. Not part of
`make test`: like a benchmark it measures the tests, it does not test the product.
"""
