"""A model's own chat template, rendered only inside Jinja's immutable sandbox, and the choice
of prompt format for a model.

A template comes from the model file, which is untrusted input: it is compiled in an
``ImmutableSandboxedEnvironment`` (no attribute tricks, no mutation of passed objects). Which
format a model gets is decided once, at load, never guessed:

* a format the user chose for this model (ChatML, Llama 3, Gemma, Mistral, plain) wins;
* otherwise the model's own template, if it compiles and renders a probe conversation;
* otherwise, for the Gemma families, Gemma's turn format (it is theirs);
* otherwise loading stops with ``PromptFormatRequired``: the user is asked to choose.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from engine.chat import gemma_format
from engine.chat.messages import ChatMessage
from engine.errors import HearthError

_MAX_RENDERED_CHARS = 8 << 20
_OPEN_MARKER = "\uf8ffHEARTH-OPEN-ANSWER\uf8ff"
"""Marks where an unfinished answer ends in a rendered template (private-use characters)."""
_PROBE = (
    ChatMessage("system", "Be brief."),
    ChatMessage("user", "Hello there"),
    ChatMessage("assistant", "Hi! How can I help?"),
    ChatMessage("user", "Tell me a fact."),
)


class TemplateError(ValueError):
    """The model's chat template cannot be used."""


def _raise_exception(message: str) -> None:
    raise TemplateError(f"the chat template refused the conversation: {message}")


def _strftime_now(fmt: str) -> str:
    return datetime.now().strftime(fmt)


@dataclass
class SandboxedTemplate:
    """A compiled chat template."""

    source: str
    _template: jinja2.Template

    @classmethod
    def compile(cls, source: str) -> SandboxedTemplate:
        env = ImmutableSandboxedEnvironment(
            trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined
        )
        env.globals["raise_exception"] = _raise_exception
        env.globals["strftime_now"] = _strftime_now
        try:
            template = env.from_string(source)
        except jinja2.TemplateError as exc:
            raise TemplateError(f"the model's chat template does not compile: {exc}") from exc
        return cls(source, template)

    def render(
        self,
        messages: Sequence[ChatMessage],
        *,
        bos_token: str = gemma_format.BOS,
        eos_token: str = "<eos>",
        add_generation_prompt: bool = True,
        open_answer: bool = False,
    ) -> str:
        """The prompt as text. With ``open_answer`` the last message is the model's unfinished
        answer: the template renders it as a finished turn with a marker at its end, and the
        text is cut at the marker, so generation continues the answer."""
        payload: list[dict[str, Any]] = [{"role": m.role, "content": m.content} for m in messages]
        if open_answer:
            if not payload or payload[-1]["role"] != "assistant":
                raise TemplateError("there is no answer at the end to continue")
            payload[-1]["content"] = str(payload[-1]["content"]).strip() + _OPEN_MARKER
            add_generation_prompt = False
        try:
            text = self._template.render(
                messages=payload,
                bos_token=bos_token,
                eos_token=eos_token,
                add_generation_prompt=add_generation_prompt,
            )
        except TemplateError:
            raise
        except Exception as exc:  # any failure inside untrusted template code
            raise TemplateError(f"the model's chat template failed to render: {exc}") from exc
        if len(text) > _MAX_RENDERED_CHARS:
            raise TemplateError("the model's chat template produced an absurdly long prompt")
        if open_answer:
            cut = text.rfind(_OPEN_MARKER)
            if cut < 0:
                raise TemplateError("the model's chat template cannot continue an answer")
            text = text[:cut]
        return text

    def matches_gemma_format(self) -> bool:
        """True when the template renders exactly Hearth's own Gemma turn format."""
        try:
            return self.render(_PROBE) == gemma_format.render(_PROBE)
        except TemplateError:
            return False


