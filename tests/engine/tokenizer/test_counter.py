# ruff: noqa: RUF001 - multilingual test text is the point of these tests
"""The SentencePiece counter matches llama.cpp's own tokenizer on the real Gemma 3 vocabulary.

The reference is ``llama_cpp.Llama(model, vocab_only=True).tokenize`` (tokenizer only, no
weights), on a few thousand varied strings: English prose, code, Japanese, Chinese, other
scripts, emoji, whitespace runs, control characters and special-token texts written as plain text.
"""

from __future__ import annotations

import json
import pickle
import random
from collections.abc import Iterator
from pathlib import Path

import gguf
import numpy as np
import pytest

from engine.tokenizer import TokenCounter, TokenizerError, load_token_counter, read_vocabulary
from engine.tokenizer.counter import LLAMA_CPP_CONTROL_TEXTS, cache_path

pytestmark = pytest.mark.model

GOLDEN = Path(__file__).parents[2] / "data" / "tokenizer" / "gemma3-270m-golden.json"

HAND_WRITTEN = [
    "The quick brown fox jumps over the lazy dog.",
    "Hearth keeps your documents on your computer; nothing is uploaded.",
    "  two  spaces,   three,    four     five",
    "trailing spaces   ",
    "   leading spaces",
    "\n\n\nnewlines\n\n",
    "\r\nCRLF\r\nline\r\n",
    "\t\ttabs\tand\t\t\ttabs",
    "def tokenize(text: str) -> list[int]:\n    return [ord(c) for c in text]  # ok\n",
    'int main(void) {\n\tprintf("%d\\n", 42);\n\treturn 0;\n}\n',
    "SELECT * FROM messages WHERE id > 10 ORDER BY created_at DESC;",
    "1234567890 3.14159 -0.5e-10 2026-11-26T23:59:59Z 0xFF $1,000 99%",
    "暖房 冷房 運転切替 温度を上げる",
    "東京都渋谷区神南一丁目。ｶﾀｶﾅ　全角スペース、句読点。",
    "日本語の文章を正しく数えられるか確認します。漢字、ひらがな、カタカナ。",
    "北京是中国的首都。我们明天上午九点在公园门口见面，请带伞！",
    "繁體中文：臺灣的首都是臺北市。",
    "한국어 문장도 확인합니다.",
    "Привет, мир! Ελληνικά κείμενα. עברית. العربية ١٢٣. हिन्दी ४५६.",
    "ภาษาไทย ខ្មែរ Tiếng Việt có dấu.",
    "emoji 😀👍🏽 👨‍👩‍👧‍👦 🇯🇵🇨🇳 ❤️‍🔥 🏳️‍🌈",
    "<start_of_turn>user\nHello<end_of_turn>\n<start_of_turn>model\n",
    "<bos><eos><pad><unk><mask>[multimodal]<unused0><unused99><unused6241>",
    "</s><s></s> html-ish <b>bold</b> <table><tr><td>1</td></tr></table>",
    "literal byte token text <0x41><0xFF><0x00>",
    "<start_of_image> <end_of_image> <image_soft_token>",
    "https://example.org/a/b?c=d&e=f#g mailto:someone@example.org",
    '{"name": "Hearth", "tokens": [1, 2, 3], "ok": true, "none": null}',
    "| col | col |\n|-----|-----|\n| a   | b   |",
    "NBSP\u00a0NNBSP\u202fIDEO\u3000ZWJ\u200dZWSP\u200bBOM\ufeffLRM\u200e",
    "\x00\x01\x02\x07\x1b[0m\x7f",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝐦𝐚𝐭𝐡 combining e\u0301 a\u0308 tag\U000e0041",
    "\U0010fffd\ue000\uf8ff private use",
    " " * 45 + "x" + "\t" * 40 + "y" + "\n" * 40,
    "",
    " ",
    "a",
]

JAPANESE = (
    "吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。何でも薄暗いじめじめした所で"
    "ニャーニャー泣いていた事だけは記憶している。設定温度は２３度です。運転モード：冷房／暖房／除湿。"
)
CHINESE = (
    "学而时习之，不亦说乎？有朋自远方来，不亦乐乎？人不知而不愠，不亦君子乎？"
    "今天的天气预报说下午有雷阵雨，气温二十三到二十八摄氏度，请大家注意出行安全。"
)
ENGLISH = (
    "It was the best of times, it was the worst of times, it was the age of wisdom, it was the "
    "age of foolishness, it was the epoch of belief, it was the epoch of incredulity."
)
CODE = (
    "class Chunk:\n    def __init__(self, index: int, text: str) -> None:\n"
    "        self.index = index\n        self.text = text\n\n\tif (x != 0) { return y / x; }\n"
)
SEPARATORS = ["", " ", "  ", "   ", "\n", "\n\n", "\t", " \n", "\u3000", "\u00a0", "\r\n"]
RANGES = [
    (0x20, 0x7E),
    (0xA0, 0x24F),
    (0x370, 0x3FF),
    (0x400, 0x4FF),
    (0x590, 0x6FF),
    (0x900, 0x97F),
    (0xE00, 0xE7F),
    (0x3000, 0x30FF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7A3),
    (0xFF00, 0xFFEF),
    (0x1F300, 0x1FAFF),
    (0x1D400, 0x1D7FF),
    (0xE000, 0xF8FF),
    (0x0, 0x1F),
]


