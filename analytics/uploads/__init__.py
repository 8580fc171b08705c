"""The intake page's service: kept uploads and their manifest, staging, dry run and commit."""
