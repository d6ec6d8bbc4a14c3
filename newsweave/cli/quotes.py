"""newsweave CLI commands: quotes (being written)."""
