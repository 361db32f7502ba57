"""sheetflow: an approval register on a spreadsheet, driven by a declarative SOP workflow.

The names below load on first use: ``sheetflow.cli`` imports this package, and a cron
run that finds its register unchanged must not pay for the planner (see ``memo``).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .api import (
        Connection,
        SyncResult,
        check_register,
        init_register,
        print_register,
        report_register,
        run_demo,
        setup_register,
        sync_register,
        verify_register,
    )
    from .errors import SheetflowError
    from .findings import Finding, Severity
    from .sync import Plan, plan
    from .workflow import Workflow, load_workflow

_HOMES = {
    "Connection": "api", "SyncResult": "api", "check_register": "api", "init_register": "api",
    "print_register": "api", "report_register": "api", "run_demo": "api", "setup_register": "api",
    "sync_register": "api", "verify_register": "api", "SheetflowError": "errors", "Finding": "findings",
    "Severity": "findings", "Plan": "sync", "plan": "sync", "Workflow": "workflow", "load_workflow": "workflow",
}

__all__ = [
    "Connection",
    "Finding",
    "Plan",
    "Severity",
    "SheetflowError",
    "SyncResult",
    "Workflow",
    "check_register",
    "init_register",
    "load_workflow",
    "plan",
    "print_register",
    "report_register",
    "run_demo",
    "setup_register",
    "sync_register",
    "verify_register",
]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'sheetflow' has no attribute {name!r}")
    return getattr(import_module(f".{_HOMES[name]}", __name__), name)
