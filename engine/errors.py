"""Domain errors; the API maps them to responses in one place."""

from __future__ import annotations

from dataclasses import dataclass


class AppError(Exception):
    """An error a caller can act on; `status` is the HTTP status it maps to."""

    status = 400

    def __init__(self, message: str, *, field_errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}


class NotFound(AppError):
    """The thing does not exist, or not for this gemeente."""

    status = 404


class Conflict(AppError):
    """Someone else changed the case first, or the case is not waiting for this."""

    status = 409


class Invalid(AppError):
    """Input that cannot be accepted; `field_errors` says which field and why."""

    status = 422


class Forbidden(AppError):
    """The person may not do this."""

    status = 403


@dataclass(frozen=True)
class Problem:
    """One reason a deploy is refused: which file, which element, why."""

    file: str
    element_id: str | None
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.file}" + (f" [{self.element_id}]" if self.element_id else "")
        return f"{where}: {self.message}"


class DeployRefused(AppError):
    """The deployed files contain something the engine cannot run."""

    status = 400

    def __init__(self, problems: list[Problem]) -> None:
        errors = [p for p in problems if p.severity == "error"]
        summary = "; ".join(str(p) for p in errors[:20])
        super().__init__(f"Deploy geweigerd: {summary}")
        self.problems = problems
