"""OpenAI request bodies: what is accepted, and the 400 sentence for what is not."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from engine.api_server.openai_format import ApiError, parse_chat, parse_completion
from engine.chat.sampling import SAMPLING_PRESETS
from engine.vision.attachment import ImageAttachment

DEFAULT = SAMPLING_PRESETS["gemma"]


def chat(body: object) -> object:
    return parse_chat(body, default=DEFAULT, max_tokens_limit=4096)


def png_uri() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 10, 10)).save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def test_messages_become_hearth_messages_with_settings_defaults() -> None:
    req = parse_chat(
        {
            "messages": [
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": "Hi"},
            ]
        },
        default=DEFAULT,
        max_tokens_limit=4096,
    )
    assert [(m.role, m.content) for m in req.messages] == [("system", "Be brief."), ("user", "Hi")]
    assert req.sampling == DEFAULT
    assert req.max_tokens == 1024 and not req.stream and not req.continue_answer


def test_sampling_fields_override_the_defaults() -> None:
    req = parse_chat(
        {
            "messages": [{"role": "user", "content": "Hi"}],
            "temperature": 0,
            "top_p": 0.5,
            "seed": 7,
            "max_completion_tokens": 9,
            "stream": True,
            "stream_options": {"include_usage": True},
            "stop": ["\n\n"],
        },
        default=DEFAULT,
        max_tokens_limit=4096,
    )
    assert req.sampling.temperature == 0 and req.sampling.top_p == 0.5 and req.sampling.seed == 7
    assert req.sampling.top_k == DEFAULT.top_k
    assert req.max_tokens == 9 and req.stream and req.include_usage and req.stop == ("\n\n",)


def test_a_data_uri_image_becomes_an_attachment_and_low_detail_turns_pan_scan_off() -> None:
    uri = png_uri()
    req = parse_chat(
        {
            "messages": [
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "What colour?"},
                        {"type": "image_url", "image_url": {"url": uri}},
                        {"type": "image_url", "image_url": {"url": uri, "detail": "low"}},
                    ],
                }
            ]
        },
        default=DEFAULT,
        max_tokens_limit=4096,
    )
    (message,) = req.messages
    assert message.content == "What colour?"
    assert all(isinstance(image, ImageAttachment) for image in message.images)
    assert [image.mode for image in message.images] == ["auto", "off"]  # type: ignore[attr-defined]
    assert message.images[0].data[:4] == b"\x89PNG"  # type: ignore[attr-defined]
    assert req.images == 2


def test_consecutive_messages_of_one_role_merge_and_a_final_answer_is_continued() -> None:
    req = chat(
        {
            "messages": [
                {"role": "user", "content": "One."},
                {"role": "user", "content": "Two."},
                {"role": "assistant", "content": "Once upon"},
            ]
        }
    )
    assert [(m.role, m.content) for m in req.messages] == [  # type: ignore[attr-defined]
        ("user", "One.\n\nTwo."),
        ("assistant", "Once upon"),
    ]
    assert req.continue_answer  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ([], "JSON object"),
        ({"messages": []}, "non-empty"),
        ({"messages": [{"role": "tool", "content": "x"}]}, "tools are not supported"),
        ({"messages": [{"role": "user", "content": "x"}], "temperature": 3}, "between 0 and 2"),
        ({"messages": [{"role": "user", "content": "x"}], "temperature": "hot"}, "number"),
        ({"messages": [{"role": "user", "content": "x"}], "max_tokens": 0}, "between 1"),
        ({"messages": [{"role": "user", "content": "x"}], "max_tokens": 99999}, "between 1"),
        ({"messages": [{"role": "user", "content": "x"}], "n": 2}, "one choice"),
        ({"messages": [{"role": "user", "content": "x"}], "stop": [1]}, "stop"),
        (
            {
                "messages": [
                    {
                        "role": "user",
                        "content": [
                            {
                                "type": "image_url",
                                "image_url": {"url": "https://example.com/cat.png"},
                            }
                        ],
                    }
                ]
            },
            "fetches no URL",
        ),
        (
            {
                "messages": [
                    {
                        "role": "user",
                        "content": [
                            {"type": "image_url", "image_url": {"url": "data:image/png;base64,@@@"}}
                        ],
                    }
                ]
            },
            "damaged",
        ),
        (
            {"messages": [{"role": "user", "content": [{"type": "audio"}]}]},
            "'text' and 'image_url'",
        ),
        (
            {"messages": [{"role": "user", "content": "a"}, {"role": "system", "content": "b"}]},
            "only open",
        ),
        ({"messages": [{"role": "system", "content": "only"}]}, "user message"),
    ],
)
def test_bad_requests_get_a_400_that_names_the_problem(body: object, words: str) -> None:
    with pytest.raises(ApiError) as caught:
        chat(body)
    assert caught.value.status == 400
    assert words in caught.value.message
    assert caught.value.body()["error"]["type"] == "invalid_request_error"


def test_completion_bodies() -> None:
    req = parse_completion(
        {"prompt": ["Once"], "max_tokens": 5, "echo": True}, default=DEFAULT, max_tokens_limit=64
    )
    assert req.prompt == "Once" and req.echo and req.max_tokens == 5
    with pytest.raises(ApiError, match="one prompt"):
        parse_completion({"prompt": ["a", "b"]}, default=DEFAULT, max_tokens_limit=64)
    with pytest.raises(ApiError, match="not supported"):
        parse_completion({"prompt": "a", "suffix": "z"}, default=DEFAULT, max_tokens_limit=64)
