"""Reporting service: read models of every topic, reports, and the public portal."""
