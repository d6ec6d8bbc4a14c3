"""newsweave CLI commands: compare (being written)."""
