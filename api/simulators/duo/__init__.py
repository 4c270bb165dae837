"""DUO simulator: the official M2M resources from a local store; sends notifications to Regie."""
