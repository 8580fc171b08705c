"""The outreach page: plan views, map, impact and callbacks."""
