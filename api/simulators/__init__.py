"""Simulators of the partners' systems (DUO, BRP) for the demo, training and the contract tests."""
