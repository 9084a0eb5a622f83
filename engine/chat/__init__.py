"""Chat formatting: Gemma turn format, sandboxed templates, sampling presets."""
