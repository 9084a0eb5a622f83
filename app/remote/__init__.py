"""The GUI side of remote engines (OpenAI-compatible servers)."""
