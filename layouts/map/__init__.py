"""The coverage map page's view model and callbacks."""
