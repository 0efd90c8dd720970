"""Why an edit was refused, each with the HTTP status the API answers (mapped in one place)."""

from __future__ import annotations

from wcokg.errors import WcokgError
from wcokg.validate import Finding


class EditError(WcokgError):
    """An edit that cannot be made; `status` is the HTTP status, `title` its short name."""

    status = 400
    title = "Bad edit"
    exit_code = 1


class UnknownActivity(EditError):
    status, title = 404, "Not Found"


class UnknownEdit(EditError):
    status, title = 404, "Not Found"


class EditForbidden(EditError):
    status, title = 403, "Forbidden"


class PreconditionRequired(EditError):
    status, title = 428, "Precondition Required"


class PreconditionFailed(EditError):
    status, title = 412, "Precondition Failed"


class EditConflict(EditError):
    status, title = 409, "Conflict"


class BadCode(EditError):
    """A document code to publish the draft under that is not one."""

    status, title = 422, "Invalid document code"


class EditInvalid(EditError):
    """The edited graph would break required shapes: nothing was stored."""

    status, title = 422, "Edit breaks the shapes"

    def __init__(self, message: str, findings: list[Finding]) -> None:
        super().__init__(message)
        self.findings = findings

    def __reduce__(self) -> tuple[type[EditInvalid], tuple[str, list[Finding]]]:
        """Pickled with its findings (it crosses from the edit process, `wcokg.edits.process`)."""
        return (type(self), (str(self), self.findings))
