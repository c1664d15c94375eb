"""Cross-service tests share the fixtures of the `baotro` pytest plugin."""
