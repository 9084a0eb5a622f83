"""Exact, fast token counts without loading the model: SentencePiece built from the GGUF vocabulary.

See :mod:`engine.tokenizer.counter` for the recipe and why it matches llama.cpp.
"""

from engine.tokenizer.counter import (
    TokenCounter,
    TokenizerError,
    Vocabulary,
    build_sentencepiece_model,
    load_token_counter,
    read_vocabulary,
)

__all__ = [
    "TokenCounter",
    "TokenizerError",
    "Vocabulary",
    "build_sentencepiece_model",
    "load_token_counter",
    "read_vocabulary",
]
