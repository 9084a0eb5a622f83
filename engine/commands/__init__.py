"""Sub-commands of ``hearth-cli``, one module each."""
