"""Upstream geodata: the registry of pinned files, download, sha256, cache and mirror; boundary loaders."""
