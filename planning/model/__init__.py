"""The plan: published figures (``geodata/plan.toml``), the catalogue, placement and :class:`Plan`."""
