"""Gemma's turn format as Hearth renders it for models without a chat template."""

from __future__ import annotations

import pytest

from engine.chat import gemma_format
from engine.chat.messages import ChatMessage


def test_single_turn_layout() -> None:
    text = gemma_format.render([ChatMessage("user", "  Hello  ")])
    assert text == "<bos><start_of_turn>user\nHello<end_of_turn>\n<start_of_turn>model\n"


def test_system_prompt_is_merged_into_the_first_user_turn() -> None:
    text = gemma_format.render(
        [
            ChatMessage("system", "Answer in French."),
            ChatMessage("user", "Hi"),
            ChatMessage("assistant", "Bonjour !"),
            ChatMessage("user", "How are you?"),
        ]
    )
    assert text == (
        "<bos><start_of_turn>user\nAnswer in French.\n\nHi<end_of_turn>\n"
        "<start_of_turn>model\nBonjour !<end_of_turn>\n"
        "<start_of_turn>user\nHow are you?<end_of_turn>\n"
        "<start_of_turn>model\n"
    )


@pytest.mark.parametrize(
    "messages",
    [
        [],
        [ChatMessage("assistant", "I speak first")],
        [ChatMessage("user", "a"), ChatMessage("user", "b")],
        [ChatMessage("user", "a"), ChatMessage("assistant", "b")],
        [ChatMessage("user", "a"), ChatMessage("system", "late system prompt")],
    ],
)
def test_conversations_that_are_not_alternating_turns_are_refused(
    messages: list[ChatMessage],
) -> None:
    with pytest.raises(gemma_format.ConversationShapeError):
        gemma_format.render(messages)


def test_pieces_concatenate_to_the_rendered_text() -> None:
    messages = [
        ChatMessage("system", "Be brief."),
        ChatMessage("user", "One"),
        ChatMessage("assistant", "Two"),
        ChatMessage("user", "Three"),
    ]
    pieces = gemma_format.turn_pieces(messages)
    rebuilt = gemma_format.BOS + "".join(
        f"{piece.header}{piece.body}{gemma_format.END_OF_TURN}{gemma_format.TURN_SEPARATOR}"
        for piece in pieces
    )
    assert rebuilt + gemma_format.GENERATION_HEADER == gemma_format.render(messages)


def test_an_open_answer_must_end_the_conversation() -> None:
    question = ChatMessage("user", "Hi")
    with pytest.raises(gemma_format.ConversationShapeError, match="no answer"):
        gemma_format.to_turns([question], open_answer=True)
    pieces = gemma_format.turn_pieces(
        [question, ChatMessage("assistant", " Hello \n")], open_answer=True
    )
    assert [(p.header, p.body) for p in pieces] == [
        ("<start_of_turn>user\n", "Hi"),
        ("<start_of_turn>model\n", "Hello"),
    ]
