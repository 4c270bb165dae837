"""A task: its form, claim, assign, drafts and completion (web pages and JSON API)."""
