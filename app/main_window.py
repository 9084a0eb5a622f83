"""Hearth's main window: conversations on the left, the chat on the right, status below.

The window never blocks: model loading, generation, document reading and summaries all run
in background jobs (``EngineJob``) and come back as queued signals.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app import crash
from app.chat.model import ChatModel
from app.chat.session import ChatSession
from app.chat.view import ChatView
from app.composer.attachments import PendingImage
from app.composer.composer import Composer
from app.context import AppContext
from app.documents.controller import DocumentController
from app.engine_bridge import EngineJob, StoreTasks
from app.models.downloads import DownloadController
from app.models.prompt_format_dialog import PromptFormatDialog
from app.models.registry import ModelEntry
from app.notices import Level, NoticeBar
from app.sidebar.sidebar import Sidebar
from app.status_panel import StatusPanel
from engine.chat.session import image_attachment_ref
from engine.chat.template import PromptFormatRequired
from engine.errors import HearthError
from engine.model.downloader import Downloader
from engine.remote.client import RemoteEngineClient
from engine.remote.config import load_endpoints
from engine.remote.endpoint import RemoteEndpoint
from engine.remote.factory import bundled_gemma_counter, key_store, remote_client
from engine.remote.switch import EngineSwitch
from engine.settings import Settings
from engine.store import AttachmentRef
from engine.store.export import ExportFormat, export_to_file
from engine.tokenizer import TokenCounter, load_token_counter
from engine.vision.attachment import ImageAttachment
from engine.vision.pan_scan import PanScanMode
from engine.worker import protocol as p

CONTEXT_WARNING_SHARE = 0.9
MODEL_SETTINGS = (
    "context_size",
    "threads",
    "kv_cache_type",
    "swa_full",
    "checkpoint_budget_mib",
    "vision_fast_jpeg_decode_approximate",
)


class MainWindow(QMainWindow):
    """The one Hearth window."""

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.context = context
        self._store = context.store
        client = context.client
        self._engines = client if isinstance(client, EngineSwitch) else EngineSwitch(client)
        self._client = self._engines
        self.remote_endpoint: RemoteEndpoint | None = None
        self._remotes: list[RemoteEndpoint] = []
        self._settings = context.settings
        self.model_info: p.ModelInfo | None = None
        self.model_entry: ModelEntry | None = None
        self._loaded = False
        self._load_job: EngineJob | None = None
        self._downloads: DownloadController | None = None
        self._discover_job: EngineJob | None = None
        self._looked_for_models = False
        self._counter: TokenCounter | None = None
        self._context_used = 0
        self._closing = False

        self.chat_model = ChatModel(self)
        self.session = ChatSession(
            self._store, self._client, lambda: self._settings.value, self.chat_model, self
        )
        self._build()
        self.documents = DocumentController(
            self._store,
            self._client,
            session=self.session,
            composer=self.composer,
            settings=lambda: self._settings.value,
            tokenizer_cache=context.paths.tokenizer_cache,
            data_dir=context.paths.data_dir,
            parent=self,
        )
        self._connect()
        self._actions()
        self._retranslate()
        self._restore()
        self._apply_settings(self._settings.value, None)
        self.load_model(self._choose_model())

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        self.sidebar = Sidebar(self.context.store, self)
        # Writes a user starts that may take a while (image attachments, exports) run here,
        # in order, off the GUI thread.
        self._file_tasks = StoreTasks(self, name="window-files")
        self._sending = False

        self.title_label = QLabel(self)
        self.title_label.setObjectName("conversationTitle")
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.title_label.setFont(font)
        self.model_picker = QComboBox(self)
        self.model_picker.setObjectName("modelPicker")
        self.model_picker.setMinimumWidth(220)
        self.models_button = QPushButton(self)
        self.models_button.setObjectName("manageModelsButton")
        header = QHBoxLayout()
        header.setContentsMargins(10, 6, 8, 0)
        header.addWidget(self.title_label, 1)
        header.addWidget(self.model_picker)
        header.addWidget(self.models_button)

        self.notice = NoticeBar(self)
        self.chat_view = ChatView(self.chat_model, self)
        self.empty_state = QLabel(self)
        self.empty_state.setObjectName("emptyState")
        self.empty_state.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_state.setWordWrap(True)
        self.chat_stack = QStackedWidget(self)
        self.chat_stack.addWidget(self.empty_state)
        self.chat_stack.addWidget(self.chat_view)
        self.composer = Composer(self)

        pane = QWidget(self)
        pane.setObjectName("chatPane")
        pane_layout = QVBoxLayout(pane)
        pane_layout.setContentsMargins(0, 0, 0, 0)
        pane_layout.setSpacing(4)
        pane_layout.addLayout(header)
        notice_row = QHBoxLayout()
        notice_row.setContentsMargins(10, 0, 10, 0)
        notice_row.addWidget(self.notice)
        pane_layout.addLayout(notice_row)
        pane_layout.addWidget(self.chat_stack, 1)
        pane_layout.addWidget(self.composer)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(pane)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(1, False)
        self.splitter.setSizes([260, 740])
        self.setCentralWidget(self.splitter)
        self.status = StatusPanel(self.statusBar())
        self.setAcceptDrops(True)
        self.resize(1100, 760)

    def _connect(self) -> None:
        self.sidebar.conversation_activated.connect(self.open_conversation)
        self.sidebar.new_requested.connect(self.new_conversation)
        self.sidebar.conversation_hidden.connect(self._on_conversation_hidden)
        self.sidebar.conversation_deleted.connect(self._on_conversation_hidden)
        self.sidebar.notice.connect(lambda text: self.show_notice(text, Level.ERROR))
        self.sidebar.conversation_changed.connect(lambda _id: self._update_title())

        self.session.busy_changed.connect(self._update_busy)
        self.session.conversation_changed.connect(self._on_conversation_changed)
        self.session.history_changed.connect(self._on_history_changed)
        self.session.stats_received.connect(self._on_stats)
        self.session.progress.connect(self._on_progress)
        self.session.failed.connect(self.on_failed)
        self.session.answer_finished.connect(lambda _id: self.composer.editor.setFocus())

        self.chat_view.action_requested.connect(self._on_chat_action)
        self.chat_view.near_top.connect(self._load_older)
        self.chat_model.modelReset.connect(self._update_empty_state)
        self.chat_model.rowsInserted.connect(self._update_empty_state)

        self.composer.send_requested.connect(self.send)
        self.composer.stop_requested.connect(self.stop)
        self.composer.documents_added.connect(self.documents.add_paths)
        self.composer.models_added.connect(self.open_model_manager)
        self.composer.notice.connect(lambda text: self.show_notice(text, Level.WARNING))
        self.composer.attachments_changed.connect(self._update_context_hint)

        self.documents.busy_changed.connect(self._update_busy)
        self.documents.notice.connect(lambda text: self.show_notice(text, Level.WARNING))

        self.model_picker.activated.connect(self._on_model_picked)
        self.models_button.clicked.connect(lambda: self.open_model_manager([]))
        self._settings.changed.connect(self._apply_settings)

    def _actions(self) -> None:
        def action(
            name: str,
            shortcuts: list[QKeySequence | QKeySequence.StandardKey | str],
            slot: object,
        ) -> QAction:
            act = QAction(self)
            act.setObjectName(name)
            act.setShortcuts([QKeySequence(s) for s in shortcuts])
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(slot)
            self.addAction(act)
            return act

        self.act_new = action("newChatAction", ["Ctrl+N"], self.new_conversation)
        self.act_attach = action("attachAction", ["Ctrl+O"], self.composer.choose_files)
        self.act_export = action("exportAction", ["Ctrl+E"], self.export_conversation)
        self.act_quit = action("quitAction", ["Ctrl+Q"], self.close)
        self.act_copy_all = action(
            "copyConversationAction", ["Ctrl+Shift+C"], self.copy_conversation
        )
        self.act_regenerate = action("regenerateAction", ["Ctrl+R"], self.regenerate_last)
        self.act_stop = action("stopAction", ["Esc"], self.escape)
        self.act_search = action("searchAction", ["Ctrl+K", "Ctrl+F"], self.sidebar.focus_search)
        self.act_focus = action("focusComposerAction", ["Ctrl+L"], self.focus_composer)
        self.act_next = action(
            "nextConversationAction", ["Ctrl+Tab", "Ctrl+PgDown"], lambda: self.switch(1)
        )
        self.act_previous = action(
            "previousConversationAction",
            ["Ctrl+Shift+Tab", "Ctrl+PgUp", "Ctrl+Backtab"],
            lambda: self.switch(-1),
        )
        self.act_settings = action("settingsAction", ["Ctrl+,"], self.open_settings)
        self.act_models = action(
            "modelsAction", ["Ctrl+Shift+M"], lambda: self.open_model_manager([])
        )
        self.act_remote = action("remoteEnginesAction", [], self.open_remote_engines)
        self.act_help = action("helpAction", ["F1"], self.show_help)
        self.act_about = action("aboutAction", [], self.show_about)

        bar = self.menuBar()
        self.menu_file = QMenu(self)
        self.menu_file.addActions([self.act_new, self.act_attach, self.act_export])
        self.menu_file.addSeparator()
        self.menu_file.addAction(self.act_quit)
        self.menu_edit = QMenu(self)
        self.menu_edit.addActions([self.act_copy_all, self.act_regenerate, self.act_stop])
        self.menu_edit.addSeparator()
        self.menu_edit.addAction(self.act_settings)
        self.menu_view = QMenu(self)
        self.menu_view.addActions(
            [self.act_search, self.act_focus, self.act_next, self.act_previous]
        )
        self.menu_models = QMenu(self)
        self.menu_models.addAction(self.act_models)
        self.menu_models.addAction(self.act_remote)
        self.menu_help = QMenu(self)
        self.menu_help.addActions([self.act_help, self.act_about])
        for menu in (
            self.menu_file,
            self.menu_edit,
            self.menu_view,
            self.menu_models,
            self.menu_help,
        ):
            bar.addMenu(menu)

    def shortcut_actions(self) -> list[QAction]:
        """The actions listed in the keyboard help (F1)."""
        return [
            self.act_new,
            self.act_search,
            self.act_focus,
            self.act_stop,
            self.act_regenerate,
            self.act_next,
            self.act_previous,
            self.act_copy_all,
            self.act_attach,
            self.act_export,
            self.act_models,
            self.act_settings,
            self.act_help,
            self.act_quit,
        ]

    # ------------------------------------------------------------------ texts

    def _retranslate(self) -> None:
        self.menu_file.setTitle(self.tr("&File"))
        self.menu_edit.setTitle(self.tr("&Edit"))
        self.menu_view.setTitle(self.tr("&View"))
        self.menu_models.setTitle(self.tr("&Models"))
        self.menu_help.setTitle(self.tr("&Help"))
        texts = {
            self.act_new: self.tr("New chat"),
            self.act_attach: self.tr("Attach images or documents…"),
            self.act_export: self.tr("Export conversation…"),
            self.act_quit: self.tr("Quit"),
            self.act_copy_all: self.tr("Copy conversation"),
            self.act_regenerate: self.tr("Regenerate the last answer"),
            self.act_stop: self.tr("Stop the answer"),
            self.act_search: self.tr("Search conversations"),
            self.act_focus: self.tr("Go to the message box"),
            self.act_next: self.tr("Next conversation"),
            self.act_previous: self.tr("Previous conversation"),
            self.act_settings: self.tr("Settings…"),
            self.act_models: self.tr("Manage models…"),
            self.act_remote: self.tr("Remote engines…"),
            self.act_help: self.tr("Keyboard shortcuts"),
            self.act_about: self.tr("About Hearth"),
        }
        for act, text in texts.items():
            act.setText(text)
            act.setToolTip(text)
        self.model_picker.setToolTip(self.tr("The model that answers (Ctrl+Shift+M to manage)"))
        self.model_picker.setAccessibleName(self.tr("Model"))
        self.models_button.setText(self.tr("Models…"))
        self.models_button.setToolTip(self.tr("Add, inspect and switch models (Ctrl+Shift+M)"))
        self.models_button.setAccessibleName(self.tr("Manage models"))
        self.chat_view.setAccessibleName(self.tr("Conversation"))
        self.chat_view.setToolTip("")
        self.chat_view.setAccessibleDescription(
            self.tr(
                "Messages; Ctrl+C copies the selected one, Alt+Left and Alt+Right switch versions"
            )
        )
        self.title_label.setAccessibleName(self.tr("Conversation title"))
        self.empty_state.setText(
            self.tr(
                "<h2>Ask anything.</h2><p>Nothing leaves this computer.</p>"
                "<p>Drop an image to ask about it, or a PDF to summarize it.<br>"
                "Press F1 for keyboard shortcuts.</p>"
            )
        )
        self.empty_state.setAccessibleName(self.tr("Empty conversation"))
        self.status.retranslate()
        self._update_model_label()
        self._update_title()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange and not self._closing:
            self._retranslate()
            self.chat_view.refresh_style()
        super().changeEvent(event)

    # ------------------------------------------------------------------ state

    def _restore(self) -> None:
        state = self.context.ui_state
        geometry = state.geometry()
        if geometry is not None:
            self.restoreGeometry(geometry)
        window_state = state.window_state()
        if window_state is not None:
            self.restoreState(window_state)
        sizes = state.splitter()
        if sizes is not None and len(sizes) == 2:
            self.splitter.setSizes(sizes)
        last = state.last_conversation()
        if last is not None and self._store.conversations.exists(last):
            self.open_conversation(last)
        else:
            self.open_conversation(0)

    def _save_state(self) -> None:
        state = self.context.ui_state
        state.set_geometry(self.saveGeometry())
        state.set_window_state(self.saveState())
        state.set_splitter(self.splitter.sizes())
        state.set_last_conversation(self.session.conversation_id)
        state.sync()

    # ------------------------------------------------------------------ conversations

    def open_conversation(self, conversation_id: int, reveal_message: int = 0) -> None:
        if self.session.busy and conversation_id == self.session.conversation_id:
            return
        self.composer.end_edit()
        self.documents.clear_cards()
        try:
            if reveal_message:
                self._store.messages.switch_to(reveal_message)
            self.session.open(conversation_id or None)
        except HearthError as exc:
            self.show_notice(str(exc), Level.ERROR)
            self.session.open(None)
            return
        self.sidebar.select(conversation_id or None)
        if reveal_message:
            position = self.chat_model.position_of(reveal_message)
            if position is not None:
                index = self.chat_model.index(position)
                self.chat_view.setCurrentIndex(index)
                QTimer.singleShot(
                    0,
                    lambda: self.chat_view.scrollTo(index, ChatView.ScrollHint.PositionAtCenter),
                )
        if conversation_id:
            self.documents.resume_pending(conversation_id)
        self._context_used = self._last_context_used()
        self._show_context(self._context_used)

    def new_conversation(self) -> None:
        self.open_conversation(0)
        self.composer.editor.setFocus()

    def switch(self, step: int) -> None:
        target = self.sidebar.neighbour(step)
        if target is not None:
            self.open_conversation(target)

    def _on_conversation_hidden(self, conversation_id: int) -> None:
        if self.session.conversation_id == conversation_id:
            if self.session.busy:
                self.session.stop()
                self.session.wait()
            self.open_conversation(0)

    def _on_conversation_changed(self, _conversation_id: int) -> None:
        self._update_title()
        self.sidebar.refresh()
        self.sidebar.select(self.session.conversation_id)

    def _on_history_changed(self) -> None:
        self.sidebar.refresh()
        self._update_title()

    def _update_title(self) -> None:
        title = ""
        if self.session.conversation_id is not None:
            try:
                title = self.session.title()
            except HearthError:
                title = ""
        shown = title or self.tr("New conversation")
        self.title_label.setText(shown)
        self.setWindowTitle(f"{shown} — Hearth" if title else "Hearth")

    def _update_empty_state(self) -> None:
        self.chat_stack.setCurrentIndex(1 if self.chat_model.rowCount() else 0)

    def _load_older(self) -> None:
        bar = self.chat_view.verticalScrollBar()
        before = bar.maximum()
        if self.session.load_older():
            QTimer.singleShot(0, lambda: bar.setValue(bar.maximum() - before))

    # ------------------------------------------------------------------ chat

    @property
    def busy(self) -> bool:
        return self.session.busy or self.documents.busy or not self._loaded

    def send(self) -> None:
        text = self.composer.text().strip()
        if self.session.busy or self.documents.busy or not self._loaded or self._sending:
            return
        editing = self.composer.editing_message_id
        if editing is not None:
            if text and self._guard(lambda: self.session.edit(editing, text)):
                self.composer.finish_edit()
                self.composer.editor.clear()
                self.chat_view.follow()
            return
        images = list(self.composer.images)
        attached_documents = self.documents.attached()
        if not text and not images and not attached_documents:
            return
        if images and not (self.model_info is not None and self.model_info.vision):
            self.show_notice(
                self.tr(
                    "The loaded model cannot see images, so the message was not sent. Choose a "
                    "model with a vision projector in Models, or remove the images."
                ),
                Level.WARNING,
                action=self.tr("Send without the images"),
                callback=self._send_without_images,
            )
            return
        if self.documents.ask_whole_document(text):
            return  # answered over the whole document, as a background job
        n_ctx = self.model_info.n_ctx if self.model_info else 0
        new_tokens = self._count(text) + self.composer.image_tokens() + 8
        budget = max(0, n_ctx - self._context_used - new_tokens - self._settings.value.max_tokens)
        suffix, refs = self.documents.message_context(text, budget)
        new_tokens += self._count(suffix)
        if n_ctx and self._context_used + new_tokens >= n_ctx:
            self.show_notice(
                self.tr(
                    "This message does not fit: the conversation would need about {need} tokens "
                    "but the model's context holds {n_ctx}. Hearth never drops earlier messages "
                    "silently; start a new chat or raise the context size in Settings."
                ).format(need=f"{self._context_used + new_tokens:,}", n_ctx=f"{n_ctx:,}"),
                Level.WARNING,
            )
            return
        if n_ctx and self._context_used + new_tokens + self._settings.value.max_tokens > n_ctx:
            self.show_notice(
                self.tr(
                    "The context is nearly full: the answer may stop early when it fills up. "
                    "Start a new chat to keep going."
                ),
                Level.WARNING,
            )
        if not images:
            self._send_saved(text + suffix, refs)
            return
        # Images are saved (hashed, written, synced: tens of ms for a photo) off the GUI
        # thread; the message is sent once they are in the store. The composer keeps them
        # until then.
        self._sending = True
        entry = self.model_entry
        mmproj = str(entry.mmproj) if entry is not None and entry.mmproj else None
        self._file_tasks.submit(
            lambda: self._image_refs(images, mmproj),
            lambda saved: self._send_saved(text + suffix, refs + saved),
            self._send_failed,
        )

    def _send_saved(self, text: str, refs: list[AttachmentRef]) -> None:
        self._sending = False
        if self._closing:
            return
        if self._guard(lambda: self.session.send(text, refs)):
            self.composer.editor.clear()
            self.composer.clear_images()
            self.chat_view.follow()

    def _send_failed(self, error: HearthError) -> None:
        self._sending = False
        self.show_notice(str(error), Level.ERROR)

    def _send_without_images(self) -> None:
        self.composer.clear_images()
        self.send()

    def _image_refs(
        self, images: Sequence[PendingImage], mmproj: str | None
    ) -> list[AttachmentRef]:
        """Runs on the file-task thread: save the images with their recipes."""
        return [
            image_attachment_ref(
                self._store,
                ImageAttachment(image.data, image.mode.value, image.zoom_box, image.name),
                mmproj,
            )
            for image in images
        ]

    def stop(self) -> None:
        if self.session.busy:
            self.session.stop()
        elif self.documents.busy:
            self.documents.cancel_summary()

    def escape(self) -> None:
        """Esc: stop what runs; otherwise leave edit mode, clear the search, close a preview."""
        if self.session.busy or self.documents.busy:
            self.stop()
        elif self.composer.editing_message_id is not None:
            self.composer.end_edit()
        elif self.sidebar.search_box.hasFocus() and self.sidebar.search_box.text():
            self.sidebar.search_box.clear()
        elif self.composer.preview.isVisible():
            self.composer.preview.hide()
        elif self.notice.isVisible():
            self.notice.hide()

    def regenerate_last(self) -> None:
        rows = self.chat_model.rows()
        for row in reversed(rows):
            if row.message.role == "assistant":
                self._on_chat_action("regenerate", row.message.id)
                return

    def focus_composer(self) -> None:
        self.composer.editor.setFocus()

    def copy_conversation(self) -> None:
        QGuiApplication.clipboard().setText(
            self.chat_model.transcript(self.tr("You"), self.tr("Hearth"))
        )
        self.statusBar().showMessage(self.tr("Conversation copied"), 3000)

    def _on_chat_action(self, action: str, message_id: int) -> None:
        if action.startswith("cite/"):
            self.documents.show_citation(action, self)
            return
        if self.busy and action != "edit":
            return
        if action == "regenerate":
            self._guard(lambda: self.session.regenerate(message_id))
        elif action == "continue":
            self._guard(lambda: self.session.continue_answer(message_id))
        elif action in ("prev", "next"):
            self._guard(
                lambda: self.session.switch_sibling(message_id, -1 if action == "prev" else 1)
            )
        elif action == "edit":
            position = self.chat_model.position_of(message_id)
            if position is not None and not self.session.busy:
                self.composer.begin_edit(message_id, self.chat_model.row_at(position).text)
        self.chat_view.follow() if action != "edit" else None

    def _guard(self, work: object) -> bool:
        try:
            return bool(work())  # type: ignore[operator]
        except HearthError as exc:
            self.show_notice(str(exc), Level.ERROR)
            return False

    def export_conversation(self) -> None:
        conversation_id = self.session.conversation_id
        if conversation_id is None:
            return
        name, chosen = QFileDialog.getSaveFileName(
            self,
            self.tr("Export conversation"),
            str(Path.home() / "conversation.md"),
            self.tr("Markdown (*.md);;Web page (*.html);;Hearth JSON (*.json)"),
        )
        if not name:
            return
        fmt: ExportFormat = "html" if "html" in chosen else "json" if "json" in chosen else "md"
        self.statusBar().showMessage(self.tr("Exporting…"))
        self._file_tasks.submit(
            lambda: export_to_file(self._store, [conversation_id], fmt, Path(name)),
            lambda _: self.statusBar().showMessage(
                self.tr("Exported to {path}").format(path=name), 5000
            ),
            lambda error: self.show_notice(str(error), Level.ERROR),
        )

    # ------------------------------------------------------------------ engine events

    def _on_stats(self, stats: object) -> None:
        assert isinstance(stats, p.GenerationStats)
        self.status.show_stats(stats)
        if stats.encode_ms:
            self.status.show_image_encode(sum(stats.encode_ms) / 1000)
        self._context_used = stats.context_used
        self._show_context(stats.context_used, stats.context_size)

    def _show_context(self, used: int, size: int | None = None) -> None:
        size = size or (self.model_info.n_ctx if self.model_info else 0)
        self.status.context_meter.set_usage(used, size)
        if size and used / size >= CONTEXT_WARNING_SHARE:
            self.show_notice(
                self.tr(
                    "This conversation uses {share:.0%} of the model's context ({used} of "
                    "{size} tokens). Hearth never drops earlier messages silently: start a new "
                    "chat, or raise the context size in Settings, before it is full."
                ).format(share=used / size, used=f"{used:,}", size=f"{size:,}"),
                Level.WARNING,
            )

    def _last_context_used(self) -> int:
        for row in reversed(self.chat_model.rows()):
            used = (row.message.stats.extra or {}).get("context_used")
            if isinstance(used, int):
                return used
        return sum(self._count(row.text) + 4 for row in self.chat_model.rows())

    def _update_context_hint(self) -> None:
        tokens = self.composer.image_tokens()
        if tokens and self.model_info is not None:
            self.status.context_meter.setToolTip(
                self.tr("The attached images will use {tokens} more tokens.").format(
                    tokens=f"{tokens:,}"
                )
            )

    def _on_progress(self, event: object) -> None:
        assert isinstance(event, p.Progress)
        if event.total <= 0:
            return
        if "image" in event.phase or "encod" in event.phase:
            text = self.tr("Looking at the image… {done}/{total}")
        else:
            text = self.tr("Reading the conversation… {done}/{total}")
        self.statusBar().showMessage(text.format(done=event.done, total=event.total), 2000)

    def on_failed(self, failure: object) -> None:
        if not isinstance(failure, p.Failed):
            return
        if failure.kind == "bug":
            crash.show_crash_dialog(
                self,
                self.tr("Hearth hit a bug"),
                self.tr(
                    "Something went wrong inside Hearth. Your conversations are saved. Please "
                    "copy the details below into a bug report."
                ),
                failure.message + "\n\n" + failure.details,
                modal=False,
            )
            return
        level = Level.WARNING if failure.kind == "crash" else Level.ERROR
        self.show_notice(failure.message, level)

    def show_notice(
        self,
        text: str,
        level: Level = Level.INFO,
        *,
        action: str | None = None,
        callback: object = None,
    ) -> None:
        self.notice.show_message(text, level, action=action, callback=callback)  # type: ignore[arg-type]

    def _update_busy(self, _busy: bool = False) -> None:
        running = self.session.busy or self.documents.busy
        self.composer.set_busy(running)
        self.composer.set_send_enabled(self._loaded)
        self.model_picker.setEnabled(not running and self._load_job is None)
        self.act_regenerate.setEnabled(not running)

    # ------------------------------------------------------------------ models

    def _load_remotes(self) -> list[RemoteEndpoint]:
        loaded = load_endpoints(self.context.paths.remote_engines_path)
        for warning in loaded.warnings:
            self.show_notice(warning, Level.WARNING)
        self._remotes = list(loaded.endpoints)
        return self._remotes

    def _choose_model(self) -> ModelEntry | RemoteEndpoint | None:
        wanted = self._settings.value.model_path
        entries = self.context.registry.entries()
        self._load_remotes()
        self._fill_picker(entries)
        remote = self._settings.value.remote_engine
        for endpoint in self._remotes:
            if remote and endpoint.name == remote:
                return endpoint
        for entry in entries:
            if wanted and str(entry.path) == wanted:
                return entry
        for entry in entries:
            if entry.bundled:
                return entry
        return entries[0] if entries else None

    def _fill_picker(self, entries: list[ModelEntry]) -> None:
        self.model_picker.blockSignals(True)
        self.model_picker.clear()
        for entry in entries:
            eye = " · " + self.tr("vision") if entry.vision else ""
            self.model_picker.addItem(f"{entry.label}{eye}", str(entry.path))
            self.model_picker.setItemData(
                self.model_picker.count() - 1, str(entry.path), Qt.ItemDataRole.ToolTipRole
            )
        for endpoint in self._remotes:
            self.model_picker.addItem(
                endpoint.label() + " · " + self.tr("remote"), _remote_key(endpoint)
            )
            self.model_picker.setItemData(
                self.model_picker.count() - 1, endpoint.base_url, Qt.ItemDataRole.ToolTipRole
            )
        self._entries = entries
        self._select_current()
        self.model_picker.blockSignals(False)

    def _select_current(self) -> None:
        if self.remote_endpoint is not None:
            key = _remote_key(self.remote_endpoint)
        elif self.model_entry is not None:
            key = str(self.model_entry.path)
        else:
            return
        position = self.model_picker.findData(key)
        if position >= 0:
            self.model_picker.setCurrentIndex(position)

    def _on_model_picked(self, index: int) -> None:
        if 0 <= index < len(self._entries):
            entry = self._entries[index]
            if entry != self.model_entry or self.remote_endpoint is not None:
                self.switch_model(entry)
            return
        remote = index - len(self._entries)
        if 0 <= remote < len(self._remotes) and self._remotes[remote] != self.remote_endpoint:
            self.switch_remote(self._remotes[remote])

    def switch_remote(self, endpoint: RemoteEndpoint) -> None:
        try:
            self._settings.update(remote_engine=endpoint.name)
        except HearthError as exc:
            self.show_notice(str(exc), Level.ERROR)
        self.load_model(endpoint)

    def switch_model(self, entry: ModelEntry) -> None:
        try:
            self._settings.update(
                model_path=None if entry.bundled else str(entry.path),
                mmproj_path=str(entry.mmproj) if entry.mmproj else None,
                prompt_format="auto",
                remote_engine="",
            )
        except HearthError as exc:
            self.show_notice(str(exc), Level.ERROR)
        self.load_model(entry)

    def model_config(self, entry: ModelEntry) -> p.ModelConfig:
        settings = self._settings.value
        return p.ModelConfig(
            model_path=str(entry.path),
            n_ctx=min(settings.context_size, entry.max_context),
            n_threads=settings.threads,
            kv_type=settings.kv_cache_type,
            swa_full=settings.swa_full,
            mmproj_path=str(entry.mmproj) if entry.mmproj else None,
            checkpoint_budget_mib=settings.checkpoint_budget_mib,
            prompt_format=settings.prompt_format,
            fast_jpeg_decode_approximate=settings.vision_fast_jpeg_decode_approximate,
            # Only a projector the user (or a test) explicitly paired with a text-only size.
            allow_text_only_vision=entry.mmproj is not None and entry.vision_capable is False,
        )

    def load_model(self, entry: ModelEntry | RemoteEndpoint | None) -> None:
        if isinstance(entry, RemoteEndpoint):
            self._load_remote(entry)
            return
        if entry is None:
            self.show_notice(
                self.tr("No usable model was found. Add a Gemma 3 GGUF file in Models."),
                Level.ERROR,
            )
            return
        if self.session.busy or self.documents.busy or self._load_job is not None:
            return
        self.model_entry = entry
        self.remote_endpoint = None
        self._select_current()
        config = self.model_config(entry)
        client = self._client
        cache = self.context.paths.tokenizer_cache

        def work() -> object:
            info = client.load(config)
            yield info
            try:
                yield load_token_counter(config.model_path, cache_dir=cache)
            except HearthError:
                return

        self._start_load(work)

    def _load_remote(self, endpoint: RemoteEndpoint) -> None:
        """Connect to a remote engine (only its address is contacted) and answer with it."""
        if self.session.busy or self.documents.busy or self._load_job is not None:
            return
        self.remote_endpoint = endpoint
        self._select_current()
        paths = self.context.paths

        def work() -> object:
            client = remote_client(paths, endpoint)
            try:
                info = client.load()
            except BaseException:
                client.close()
                raise
            yield client
            yield info
            if client.gemma:
                try:
                    yield bundled_gemma_counter(paths)()
                except HearthError:
                    return

        self._counter = None
        self._start_load(work)

    def _start_load(self, work: object) -> None:
        self._loaded = False
        self.model_info = None
        self.status.set_loading(True)
        self._update_model_label()
        job = EngineJob(work, self)  # type: ignore[arg-type]
        job.produced.connect(self._on_loaded)
        job.failed.connect(self._on_load_failed)
        job.finished.connect(self._on_load_finished)
        self._load_job = job
        self._update_busy()
        job.start()

    def _on_loaded(self, result: object) -> None:
        if isinstance(result, RemoteEngineClient):
            self._engines.use_remote(result)
            return
        if isinstance(result, TokenCounter):
            self._counter = result
            self._context_used = self._last_context_used()
            self._show_context(self._context_used)
            return
        assert isinstance(result, p.ModelInfo)
        self.model_info = result
        self._loaded = True
        if result.architecture == "remote":
            self.session.model_name = result.path.split(": ", 1)[-1]
            # Documents are planned with Gemma 3's vocabulary (the bundled model's file).
            self.documents.set_model(str(self.context.bundled_model), result.n_ctx, result.vision)
        else:
            self.session.model_name = Path(result.path).name
            self.documents.set_model(result.path, result.n_ctx, result.vision)
        self.composer.set_vision(result.vision)
        self._update_model_label()
        self._show_context(self._context_used, result.n_ctx)

    def _on_load_failed(self, failure: object) -> None:
        self._loaded = False
        if isinstance(failure, p.Failed) and failure.code == PromptFormatRequired.code:
            self.show_notice(
                failure.message,
                Level.WARNING,
                action=self.tr("Choose format…"),
                callback=self.choose_prompt_format,
            )
            self.choose_prompt_format()
        elif isinstance(failure, p.Failed):
            self.show_notice(
                self.tr("The model could not be loaded: {reason}").format(reason=failure.message),
                Level.ERROR,
            )
        self._update_model_label()

    def choose_prompt_format(self) -> None:
        """Ask which prompt format the loaded model was trained with, then load it with that."""
        entry = self.model_entry
        if entry is None or self.findChild(PromptFormatDialog) is not None:
            return
        dialog = PromptFormatDialog(entry.path.name, self)

        def chosen(key: str) -> None:
            try:
                self._settings.update(prompt_format=key)
            except HearthError as exc:
                self.show_notice(str(exc), Level.ERROR)
                return
            self.notice.hide()
            self.model_entry = None
            self.load_model(entry)

        dialog.format_chosen.connect(chosen)
        dialog.open()

    def _on_load_finished(self) -> None:
        self._load_job = None
        self.status.set_loading(False)
        self._update_busy()
        if not self._looked_for_models:
            self._looked_for_models = True
            self.look_for_other_apps_models()

    def look_for_other_apps_models(self) -> None:
        """Find models other apps downloaded (in the background, once after start-up), so
        the picker offers them without a visit to the model manager."""
        registry = self.context.registry
        if not registry.search_roots or self._discover_job is not None or self._closing:
            return
        job = EngineJob(registry.discover, self)
        job.finished.connect(self._on_discovered)
        self._discover_job = job
        job.start()

    def _on_discovered(self) -> None:
        job = self._discover_job
        self._discover_job = None
        if job is not None:
            job.deleteLater()
        if not self._closing:
            self._fill_picker(self.context.registry.entries())

    def _update_model_label(self) -> None:
        info = self.model_info
        if info is None:
            text = self.tr("Loading model…") if self._load_job is not None else self.tr("No model")
        elif info.architecture == "remote":
            vision = self.tr("sees images") if info.vision else self.tr("text only")
            text = self.tr("{model} · remote · {ctx} tokens context · {vision}").format(
                model=info.path, ctx=f"{info.n_ctx:,}", vision=vision
            )
        else:
            vision = self.tr("sees images") if info.vision else self.tr("text only")
            text = self.tr("Gemma 3 {label} · {quant} · {ctx} tokens context · {vision}").format(
                label=info.size_label or info.architecture,
                quant=info.quantization or "?",
                ctx=f"{info.n_ctx:,}",
                vision=vision,
            )
        self.status.model_label.setText(text)

    def downloads(self) -> DownloadController:
        """The window's one download runner (it outlives the model manager dialog)."""
        if self._downloads is None:
            models_dir = self.context.registry.models_dir
            base_url = self._settings.value.download_base_url
            self._downloads = DownloadController(lambda: Downloader(models_dir, base_url), self)
        return self._downloads

    def open_model_manager(self, paths: list[Path]) -> None:
        from app.models.model_manager import ModelManagerDialog

        dialog = ModelManagerDialog(
            self.context.registry,
            self._settings.value,
            self.model_entry,
            self,
            downloads=self.downloads(),
        )
        dialog.use_model.connect(self.switch_model)
        dialog.finished.connect(lambda _r: self._fill_picker(self.context.registry.entries()))
        for path in paths:
            dialog.add_path(path)
        dialog.open()
        self.model_manager = dialog

    def open_remote_engines(self) -> None:
        from app.remote.engines_dialog import RemoteEnginesDialog

        dialog = RemoteEnginesDialog(
            self._load_remotes(),
            key_store(self.context.paths),
            self.context.paths.remote_engines_path,
            self,
        )
        dialog.saved.connect(self._on_remotes_saved)
        dialog.open()
        self.remote_dialog = dialog

    def _on_remotes_saved(self, endpoints: list[RemoteEndpoint]) -> None:
        self._remotes = list(endpoints)
        current = self.remote_endpoint
        self._fill_picker(self.context.registry.entries())
        if current is not None:
            changed = next((e for e in endpoints if e.name == current.name), None)
            if changed is None:  # the engine in use was removed: back to the local model
                self.load_model(self._choose_local())
            elif changed != current:
                self.load_model(changed)

    def _choose_local(self) -> ModelEntry | None:
        entries = self.context.registry.entries()
        wanted = self._settings.value.model_path
        for entry in entries:
            if (wanted and str(entry.path) == wanted) or (not wanted and entry.bundled):
                return entry
        return entries[0] if entries else None

    # ------------------------------------------------------------------ settings

    def open_settings(self) -> None:
        from app.settings_dialog import SettingsDialog

        dialog = SettingsDialog(
            self._settings.value, self, api_token_path=self.context.paths.api_token_path
        )
        dialog.accepted_settings.connect(self._save_settings)
        dialog.open()
        self.settings_dialog = dialog

    def _save_settings(self, settings: object) -> None:
        assert isinstance(settings, Settings)
        try:
            self._settings.set(settings)
        except HearthError as exc:
            self.show_notice(str(exc), Level.ERROR)

    def _apply_settings(self, settings: object, previous: object) -> None:
        assert isinstance(settings, Settings)
        old = previous if isinstance(previous, Settings) else None
        self.composer.pan_scan_default = PanScanMode(settings.pan_and_scan)
        themes = self.context.themes
        if themes is not None and (
            old is None or (old.theme, old.font_size) != (settings.theme, settings.font_size)
        ):
            themes.apply(settings.theme, settings.font_size)
            self.chat_view.refresh_style()
        languages = self.context.languages
        if languages is not None and (old is None or old.language != settings.language):
            languages.set_language(settings.language)
        if old is not None and any(
            getattr(old, name) != getattr(settings, name) for name in MODEL_SETTINGS
        ):
            self.load_model(self.model_entry)

    # ------------------------------------------------------------------ help

    def show_help(self) -> None:
        from app.help_dialog import ShortcutsDialog

        dialog = ShortcutsDialog(self.shortcut_actions(), self)
        dialog.open()
        self.help_dialog = dialog

    def show_about(self) -> None:
        from app.about_dialog import AboutDialog

        dialog = AboutDialog(self)
        dialog.open()
        self.about_dialog = dialog

    # ------------------------------------------------------------------ files from outside

    def open_files(self, paths: list[Path]) -> None:
        """Files dropped on the window, given on the command line or handed over by a second
        launch ("Open with Hearth"): images become attachments, documents get a card to
        summarize or ask about, GGUF files go to the model manager."""
        found = []
        for path in paths:
            if path.is_file():
                found.append(path)
            else:
                self.show_notice(
                    self.tr("{name} was not found, or is not a file.").format(name=str(path)),
                    Level.WARNING,
                )
        if found:
            self.composer.add_paths(found)

    def bring_to_front(self) -> None:
        """Show the window on top (a second launch asked for it)."""
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()

    def open_from_launch(self, paths: list[Path]) -> None:
        self.bring_to_front()
        self.open_files(paths)

    # ------------------------------------------------------------------ drag and drop

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() or event.mimeData().hasImage():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.open_files(paths)
        elif event.mimeData().hasImage():
            event.acceptProposedAction()
            self.composer.editor.insertFromMimeData(event.mimeData())

    # ------------------------------------------------------------------ closing

    def _count(self, text: str) -> int:
        if not text:
            return 0
        if self._counter is not None:
            return self._counter.count(text)
        return len(text) // 3 + 1

    def closeEvent(self, event: QCloseEvent) -> None:
        self._closing = True
        self._save_state()
        self.sidebar.detach()
        if self.session.busy:
            self.session.stop()
        self.documents.cancel_summary()
        self.session.wait()
        self.documents.wait()
        self._file_tasks.close()  # an export or a send being saved finishes first
        if self._load_job is not None:
            self._load_job.wait(60000)
        if self._discover_job is not None:
            self._discover_job.wait(30000)
        if self._downloads is not None:
            self._downloads.shutdown()  # paused: the part is kept and resumes next time
        manager = getattr(self, "model_manager", None)
        if manager is not None:
            manager.wait_for_jobs()  # a scan for other apps' models finishes first
        event.accept()


def _remote_key(endpoint: RemoteEndpoint) -> str:
    return "remote:" + endpoint.name
