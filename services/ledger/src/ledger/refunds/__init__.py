"""Refunds a merchant asks for: reserved in the database, sent to the provider, and
completed (or released) by what the provider reports."""
