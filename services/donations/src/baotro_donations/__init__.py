"""Donations service: bank feeds, reconciliation, donors, campaigns, the ledger."""
