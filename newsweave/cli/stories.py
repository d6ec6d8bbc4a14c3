"""newsweave CLI commands: stories (being written)."""
