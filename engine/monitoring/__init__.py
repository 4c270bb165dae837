"""Sturingsinformatie: facts written as cases move, the indicators, costs and exports built on them.

Every figure is computed from two small tables written in the same transaction as the
case step (`models.py`, filled by `facts.record_step`): one row per case with its
dimensions and milestones, and one row per thing that happened. No report reads a
case's state blob.
"""
