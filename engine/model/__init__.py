"""Model files: the bounded GGUF header reader, the Gemma 3 catalogue and memory estimates."""
