"""Brugklas cohorts: groups with fixed start moments, a capacity, sessions, a roster and attendance."""
