"""BRP: person data from the Haal Centraal BRP API Personen (official OpenAPI in `specs/`)."""
