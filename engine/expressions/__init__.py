"""Expressions in diagrams: JUEL (${...}) and FEEL (=...), parsed and evaluated without eval.

Other code calls :func:`compile_expression` (cached per text) and ``Compiled.evaluate``;
:func:`validate_expression` reports problems at deploy time. ``Compiled.test(value, context,
now=...)`` runs a DMN input entry against one input value.

Language choice (``language=None``): ``${...}``/``#{...}`` is JUEL, a leading ``=`` is FEEL,
kind ``unary`` is FEEL unary tests, a bare ISO 8601 value in kind ``timer`` and plain text in
kinds ``text``/``expression`` are literals; a ``condition`` must be JUEL or FEEL.

Values from case data:
- JUEL: numbers may be int, float (read as Decimal via repr) or Decimal; dates may be ``date``,
  ``datetime`` or ISO strings (``2026-03-01``, ``2026-03-01T09:00:00Z``), also when compared
  with a date; ``today()`` is the date in Europe/Amsterdam of the ``now`` passed in.
- FEEL: numbers become Decimal (34 digits); dates must be ``date``/``datetime`` objects or be
  converted with ``date("...")``/``date and time("...")`` (FEEL is typed: an ISO string stays
  a string). Results may hold Decimal, date, datetime, time, timedelta (days-time durations)
  and :class:`temporal.YearsMonths`.
- A missing variable is an evaluation error naming it, in both languages. Error messages
  never contain variable values.
"""

from .compiler import Compiled, compile_expression, validate_expression
from .errors import EvaluationError, ExpressionError, Problem

__all__ = [
    "Compiled",
    "EvaluationError",
    "ExpressionError",
    "Problem",
    "compile_expression",
    "validate_expression",
]
