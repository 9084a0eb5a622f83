"""Chat templates from model files run only in Jinja's sandbox and never stop a model loading."""

from __future__ import annotations

import pytest

from engine.chat import gemma_format
from engine.chat.messages import ChatMessage
from engine.chat.template import SandboxedTemplate, TemplateError, choose_prompt_format

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
    fmt = choose_prompt_format(source)
    assert fmt.uses_gemma_pieces
    assert "Gemma format" in fmt.note


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
