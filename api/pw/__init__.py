"""Pw 18/18b maatregelen on a case: the JSON route and the case page's form (engine/pw does the work)."""
