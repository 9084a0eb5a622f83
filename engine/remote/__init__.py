"""Remote engines: OpenAI-compatible servers used in place of the local inference worker."""
