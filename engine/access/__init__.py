"""Accounts and access: users, roles, login."""
