"""Expressions in diagrams: JUEL (${...}) and FEEL (=...), parsed and evaluated without eval.

Other code calls :func:`compile_expression` (cached per text) and ``Compiled.evaluate``;
:func:`validate_expression` reports problems at deploy time.
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
