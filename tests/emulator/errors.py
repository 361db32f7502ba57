"""Google's JSON error envelope (https://cloud.google.com/apis/design/errors#http_mapping)."""

from __future__ import annotations

from typing import Any

STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}

UNAUTHENTICATED = (
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other "
    "valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project."
)
NOT_FOUND = "Requested entity was not found."
PERMISSION_DENIED = "The caller does not have permission"
INSUFFICIENT_SCOPES = "Request had insufficient authentication scopes."
INTERNAL = "Internal error encountered."
UNAVAILABLE = "The service is currently unavailable."
PROTECTED = (
    "You are trying to edit a protected cell or object. Please contact the spreadsheet owner to remove "
    "protection if you need to edit."
)
CELL_TOO_LONG = "Your input contains more than the maximum of 50000 characters in a single cell."
TOO_MANY_CELLS = "This action would increase the number of cells in the workbook above the limit of 10000000 cells."

CANNED_MESSAGES = {
    400: "Request contains an invalid argument.",
    401: UNAUTHENTICATED,
    403: PERMISSION_DENIED,
    404: NOT_FOUND,
    500: INTERNAL,
    503: UNAVAILABLE,
}


def grid_limits(title: str, where: str, rows: int, columns: int) -> str:
    return f"Range ('{title}'!{where}) exceeds grid limits. Max rows: {rows}, max columns: {columns}"


class ApiError(Exception):
    """An answer in Google's error format; raised anywhere below the HTTP layer."""

    def __init__(self, code: int, message: str, details: list[dict[str, Any]] | None = None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.details = details

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message, "status": STATUS_NAMES[self.code]}
        if self.details:
            error["details"] = self.details
        return {"error": error}


class Invalid(Exception):
    """A batchUpdate request is invalid; the dispatcher names the request ("Invalid requests[2].updateCells: ...")."""


def quota_exceeded(kind: str, limit: int) -> ApiError:
    """The 429 Sheets answers when a per-minute-per-user quota is spent (https://developers.google.com/sheets/api/limits)."""
    metric = "Read requests" if kind == "read" else "Write requests"
    limit_name = f"{metric} per minute per user"
    message = (
        f"Quota exceeded for quota metric '{metric}' and limit '{limit_name}' of service "
        "'sheets.googleapis.com' for consumer 'project_number:000000000000'."
    )
    details = [
        {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "RATE_LIMIT_EXCEEDED",
            "domain": "googleapis.com",
            "metadata": {
                "service": "sheets.googleapis.com",
                "consumer": "projects/000000000000",
                "quota_metric": f"sheets.googleapis.com/{kind}_requests",
                "quota_limit": f"{kind.capitalize()}RequestsPerMinutePerUser",
                "quota_limit_value": str(limit),
                "quota_location": "global",
            },
        },
        {
            "@type": "type.googleapis.com/google.rpc.Help",
            "links": [
                {
                    "description": "Request a higher quota limit.",
                    "url": "https://cloud.google.com/docs/quotas/help/request_increase",
                }
            ],
        },
    ]
    return ApiError(429, message, details)


def canned(code: int, kind: str) -> ApiError:
    """The error an injected fault answers with."""
    if code == 429:
        return quota_exceeded("read" if kind == "read" else "write", 60)
    return ApiError(code, CANNED_MESSAGES[code])
