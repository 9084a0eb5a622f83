"""Gemma 3 vision: safe image loading, Hearth's own Pan & Scan tiler, prompt layout and libmtmd.

The pure parts (``image_loading``, ``pan_scan``, ``tiles``, ``prompt``) need only Pillow and
numpy; ``mtmd_runtime`` needs llama-cpp-python and is imported only by the inference worker.
"""
