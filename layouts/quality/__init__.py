"""The data-quality page's views."""
