"""Applying: a plan executed mailbox by mailbox through providers, each success recorded in the state."""
