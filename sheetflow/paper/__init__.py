"""The paper copy (hardcopy) of a register, as PDF: the register for a period, and the
approval sheet for one item. Pure rendering: plain data in (a ``SyncResult``), bytes out."""

from .approval import approval_pdf
from .register import register_pdf

__all__ = ["approval_pdf", "register_pdf"]
