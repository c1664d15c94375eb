"""Bảo Trợ shared library: the event backbone and the plumbing every service shares."""
