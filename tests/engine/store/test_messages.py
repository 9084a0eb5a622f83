"""The message tree: edit and regenerate keep old branches; sibling navigation; paths."""

from __future__ import annotations

import pytest

from engine.store import (
    AttachmentRef,
    GenerationStats,
    HistoryStore,
    ImageRecipe,
    NotFoundError,
    StoreError,
)


def _answer(store: HistoryStore, conversation_id: int, text: str, parent: int) -> int:
    recorder = store.messages.start_assistant(conversation_id, parent=parent)
    recorder.append(text)
    recorder.finish()
    return recorder.message_id


def test_linear_conversation_path(store: HistoryStore) -> None:
    conversation = store.conversations.create()
    user = store.messages.add_user(conversation.id, "Hi")
    answer = _answer(store, conversation.id, "Hello!", user.id)
    follow = store.messages.add_user(conversation.id, "How are you?")
    path = store.messages.active_path(conversation.id)
    assert [(m.role, m.content) for m in path] == [
        ("user", "Hi"),
        ("assistant", "Hello!"),
        ("user", "How are you?"),
    ]
    assert [m.parent_id for m in path] == [None, user.id, answer]
    assert store.conversations.get(conversation.id).active_leaf_id == follow.id


def test_regenerate_keeps_the_old_answer(store: HistoryStore) -> None:
    conversation = store.conversations.create()
    user = store.messages.add_user(conversation.id, "Name a tree")
    old = _answer(store, conversation.id, "Oak", user.id)
    new = _answer(store, conversation.id, "Birch", user.id)
    assert [m.content for m in store.messages.active_path(conversation.id)] == [
        "Name a tree",
        "Birch",
    ]
    info = store.messages.siblings(new)
    assert (info.ids, info.index, info.count) == ((old, new), 1, 2)
    path = store.messages.switch_to(old)
    assert [m.content for m in path] == ["Name a tree", "Oak"]
    assert store.conversations.get(conversation.id).active_leaf_id == old


def test_edit_and_resend_branches_at_the_user_message(store: HistoryStore) -> None:
    conversation = store.conversations.create()
    first = store.messages.add_user(conversation.id, "2+2?")
    _answer(store, conversation.id, "4", first.id)
    later = store.messages.add_user(conversation.id, "and 3+3?")
    _answer(store, conversation.id, "6", later.id)
    edited = store.messages.add_user(conversation.id, "and 3*3?", parent=later.parent_id)
    _answer(store, conversation.id, "9", edited.id)
    assert [m.content for m in store.messages.active_path(conversation.id)] == [
        "2+2?",
        "4",
        "and 3*3?",
        "9",
    ]
    # Going back to the first version shows its own answer again (its newest leaf).
    assert [m.content for m in store.messages.switch_to(later.id)] == ["2+2?", "4", "and 3+3?", "6"]
    # Editing the very first message makes a second root.
    root = store.messages.add_user(conversation.id, "2+3?", parent=None)
    assert store.messages.siblings(root.id).ids == (first.id, root.id)
    assert [m.content for m in store.messages.active_path(conversation.id)] == ["2+3?"]
    assert len(store.messages.all(conversation.id)) == 7


def test_sibling_infos_for_a_whole_path(store: HistoryStore) -> None:
    conversation = store.conversations.create()
    user = store.messages.add_user(conversation.id, "q")
    _answer(store, conversation.id, "a1", user.id)
    _answer(store, conversation.id, "a2", user.id)
    _answer(store, conversation.id, "a3", user.id)
    path = store.messages.active_path(conversation.id)
    infos = store.messages.sibling_infos(path)
    assert [(infos[m.id].index, infos[m.id].count) for m in path] == [(0, 1), (2, 3)]


def test_newest_part_of_a_long_path(store: HistoryStore) -> None:
    conversation = store.conversations.create()
    for index in range(30):
        store.messages.add_user(conversation.id, f"m{index}")
    newest = store.messages.active_path(conversation.id, limit=5)
    assert [m.content for m in newest] == [f"m{i}" for i in range(25, 30)]
    before = store.messages.path_to(newest[0].parent_id or 0, limit=3)
    assert [m.content for m in before] == ["m22", "m23", "m24"]


def test_parent_must_belong_to_the_conversation(store: HistoryStore) -> None:
    a = store.conversations.create()
    b = store.conversations.create()
    message = store.messages.add_user(a.id, "in a")
    with pytest.raises(NotFoundError):
        store.messages.add_user(b.id, "in b", parent=message.id)
    with pytest.raises(NotFoundError):
        store.conversations.set_active_leaf(b.id, message.id)


def test_delete_branch_moves_the_active_leaf(store: HistoryStore) -> None:
    conversation = store.conversations.create()
    user = store.messages.add_user(conversation.id, "q")
    keep = _answer(store, conversation.id, "keep", user.id)
    drop = _answer(store, conversation.id, "drop", user.id)
    store.messages.add_user(conversation.id, "follow-up on drop")
    assert store.delete_branch(drop) == 2
    assert [m.content for m in store.messages.active_path(conversation.id)] == ["q", "keep"]
    assert store.messages.siblings(keep).ids == (keep,)
    assert store.delete_branch(user.id) == 2
    assert store.messages.active_path(conversation.id) == []
    assert store.conversations.get(conversation.id).active_leaf_id is None


