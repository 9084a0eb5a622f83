"""A model's own chat template, rendered only inside Jinja's immutable sandbox.

A template comes from the model file, which is untrusted input: it is compiled in an
``ImmutableSandboxedEnvironment`` (no attribute tricks, no mutation of passed objects) and a
template that does not compile or render is reported, never fatal: the model still loads and
Hearth falls back to its own Gemma turn format.
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


@dataclass(frozen=True)
class PromptFormat:
    """How the worker lays out prompts for one model, decided once at load time."""

    template: SandboxedTemplate | None
    note: str

    @property
    def uses_gemma_pieces(self) -> bool:
        return self.template is None


def choose_prompt_format(chat_template: str | None) -> PromptFormat:
    """Use Hearth's token-exact Gemma format unless the model's template says otherwise."""
    if not chat_template:
        return PromptFormat(None, "no chat template in the model file: Hearth's Gemma format")
    try:
        compiled = SandboxedTemplate.compile(chat_template)
    except TemplateError as exc:
        return PromptFormat(None, f"{exc}; using Hearth's Gemma format")
    if compiled.matches_gemma_format():
        return PromptFormat(None, "the model's template is Gemma's turn format")
    try:
        compiled.render(_PROBE)
    except TemplateError as exc:
        return PromptFormat(None, f"{exc}; using Hearth's Gemma format")
    return PromptFormat(compiled, "the model's own chat template (sandboxed)")
