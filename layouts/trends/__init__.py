"""The trends page's views."""
