"""BRP simulator: the Haal Centraal BRP API Personen over the simulator's persons."""
