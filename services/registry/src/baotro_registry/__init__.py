"""Registry service: children in special circumstances, their cases, consent and appeals."""