def test_attachments_with_image_recipe(store: HistoryStore) -> None:
    conversation = store.conversations.create()
    blob = store.put_bytes(b"\x89PNG\r\n\x1a\nfake image", "image/png")
    recipe = ImageRecipe(
        "pan_and_scan", ((0, 0, 960, 1080), (960, 0, 1920, 1080)), "cd" * 32, {"size": 896}
    )
    message = store.messages.add_user(
        conversation.id,
        "What is in it?",
        attachments=[AttachmentRef(blob, "image", "photo.png", recipe)],
    )
    (attachment,) = store.messages.get(message.id).attachments
    assert attachment.recipe == recipe
    assert (attachment.filename, attachment.mime, attachment.size) == (
        "photo.png",
        "image/png",
        len(b"\x89PNG\r\n\x1a\nfake image"),
    )
    assert store.attachment_path(blob.sha256).read_bytes().endswith(b"fake image")


def test_attachment_must_be_saved_first(store: HistoryStore) -> None:
    from engine.store import StoredBlob

    conversation = store.conversations.create()
    ghost = StoredBlob("0" * 64, 3, "image/png")
    with pytest.raises(StoreError, match="not saved"):
        store.messages.add_user(conversation.id, "x", attachments=[AttachmentRef(ghost, "image")])
    assert store.conversations.get(conversation.id).message_count == 0


def test_stats_are_kept(store: HistoryStore) -> None:
    conversation = store.conversations.create()
    user = store.messages.add_user(conversation.id, "q")
    recorder = store.messages.start_assistant(conversation.id, parent=user.id, model="m")
    recorder.append("answer")
    stats = GenerationStats(12, 34, 56, 789, {"tokens_per_second": 43.1, "stop": "eos"})
    message = recorder.finish("complete", stats)
    assert message is not None
    assert message.stats == stats
    assert message.model == "m"


def test_one_damaged_row_does_not_hide_the_rest(store: HistoryStore) -> None:
    """T09: invalid UTF-8 in one message is flagged; the others and search still work."""
    conversation = store.conversations.create()
    good = store.messages.add_user(conversation.id, "good message about ember")
    bad = store.messages.add_user(conversation.id, "soon damaged ember")
    with store.db.write() as connection:
        connection.execute(
            "UPDATE messages SET content = CAST(X'656d62657220fffe' AS TEXT), "
            "stats_json = '{broken' WHERE id = ?",
            (bad.id,),
        )
    path = store.messages.active_path(conversation.id)
    assert [m.damaged for m in path] == [False, True]
    assert path[0].content == "good message about ember"
    assert path[1].content.startswith("ember ")
    hits = store.search("ember").messages
    assert {h.message_id for h in hits} == {good.id, bad.id}


def test_a_stopped_answer_is_reopened_and_continued_in_the_same_message(
    store: HistoryStore,
) -> None:
    conversation = store.conversations.create()
    user = store.messages.add_user(conversation.id, "Count to ten.")
    recorder = store.messages.start_assistant(conversation.id, parent=user.id)
    recorder.append("One, two, three, ")
    recorder.finish("cancelled", GenerationStats(completion_tokens=7))
    other = store.messages.start_assistant(conversation.id, parent=user.id)
    other.append("1 2 3")
    other.finish()  # a regenerated sibling is now the visible answer

    reopened = store.messages.resume_assistant(recorder.message_id, model="gemma")
    message = store.messages.get(recorder.message_id)
    assert message.status == "streaming" and message.content == "One, two, three,"
    assert message.model == "gemma"
    assert store.conversations.get(conversation.id).active_leaf_id == recorder.message_id
    assert reopened.text == "One, two, three,"
    reopened.append(" four, five.")
    saved = reopened.finish("complete")
    assert saved is not None
    assert saved.content == "One, two, three, four, five." and saved.status == "complete"
    assert [m.message_id for m in store.search("five").messages] == [recorder.message_id]
    assert store.messages.siblings(recorder.message_id).count == 2


def test_only_a_finished_last_answer_can_be_reopened(store: HistoryStore) -> None:
    conversation = store.conversations.create()
    user = store.messages.add_user(conversation.id, "Hi")
    answer = _answer(store, conversation.id, "Hello", user.id)
    store.messages.add_user(conversation.id, "And then?")
    with pytest.raises(StoreError, match="last answer"):
        store.messages.resume_assistant(answer)
    with pytest.raises(StoreError, match="not an answer"):
        store.messages.resume_assistant(user.id)
    running = store.messages.start_assistant(conversation.id)
    with pytest.raises(StoreError, match="still being written"):
        store.messages.resume_assistant(running.message_id)
