"""What the API accepts as an amount of money."""

MAX_DONG = 10**15
"""A million billion đồng: beyond any gift, payment, plan or campaign target of a fund, and
far inside what the ledger's columns (PostgreSQL bigint) hold: a larger amount is refused
with the other input errors (422) instead of failing in the database."""
