"""sheetflow: an approval register on a spreadsheet, driven by a declarative SOP workflow."""

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
