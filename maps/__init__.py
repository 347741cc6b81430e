"""Map builders: data in, folium objects out. Asset and tile configuration lives in one place."""
