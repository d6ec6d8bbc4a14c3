"""newsweave CLI commands: bench (being written)."""
