"""Beheer: the beheerder's screens and API across all cases of a gemeente."""
