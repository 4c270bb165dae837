"""What a beheerder reads and does across cases: incidents, versions, search, queues, workers.

Queries only (no FastAPI); every function takes the session and the gemeente
explicitly, and every read of a case's personal data is written to the audit log.
"""
