"""The conversation store: durable, searchable, branch-aware, private, on-device SQLite.

Start with ``HistoryStore.open(data_dir)``; see ``engine.store.store`` for what opening does.
"""

from engine.store.errors import (
    ImportFormatError,
    NotFoundError,
    StoreBusyError,
    StoreCorruptError,
    StoreError,
    StoreFullError,
    StoreIOError,
    StoreReadOnlyError,
    StoreUnsuitableError,
)
from engine.store.messages import ACTIVE_LEAF, ParentRef
from engine.store.recorder import AnswerRecorder
from engine.store.records import (
    Attachment,
    AttachmentRef,
    Conversation,
    DeleteReport,
    GenerationStats,
    ImageRecipe,
    Message,
    MessageStatus,
    Role,
    SiblingInfo,
    StoredBlob,
)
from engine.store.search import MessageHit, SearchResults, TitleHit
from engine.store.store import HistoryStore, OpenReport, StoreLayout
from engine.store.summaries import SummaryKey

__all__ = [
    "ACTIVE_LEAF",
    "AnswerRecorder",
    "Attachment",
    "AttachmentRef",
    "Conversation",
    "DeleteReport",
    "GenerationStats",
    "HistoryStore",
    "ImageRecipe",
    "ImportFormatError",
    "Message",
    "MessageHit",
    "MessageStatus",
    "NotFoundError",
    "OpenReport",
    "ParentRef",
    "Role",
    "SearchResults",
    "SiblingInfo",
    "StoreBusyError",
    "StoreCorruptError",
    "StoreError",
    "StoreFullError",
    "StoreIOError",
    "StoreLayout",
    "StoreReadOnlyError",
    "StoreUnsuitableError",
    "StoredBlob",
    "SummaryKey",
    "TitleHit",
]
