"""Test support: a pytest plugin with the real broker, PostgreSQL databases and services."""
