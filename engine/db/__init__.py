"""Database layer: typed SQLAlchemy 2 models and session handling."""
