"""HTTP plumbing shared by the services: problems, auth, health, metrics, app factory."""
