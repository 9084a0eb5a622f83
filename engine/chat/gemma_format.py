"""Gemma's turn format, applied by Hearth when a model file carries no chat template.

    <bos><start_of_turn>user
    {system}\n\n{first user message}<end_of_turn>
    <start_of_turn>model
    {answer}<end_of_turn>
    <start_of_turn>user
    ...<end_of_turn>
    <start_of_turn>model

The system prompt is merged into the first user turn (Gemma has no system role), every
content is trimmed as the official template does, and generation stops on <end_of_turn>.

For exact prefix reuse the prompt is also produced as *pieces*: text that is tokenized on its
own and the <end_of_turn> control token as an id. Tokenizing piece by piece gives the same ids
every time for the same conversation, so a follow-up turn shares its whole history with what
the worker already evaluated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from engine.chat.messages import ChatMessage

BOS = "<bos>"
START_OF_TURN = "<start_of_turn>"
END_OF_TURN = "<end_of_turn>"

_ROLE_NAMES = {"user": "user", "assistant": "model"}


class ConversationShapeError(ValueError):
    """The messages cannot be laid out as alternating user/model turns."""


@dataclass(frozen=True)
class Turn:
    """One Gemma turn: role name as the model knows it ("user"/"model"), text and images."""

    role: str
    text: str
    images: tuple[object, ...] = ()


def to_turns(messages: Sequence[ChatMessage], *, open_answer: bool = False) -> list[Turn]:
    """Merge the system prompt into the first user turn and check that roles alternate.

    With ``open_answer`` the conversation ends with the model's unfinished answer (to be
    continued) instead of the user's message.
    """
    system_parts: list[str] = []
    turns: list[Turn] = []
    for message in messages:
        if message.role == "system":
            if turns:
                raise ConversationShapeError("a system prompt may only open the conversation")
            if message.content.strip():
                system_parts.append(message.content.strip())
            continue
        role = _ROLE_NAMES[message.role]
        expected = "user" if len(turns) % 2 == 0 else "model"
        if role != expected:
            raise ConversationShapeError(
                f"turn {len(turns) + 1} should come from the {expected}, not the {role}"
            )
        text = message.content.strip()
        if not turns and system_parts:
            text = "\n\n".join(system_parts) + "\n\n" + text
        turns.append(Turn(role, text, message.images))
    last = "model" if open_answer else "user"
    if not turns or turns[-1].role != last:
        if open_answer:
            raise ConversationShapeError("there is no answer at the end to continue")
        raise ConversationShapeError("the conversation must end with a user message")
    return turns


def render(
    messages: Sequence[ChatMessage],
    *,
    add_generation_prompt: bool = True,
    open_answer: bool = False,
) -> str:
    """The whole prompt as text (what the official Gemma 3 template renders).

    With ``open_answer`` the last (model) turn is left open after its text, so generation
    continues that answer.
    """
    parts = [BOS]
    turns = to_turns(messages, open_answer=open_answer)
    for index, turn in enumerate(turns):
        if open_answer and index == len(turns) - 1:
            parts.append(f"{START_OF_TURN}{turn.role}\n{turn.text}")
            return "".join(parts)
        parts.append(f"{START_OF_TURN}{turn.role}\n{turn.text}{END_OF_TURN}\n")
    if add_generation_prompt:
        parts.append(f"{START_OF_TURN}model\n")
    return "".join(parts)


@dataclass(frozen=True)
class TurnPieces:
    """A turn split where tokenization must not merge across: header, body, end marker.

    ``header`` is "<start_of_turn>user\\n" (a control token plus text), ``body`` the content;
    after the body come the <end_of_turn> control token and "\\n".
    """

    header: str
    body: str
    images: tuple[object, ...] = ()


def turn_pieces(messages: Sequence[ChatMessage], *, open_answer: bool = False) -> list[TurnPieces]:
    turns = to_turns(messages, open_answer=open_answer)
    return [TurnPieces(f"{START_OF_TURN}{t.role}\n", t.text, t.images) for t in turns]


GENERATION_HEADER = f"{START_OF_TURN}model\n"
TURN_SEPARATOR = "\n"
