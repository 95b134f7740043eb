"""balprov: MSSanté BAL Cabinet mailboxes as code."""

__version__ = "0.1.0"
