"""Regie engine: runs the klantreis BPMN/DMN, persists cases, fires timers.

Imports go one way: api -> engine -> SpiffWorkflow / SQLAlchemy. Nothing in here
imports FastAPI, Starlette or web templating.
"""
