"""The small widget kit every screen shares: message lines, the one write path, the change bus."""
