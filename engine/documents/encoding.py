"""Turning the bytes of a text file into text: BOM first, then UTF-8, then a careful guess.

Order: a byte-order mark decides (UTF-8, UTF-16 and UTF-32 in either byte order); then an encoding
declared by the file itself (HTML ``<meta charset>``); then strict UTF-8 (which covers ASCII); then
BOM-less UTF-16 recognised by its zero bytes; and only then charset-normalizer's guess (Shift-JIS,
GBK, Windows-1252, …), which is reported as a warning because it is a guess.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import charset_normalizer

from engine.documents.errors import DocumentError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]{2,40})""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._-]{2,40})""")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SAMPLE = 64 * 1024
# Tie-breaker between equally plausible guesses: roughly how common each encoding is.
_PREFERRED = tuple(
    codecs.lookup(label).name
    for label in (
        "cp1252",
        "cp932",
        "gb18030",
        "big5",
        "euc_kr",
        "cp1251",
        "euc_jp",
        "cp1250",
        "iso8859-15",
        "latin-1",
    )
)


@dataclass(frozen=True, slots=True)
class DecodedText:
    text: str
    encoding: str
    guessed: bool


def _codec_name(label: str) -> str | None:
    try:
        return codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None


def declared_encoding(data: bytes) -> str | None:
    """An encoding the file declares about itself (HTML meta charset or the XML declaration)."""
    head = data[:4096]
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    if match is None:
        return None
    return _codec_name(match.group(1).decode("ascii", "replace"))


def _wide_guess(data: bytes) -> str | None:
    """Spot BOM-less UTF-16 by where the zero bytes are (ASCII-range text in UTF-16)."""
    sample = data[:_SAMPLE]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even_zeros = sample[0::2].count(0)
    odd_zeros = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_zeros > 0.3 * half and even_zeros < 0.05 * half:
        return "utf-16-le"
    if even_zeros > 0.3 * half and odd_zeros < 0.05 * half:
        return "utf-16-be"
    return None


def _guess(data: bytes) -> str | None:
    """charset-normalizer's guess; among equally good guesses, the most widely used encoding."""
    results = list(charset_normalizer.from_bytes(data))
    if not results:
        return None
    best = results[0]
    tied = [
        _codec_name(match.encoding) or match.encoding
        for match in results
        if match.chaos <= best.chaos + 1e-9 and match.coherence >= best.coherence - 1e-9
    ]
    for preferred in _PREFERRED:
        if preferred in tied:
            return preferred
    return tied[0]


def _looks_binary(text: str) -> bool:
    sample = text[:_SAMPLE]
    if not sample:
        return False
    return len(_CONTROL.findall(sample)) > 0.02 * len(sample)


def decode_text(data: bytes, name: str, *, honour_declared: bool = False) -> DecodedText:
    """Decode ``data``; raise :class:`DocumentError` if it is not text at all."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data[len(bom) :].decode(encoding), encoding, False, name)
            except UnicodeDecodeError:
                break  # a BOM followed by garbage: fall through to guessing
    if honour_declared:
        declared = declared_encoding(data)
        if declared is not None:
            try:
                return _checked(data.decode(declared), declared, False, name)
            except UnicodeDecodeError:
                pass
    if b"\x00" in data[:_SAMPLE]:  # NUL is valid UTF-8 but never in real UTF-8 text
        wide = _wide_guess(data)
        if wide is not None:
            try:
                return _checked(data.decode(wide), wide, True, name)
            except UnicodeDecodeError:
                pass
    try:
        return _checked(data.decode("utf-8"), "utf-8", False, name)
    except UnicodeDecodeError:
        pass
    guess = _guess(data)
    if guess is not None:
        return _checked(data.decode(guess, errors="replace"), guess, True, name)
    if b"\x00" in data[:_SAMPLE]:
        raise DocumentError(f"{name} does not look like a text file.")
    return _checked(data.decode("utf-8", errors="replace"), "utf-8", True, name)


def _checked(text: str, encoding: str, guessed: bool, name: str) -> DecodedText:
    if _looks_binary(text):
        raise DocumentError(f"{name} does not look like a text file.")
    return DecodedText(text=text, encoding=encoding, guessed=guessed)
