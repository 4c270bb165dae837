"""Logging in and out; who may do what in the workplace."""
