"""The upload page: staging views, rebuild and diff."""
