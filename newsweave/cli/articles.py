"""newsweave CLI commands: articles (being written)."""
