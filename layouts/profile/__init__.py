"""The village profile page (/desa) and the map's link to it."""
