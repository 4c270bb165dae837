"""Bezwaar (Awb ch. 6-7): register a bezwaar against a sent beschikking and carry out its outcome.

- service.py  register_bezwaar: starts a `bezwaar` case (processes/bezwaar.bpmn) for a beschikking
- handler.py  the `bezwaar` topic: a gegrond bezwaar against a PIP asks the inburgeraar's case
              to amend the PIP (message pip_bijstellen)
The deadlines and the beschikking's status are engine/legal's.
"""
