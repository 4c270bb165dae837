"""Brugklas cohorts: planning groups, their roster and attendance (web pages)."""
