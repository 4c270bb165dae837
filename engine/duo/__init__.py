"""DUO M2M inburgering: the Notificatie API (gemeente side), the DUO client and the outbox sender.

Contract: the official OpenAPI documents in `specs/` (copied unchanged from DUO's
publication, see specs/README.md) and DUO's rules in README-DUO.md.
"""
