"""Chat templates from model files run only in Jinja's sandbox and never stop a model loading."""

from __future__ import annotations

import pytest

from engine.chat import gemma_format
from engine.chat.messages import ChatMessage
from engine.chat.template import (
    KNOWN_FORMATS,
    PromptFormatRequired,
    SandboxedTemplate,
    TemplateError,
    choose_prompt_format,
)

# The official Gemma 3 template's logic, written out (system merged, roles mapped, trimmed).
GEMMA_LIKE = (
    "{{ bos_token }}"
    "{% if messages[0]['role'] == 'system' %}"
    "{% set first = messages[0]['content'] + '\\n\\n' %}{% set loop_messages = messages[1:] %}"
    "{% else %}{% set first = '' %}{% set loop_messages = messages %}{% endif %}"
    "{% for message in loop_messages %}"
    "{% set role = 'model' if message['role'] == 'assistant' else message['role'] %}"
    "{{ '<start_of_turn>' + role + '\\n' + (first if loop.first else '') "
    "+ message['content'] | trim + '<end_of_turn>\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<start_of_turn>model\\n' }}{% endif %}"
)


def test_no_template_uses_hearths_gemma_format() -> None:
    fmt = choose_prompt_format(None)
    assert fmt.uses_gemma_pieces


def test_a_template_equal_to_gemmas_format_uses_the_token_exact_path() -> None:
    fmt = choose_prompt_format(GEMMA_LIKE)
    assert fmt.uses_gemma_pieces
    assert "Gemma" in fmt.note


def test_a_different_template_is_rendered_in_the_sandbox() -> None:
    source = "{% for m in messages %}[{{ m.role }}] {{ m.content }}\n{% endfor %}"
    fmt = choose_prompt_format(source)
    assert fmt.template is not None
    text = fmt.template.render([ChatMessage("user", "hi")])
    assert text == "[user] hi\n"


@pytest.mark.parametrize(
    "source",
    [
        "{% for %}",  # does not compile
        "{{ messages.__class__.__mro__[1].__subclasses__() }}",  # sandbox escape attempt
        "{{ messages.append(1) }}",  # mutation is forbidden in the immutable sandbox
        "{{ raise_exception('no system role') }}",
        "{{ undefined_variable.attribute }}",
    ],
)
def test_broken_or_hostile_templates_fall_back_without_failing(source: str) -> None:
    """On a Gemma-family model the family's own format is used, and the note says why."""
    fmt = choose_prompt_format(source)
    assert fmt.uses_gemma_pieces
    assert "Gemma format" in fmt.note and "cannot use" in fmt.note


def test_sandbox_blocks_attribute_escapes_at_render_time() -> None:
    template = SandboxedTemplate.compile("{{ ''.__class__.__mro__ }}")
    with pytest.raises(TemplateError):
        template.render([ChatMessage("user", "x")])


def test_render_matches_builtin_for_the_probe_conversation() -> None:
    template = SandboxedTemplate.compile(GEMMA_LIKE)
    messages = [ChatMessage("user", "  spaced  ")]
    assert template.render(messages) == gemma_format.render(messages)


def test_an_open_answer_is_cut_where_the_answer_ends() -> None:
    messages = [
        ChatMessage("user", "Count to five."),
        ChatMessage("assistant", "One, two, three "),
    ]
    chatml = SandboxedTemplate.compile(
        "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n"
        "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
    )
    text = chatml.render(messages, open_answer=True)
    assert (
        text == "<|im_start|>user\nCount to five.<|im_end|>\n<|im_start|>assistant\nOne, two, three"
    )
    gemma = SandboxedTemplate.compile(GEMMA_LIKE)
    assert gemma.render(messages, open_answer=True) == gemma_format.render(
        messages, open_answer=True
    )
    assert gemma_format.render(messages, open_answer=True).endswith(
        "<start_of_turn>model\nOne, two, three"
    )
    with pytest.raises(TemplateError, match="no answer"):
        chatml.render(messages[:1], open_answer=True)
    dropping = SandboxedTemplate.compile("{% for m in messages %}{{ m['role'] }}{% endfor %}")
    with pytest.raises(TemplateError, match="cannot continue"):
        dropping.render(messages, open_answer=True)


# ---------------------------------------------------------------- formats for any architecture


def test_a_non_gemma_model_without_template_asks_for_a_format() -> None:
    with pytest.raises(PromptFormatRequired) as raised:
        choose_prompt_format(None, gemma_family=False, model_name="tiny.gguf")
    message = str(raised.value)
    assert message.startswith("tiny.gguf has no chat template.")
    for label in ("ChatML", "Llama 3", "Gemma", "Mistral", "Plain text"):
        assert label in message


def test_a_template_that_fails_in_the_sandbox_asks_for_a_format_on_a_non_gemma_model() -> None:
    with pytest.raises(PromptFormatRequired, match="cannot use"):
        choose_prompt_format(
            "{{ ''.__class__.__mro__ }}", gemma_family=False, model_name="hostile.gguf"
        )


@pytest.mark.parametrize("key", sorted(KNOWN_FORMATS))
def test_a_chosen_format_wins_over_the_models_template(key: str) -> None:
    fmt = choose_prompt_format(GEMMA_LIKE, gemma_family=False, chosen=key)
    assert fmt.key == key
    assert "chosen" in fmt.note
    if fmt.template is None:
        assert key == "gemma"
        return
    text = fmt.template.render(
        [ChatMessage("system", "Be brief."), ChatMessage("user", "Hi")],
        bos_token="<s>",
        eos_token="</s>",
    )
    assert "Be brief." in text and "Hi" in text


def test_the_known_formats_render_their_documented_layouts() -> None:
    messages = [
        ChatMessage("user", "Hi"),
        ChatMessage("assistant", "Hello!"),
        ChatMessage("user", "Fact?"),
    ]

    def render(key: str) -> str:
        fmt = choose_prompt_format(None, gemma_family=False, chosen=key)
        assert fmt.template is not None
        return fmt.template.render(messages, bos_token="<s>", eos_token="</s>")

    assert render("chatml") == (
        "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n"
        "<|im_start|>user\nFact?<|im_end|>\n<|im_start|>assistant\n"
    )
    assert render("llama3") == (
        "<s><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
        "<|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>"
        "<|start_header_id|>user<|end_header_id|>\n\nFact?<|eot_id|>"
        "<|start_header_id|>assistant<|end_header_id|>\n\n"
    )
    assert render("mistral") == "<s>[INST] Hi [/INST] Hello!</s>[INST] Fact? [/INST]"
    assert render("plain") == "User: Hi\n\nAssistant: Hello!\n\nUser: Fact?\n\nAssistant:"


def test_an_unknown_chosen_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown prompt format"):
        choose_prompt_format(None, chosen="alpaca")
