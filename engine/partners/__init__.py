"""The partner portal: what providers and partners register for their linked inburgeraars."""
