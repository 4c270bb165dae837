"""Handlers for messages leaving Regie (`duo`, `notify` topics)."""
