"""Teams: the beheerder's page and API for teams and their members (engine/access/teams.py)."""
