"""COA: the klantprofiel for the warme overdracht, in Regie's own versioned format (klantprofiel-v1.schema.json)."""
