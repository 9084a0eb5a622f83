"""The inference worker process and its client."""
