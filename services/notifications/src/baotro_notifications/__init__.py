"""Notifications service: thank-you letters, commendations, deliveries."""
