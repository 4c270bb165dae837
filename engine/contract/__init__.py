"""Contracts with outside parties: their official OpenAPI documents, checked on every exchange."""
