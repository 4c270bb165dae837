"""A case: dossier, notes, audit, diagram, incidents, starting cases and messages."""
