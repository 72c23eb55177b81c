"""Self-contained folium maps of the plan and of the changes between plan versions."""
