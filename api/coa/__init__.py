"""COA: the endpoint where COA delivers the klantprofiel for the warme overdracht."""