def _varied_strings(vocab: list[str], count: int, seed: int) -> Iterator[str]:
    rng = random.Random(seed)
    specials = [
        *sorted(LLAMA_CPP_CONTROL_TEXTS),
        "<start_of_turn>",
        "<end_of_turn>",
        "<bos>",
        "<eos>",
        "<pad>",
        "<unk>",
        "<mask>",
        "[multimodal]",
        "<unused7>",
        "</s>",
        "<s>",
        "<td>",
        "<0x41>",
        "<start_of_image>",
    ]
    corpora = [JAPANESE, CHINESE, ENGLISH, CODE]
    for number in range(count):
        kind = number % 5
        if kind == 0:  # slices of real-looking text
            corpus = rng.choice(corpora)
            start = rng.randrange(len(corpus))
            yield corpus[start : start + rng.randint(1, 120)]
        elif kind == 1:  # vocabulary pieces glued with separators
            pieces = [rng.choice(vocab).replace("\u2581", " ") for _ in range(rng.randint(1, 8))]
            yield "".join(p + rng.choice(SEPARATORS) for p in pieces)
        elif kind == 2:  # random code points from many scripts
            low, high = rng.choice(RANGES)
            yield "".join(
                chr(rng.randint(low, high)) if rng.random() < 0.85 else rng.choice(SEPARATORS)
                for _ in range(rng.randint(1, 40))
            )
        elif kind == 3:  # special-token texts inside prose
            parts = [
                rng.choice(specials) if rng.random() < 0.4 else rng.choice(corpora)[:30]
                for _ in range(rng.randint(1, 6))
            ]
            yield rng.choice(SEPARATORS).join(parts)
        else:  # whitespace runs
            yield "".join(
                rng.choice([" ", "\t", "\n", "a", "b", "日", "\u3000"]) * rng.randint(1, 40)
                for _ in range(rng.randint(1, 5))
            )