# The formats a user can choose for a model without a usable template. Hearth's own templates,
# rendered by the same sandbox as a model's; "gemma" is Hearth's token-exact Gemma pieces.
_CHATML = (
    "{% for m in messages %}{{ '<|im_start|>' + m.role + '\\n' + m.content + '<|im_end|>\\n' }}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)
_LLAMA3 = (
    "{{ bos_token }}{% for m in messages %}"
    "{{ '<|start_header_id|>' + m.role + '<|end_header_id|>\\n\\n' + m.content | trim }}"
    "{{ '<|eot_id|>' }}{% endfor %}{% if add_generation_prompt %}"
    "{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}"
)
_MISTRAL = (
    "{{ bos_token }}{% set ns = namespace(system='') %}{% for m in messages %}"
    "{% if m.role == 'system' %}{% set ns.system = m.content | trim %}"
    "{% elif m.role == 'user' %}{{ '[INST] ' }}{% if ns.system %}"
    "{{ ns.system + '\\n\\n' }}{% set ns.system = '' %}{% endif %}"
    "{{ m.content | trim + ' [/INST]' }}"
    "{% else %}{{ ' ' + m.content | trim + eos_token }}{% endif %}{% endfor %}"
)
_PLAIN = (
    "{% for m in messages %}{% if m.role == 'system' %}{{ m.content | trim + '\\n\\n' }}"
    "{% elif m.role == 'user' %}{{ 'User: ' + m.content | trim + '\\n\\n' }}"
    "{% else %}{{ 'Assistant: ' + m.content | trim + '\\n\\n' }}{% endif %}{% endfor %}"
    "{% if add_generation_prompt %}{{ 'Assistant:' }}{% endif %}"
)
KNOWN_FORMATS: dict[str, tuple[str, str | None]] = {
    "chatml": ("ChatML", _CHATML),
    "llama3": ("Llama 3", _LLAMA3),
    "gemma": ("Gemma", None),
    "mistral": ("Mistral", _MISTRAL),
    "plain": ("Plain text", _PLAIN),
}
"""key -> (label, Hearth's template; None for the Gemma pieces)."""
AUTO = "auto"


class PromptFormatRequired(HearthError):
    """The model has no usable chat template and no format was chosen for it."""

    code = "prompt-format-required"


def format_choices() -> str:
    """ "ChatML, Llama 3, Gemma, Mistral or Plain text" (for messages)."""
    labels = [label for label, _ in KNOWN_FORMATS.values()]
    return ", ".join(labels[:-1]) + " or " + labels[-1]


@dataclass(frozen=True)
class PromptFormat:
    """How the worker lays out prompts for one model, decided once at load time.

    ``key`` is ``"model"`` for the model's own template, else a ``KNOWN_FORMATS`` key.
    """

    template: SandboxedTemplate | None
    note: str
    key: str = "gemma"

    @property
    def uses_gemma_pieces(self) -> bool:
        return self.template is None


def _known(key: str, why: str) -> PromptFormat:
    label, source = KNOWN_FORMATS[key]
    note = f"{label} format ({why})"
    if source is None:
        return PromptFormat(None, note, key)
    return PromptFormat(SandboxedTemplate.compile(source), note, key)


def choose_prompt_format(
    chat_template: str | None,
    *,
    gemma_family: bool = True,
    chosen: str = AUTO,
    model_name: str = "This model",
) -> PromptFormat:
    """The prompt format for a model (see the module docstring for the order of choice).

    Args:
        chat_template: the model file's ``tokenizer.chat_template``.
        gemma_family: the architecture's own turn format is Gemma's.
        chosen: a ``KNOWN_FORMATS`` key the user picked for this model, or ``"auto"``.
        model_name: the file's name, for the message.

    Raises:
        PromptFormatRequired: no usable template, not a Gemma family, nothing chosen.
        ValueError: ``chosen`` is not a known format.
    """
    if chosen != AUTO:
        if chosen not in KNOWN_FORMATS:
            known = list(KNOWN_FORMATS)
            raise ValueError(f"unknown prompt format {chosen!r}; expected one of {known}")
        return _known(chosen, "chosen for this model")
    problem = "has no chat template"
    if chat_template and chat_template.strip():
        try:
            compiled = SandboxedTemplate.compile(chat_template)
            if gemma_family and compiled.matches_gemma_format():
                return PromptFormat(None, "the model's template is Gemma's turn format", "gemma")
            compiled.render(_PROBE)
            return PromptFormat(compiled, "the model's own chat template (sandboxed)", "model")
        except TemplateError as exc:
            problem = f"has a chat template Hearth cannot use ({exc})"
    if gemma_family:
        return _known("gemma", f"the model {problem}; Gemma's turn format is its family's own")
    raise PromptFormatRequired(
        f"{model_name} {problem}. Choose its prompt format in the model manager "
        f"({format_choices()}); the model card usually says which one it was trained with."
    )