@pytest.fixture(scope="module")
def counter(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> TokenCounter:
    return load_token_counter(model_path, cache_dir=tmp_path_factory.mktemp("tokenizer-cache"))


@pytest.fixture(scope="module")
def reference(model_path: Path) -> Iterator[object]:
    import llama_cpp

    llm = llama_cpp.Llama(str(model_path), vocab_only=True, verbose=False)
    yield llm
    llm.close()


def _llama(reference: object, text: str, *, special: bool = False) -> list[int]:
    ids: list[int] = reference.tokenize(  # type: ignore[attr-defined]
        text.encode("utf-8"), add_bos=False, special=special
    )
    return ids


def test_hand_written_cases_match_llama_cpp(counter: TokenCounter, reference: object) -> None:
    for text in HAND_WRITTEN:
        assert counter.encode(text) == _llama(reference, text), text
        assert counter.encode(text, special=True) == _llama(reference, text, special=True), text


def test_thousands_of_varied_strings_match_llama_cpp(
    counter: TokenCounter, reference: object, model_path: Path
) -> None:
    vocab = list(read_vocabulary(model_path).tokens)
    strings = list(_varied_strings(vocab, 4000, seed=20261126))
    mismatches = [text for text in strings if counter.encode(text) != _llama(reference, text)]
    assert mismatches == []
    special = strings[::4]
    mismatches = [
        text
        for text in special
        if counter.encode(text, special=True) != _llama(reference, text, special=True)
    ]
    assert mismatches == []


def test_the_partitioned_path_matches_llama_cpp_on_any_text(
    counter: TokenCounter, reference: object, model_path: Path
) -> None:
    # The path taken for text with a literal "▁" is llama.cpp's own algorithm; check it on
    # everything, not only on such text.
    vocab = list(read_vocabulary(model_path).tokens)
    strings = [*HAND_WRITTEN, *_varied_strings(vocab, 1500, seed=7)]
    strings += [s.replace(" ", "\u2581 ", 1) for s in strings if " " in s]
    mismatches = [
        text for text in strings if counter._encode_partitioned(text) != _llama(reference, text)
    ]
    assert mismatches == []


def test_literal_sentencepiece_space_marks_match_llama_cpp(
    counter: TokenCounter, reference: object
) -> None:
    for text in [
        "x \u2581<PRE> y",
        "a  \u2581b",
        "\u2581\u2581\u2581",
        "\u2581 \u2581  \u2581\t\n",
        "<td>\u2581</td> \u2581\u2581 end",
    ]:
        assert counter.encode(text) == _llama(reference, text), text
        assert counter.encode(text, special=True) == _llama(reference, text, special=True)


def test_every_special_and_user_defined_piece_matches_on_its_own(
    counter: TokenCounter, reference: object, model_path: Path
) -> None:
    vocab = read_vocabulary(model_path)
    texts = [t for t, kind in zip(vocab.tokens, vocab.types, strict=True) if kind in (2, 3, 4, 6)]
    assert len(texts) > 6000
    for text in texts:
        assert counter.encode(text) == _llama(reference, text), text
        assert counter.encode(text, special=True) == _llama(reference, text, special=True), text


@pytest.mark.slow
def test_every_vocabulary_piece_matches_on_its_own(
    counter: TokenCounter, reference: object, model_path: Path
) -> None:
    vocab = read_vocabulary(model_path)
    mismatches = [text for text in vocab.tokens if counter.encode(text) != _llama(reference, text)]
    assert mismatches == []


def test_long_documents_count_the_same(counter: TokenCounter, reference: object) -> None:
    text = "\n\n".join([ENGLISH, JAPANESE, CHINESE, CODE] * 50)
    assert counter.count(text) == len(_llama(reference, text))


def test_golden_ids_without_llama_cpp(counter: TokenCounter) -> None:
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert len(golden["cases"]) > 40
    for case in golden["cases"]:
        assert counter.encode(case["text"], special=case["special"]) == case["ids"], case


def test_bos_is_added_on_request(counter: TokenCounter, reference: object) -> None:
    text = "Hello there"
    with_bos = reference.tokenize(text.encode(), add_bos=True, special=False)  # type: ignore[attr-defined]
    assert counter.encode(text, add_bos=True) == with_bos
    assert counter.count(text, add_bos=True) == counter.count(text) + 1
    assert counter(text) == counter.count(text)
    assert counter.vocab_size == 262_144


def test_the_model_is_cached_by_vocabulary(model_path: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = load_token_counter(model_path, cache_dir=cache)
    model_file = cache_path(cache, first.vocab_hash)
    assert model_file.is_file()
    assert model_file.stat().st_size > 5_000_000
    indexes = list(cache.glob("spm-file-*.txt"))
    assert len(indexes) == 1

    again = load_token_counter(model_path, cache_dir=cache)
    assert again.vocab_hash == first.vocab_hash
    assert again.encode("暖房 冷房") == first.encode("暖房 冷房")

    # A damaged cache entry is rebuilt, not trusted.
    model_file.write_bytes(b"garbage")
    rebuilt = load_token_counter(model_path, cache_dir=cache)
    assert rebuilt.encode("暖房 冷房") == first.encode("暖房 冷房")
    assert model_file.stat().st_size > 5_000_000


def test_a_read_only_cache_does_not_break_counting(model_path: Path, tmp_path: Path) -> None:
    cache = tmp_path / "ro"
    cache.mkdir()
    cache.chmod(0o500)
    try:
        assert load_token_counter(model_path, cache_dir=cache).count("hello") == 1
    finally:
        cache.chmod(0o700)


def test_the_counter_pickles_for_worker_processes(counter: TokenCounter) -> None:
    clone = pickle.loads(pickle.dumps(counter))
    assert clone.vocab_hash == counter.vocab_hash
    assert clone.encode("<start_of_turn>x", special=True) == counter.encode(
        "<start_of_turn>x", special=True
    )


def _tiny_gguf(path: Path, *, model: str = "llama", add_space_prefix: bool = False) -> Path:
    writer = gguf.GGUFWriter(str(path), "gemma3")
    writer.add_tokenizer_model(model)
    tokens = ["<pad>", "<eos>", "<bos>", "<unk>", "a", "b", "ab", "\u2581ab", "  "]
    tokens += [f"<0x{value:02X}>" for value in range(256)]
    writer.add_token_list(tokens)
    writer.add_token_scores([0.0] * 4 + [-1.0, -2.0, -3.0, -4.0, -1000.0] + [0.0] * 256)
    writer.add_token_types([3, 3, 3, 2, 1, 1, 1, 1, 4] + [6] * 256)
    writer.add_bos_token_id(2)
    writer.add_eos_token_id(1)
    writer.add_unk_token_id(3)
    writer.add_pad_token_id(0)
    writer.add_add_space_prefix(add_space_prefix)
    writer.add_tensor("token_embd.weight", np.zeros((len(tokens), 4), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def test_a_tiny_vocabulary_encodes_by_merge_priority_with_byte_fallback(tmp_path: Path) -> None:
    counter = load_token_counter(_tiny_gguf(tmp_path / "tiny.gguf"))
    assert counter.encode("ab") == [6]
    assert counter.encode(" ab") == [7]
    assert counter.encode("  ") == [8]  # a user-defined run of spaces, stored with U+0020
    assert counter.encode("c") == [9 + ord("c")]  # byte fallback <0x63>


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"model": "gpt2"}, "uses a gpt2 tokenizer"),
        ({"add_space_prefix": True}, "adds a space before its text"),
    ],
)
def test_vocabularies_that_cannot_be_reproduced_are_refused(
    tmp_path: Path, options: dict[str, object], message: str
) -> None:
    path = _tiny_gguf(tmp_path / "other.gguf", **options)  # type: ignore[arg-type]
    with pytest.raises(TokenizerError, match=message):
        load_token_counter(path)
