"""The composer: the message editor, attachment chips, the image preview, document cards and
the attach / send / stop buttons."""

from __future__ import annotations

import uuid
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QSize, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.composer.attachments import FileKind, PendingImage, classify
from app.composer.editor import ComposerEdit
from app.vision.image_preview import ImagePreview
from engine.errors import HearthError
from engine.vision.pan_scan import PanScanMode

THUMBNAIL = 40


class ImageChip(QFrame):
    """A small card for one attached image: thumbnail, name, token cost, remove button."""

    remove = Signal(object)
    show_preview = Signal(object)

    def __init__(self, image: PendingImage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image = image
        self.setObjectName("attachmentChip")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.thumbnail = QLabel(self)
        self.thumbnail.setObjectName("chipThumbnail")
        self.thumbnail.setFixedSize(THUMBNAIL, THUMBNAIL)
        qimage = QImage.fromData(image.data)
        if not qimage.isNull():
            self.thumbnail.setPixmap(
                QPixmap.fromImage(
                    qimage.scaled(
                        THUMBNAIL,
                        THUMBNAIL,
                        Qt.AspectRatioMode.KeepAspectRatio,
                        Qt.TransformationMode.SmoothTransformation,
                    )
                )
            )
        self.name = QLabel(self)
        self.tokens = QLabel(self)
        self.tokens.setObjectName("chipTokens")
        self.remove_button = QToolButton(self)
        self.remove_button.setObjectName("removeAttachmentButton")
        self.remove_button.setText("✕")
        self.remove_button.setAutoRaise(True)
        self.remove_button.clicked.connect(lambda: self.remove.emit(self.image))
        texts = QVBoxLayout()
        texts.setSpacing(0)
        texts.addWidget(self.name)
        texts.addWidget(self.tokens)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 2, 2)
        layout.addWidget(self.thumbnail)
        layout.addLayout(texts)
        layout.addWidget(self.remove_button)
        self.refresh()

    def refresh(self) -> None:
        metrics = self.name.fontMetrics()
        self.name.setText(metrics.elidedText(self.image.name, Qt.TextElideMode.ElideMiddle, 150))
        self.tokens.setText(self.tr("{tokens} tokens").format(tokens=f"{self.image.tokens:,}"))
        self.remove_button.setToolTip(self.tr("Remove {name}").format(name=self.image.name))
        self.remove_button.setAccessibleName(self.tr("Remove {name}").format(name=self.image.name))
        self.setToolTip(self.tr("Show the crop grid of {name}").format(name=self.image.name))
        self.setAccessibleName(self.tr("Image {name}").format(name=self.image.name))

    def mouseReleaseEvent(self, _event: object) -> None:
        self.show_preview.emit(self.image)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.refresh()
        super().changeEvent(event)


class Composer(QWidget):
    """Signals:
    send_requested(): Enter or the Send button.
    stop_requested(): the Stop button.
    documents_added(list): document files to read (the window's document controller does).
    models_added(list): GGUF files dropped here (for the model manager).
    notice(str): a calm sentence for the user (a refused file, a bad image).
    attachments_changed(): images were added, removed or re-planned.
    edit_cancelled(): the user left edit-and-resend mode.
    """

    send_requested = Signal()
    stop_requested = Signal()
    documents_added = Signal(list)
    models_added = Signal(list)
    notice = Signal(str)
    attachments_changed = Signal()
    edit_cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composerPanel")
        self.setAcceptDrops(True)
        self.images: list[PendingImage] = []
        self.pan_scan_default = PanScanMode.AUTO
        self.editing_message_id: int | None = None
        self._busy = False
        self._vision: bool | None = None

        self.preview = ImagePreview(self)
        self.preview.hide()
        self.preview.setMaximumHeight(300)
        self.preview.changed.connect(self._on_preview_changed)
        self.preview.closed.connect(self.preview.hide)

        self.cards = QVBoxLayout()
        self.cards.setContentsMargins(0, 0, 0, 0)
        self.chips = QHBoxLayout()
        self.chips.setContentsMargins(0, 0, 0, 0)
        self.chips.addStretch(1)

        self.edit_banner = QFrame(self)
        self.edit_banner.setObjectName("editBanner")
        self.edit_label = QLabel(self.edit_banner)
        self.cancel_edit = QPushButton(self.edit_banner)
        self.cancel_edit.setObjectName("cancelEditButton")
        self.cancel_edit.clicked.connect(self.end_edit)
        banner = QHBoxLayout(self.edit_banner)
        banner.setContentsMargins(4, 0, 4, 0)
        banner.addWidget(self.edit_label, 1)
        banner.addWidget(self.cancel_edit)
        self.edit_banner.hide()

        self.editor = ComposerEdit(self)
        self.editor.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.editor.submitted.connect(self.send_requested)
        self.editor.files_received.connect(self.add_paths)
        self.editor.image_pasted.connect(self.add_qimage)

        self.attach_button = QToolButton(self)
        self.attach_button.setObjectName("attachButton")
        self.attach_button.setText("+")
        bold = self.attach_button.font()
        bold.setBold(True)
        bold.setPointSizeF(bold.pointSizeF() * 1.3)
        self.attach_button.setFont(bold)
        self.attach_button.setMinimumSize(QSize(32, 32))
        self.attach_button.clicked.connect(self.choose_files)
        self.send_button = QPushButton(self)
        self.send_button.setObjectName("sendButton")
        self.send_button.setDefault(True)
        self.send_button.clicked.connect(self.send_requested)
        self.stop_button = QPushButton(self)
        self.stop_button.setObjectName("stopButton")
        self.stop_button.clicked.connect(self.stop_requested)
        self.stop_button.hide()

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.attach_button, 0, Qt.AlignmentFlag.AlignBottom)
        row.addWidget(self.editor, 1)
        buttons = QVBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.send_button)
        buttons.addWidget(self.stop_button)
        row.addLayout(buttons)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 8)
        layout.addWidget(self.preview)
        layout.addLayout(self.cards)
        layout.addLayout(self.chips)
        layout.addWidget(self.edit_banner)
        layout.addLayout(row)
        self._retranslate()
        self.set_busy(False)

    # ---- Text

    def text(self) -> str:
        return self.editor.toPlainText()

    def clear(self) -> None:
        self.editor.clear()
        self.clear_images()
        self.end_edit()

    # ---- Busy state

    def set_busy(self, busy: bool, *, can_stop: bool = True) -> None:
        self._busy = busy
        self.send_button.setVisible(not busy)
        self.send_button.setEnabled(not busy)
        self.stop_button.setVisible(busy)
        self.stop_button.setEnabled(busy and can_stop)

    def set_send_enabled(self, enabled: bool) -> None:
        self.send_button.setEnabled(enabled and not self._busy)

    # ---- Edit and resend

    def begin_edit(self, message_id: int, text: str) -> None:
        self.editing_message_id = message_id
        self.editor.setPlainText(text)
        self.editor.moveCursor(self.editor.textCursor().MoveOperation.End)
        self.edit_banner.show()
        self.editor.setFocus()
        self._retranslate()

    def end_edit(self) -> None:
        was_editing = self.editing_message_id is not None
        self.editing_message_id = None
        self.edit_banner.hide()
        if was_editing:
            self.editor.clear()
            self.edit_cancelled.emit()
        self._retranslate()

    def finish_edit(self) -> None:
        """The edited message was sent: leave edit mode without signalling a cancel."""
        self.editing_message_id = None
        self.edit_banner.hide()
        self._retranslate()

    # ---- Attachments

    def choose_files(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(
            self,
            self.tr("Attach images or documents"),
            "",
            self.tr(
                "Images and documents (*.png *.jpg *.jpeg *.webp *.gif *.bmp *.tif *.tiff *.pdf "
                "*.docx *.html *.htm *.md *.txt *.epub);;All files (*)"
            ),
        )
        if paths:
            self.add_paths([Path(p) for p in paths])

    def add_paths(self, paths: list[Path]) -> None:
        documents: list[Path] = []
        models: list[Path] = []
        for path in paths:
            kind = classify(path)
            if kind is FileKind.IMAGE:
                try:
                    self.add_image(PendingImage.from_path(path, self.pan_scan_default))
                except HearthError as exc:
                    self.notice.emit(str(exc))
            elif kind is FileKind.DOCUMENT:
                documents.append(path)
            elif kind is FileKind.MODEL:
                models.append(path)
            else:
                self.notice.emit(
                    self.tr(
                        "{name} is neither an image nor a document Hearth can read "
                        "(PDF, DOCX, HTML, Markdown, text, EPUB)."
                    ).format(name=path.name)
                )
        if documents:
            self.documents_added.emit(documents)
        if models:
            self.models_added.emit(models)

    def add_qimage(self, image: QImage) -> None:
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        # The stubs say bytes, PySide6 6.11 only accepts str here.
        image.save(buffer, "PNG")  # type: ignore[call-overload]
        buffer.close()
        name = self.tr("pasted-{id}.png").format(id=uuid.uuid4().hex[:6])
        try:
            self.add_image(PendingImage.from_bytes(bytes(data.data()), name, self.pan_scan_default))
        except HearthError as exc:
            self.notice.emit(str(exc))

    def add_image(self, image: PendingImage) -> None:
        self.images.append(image)
        chip = ImageChip(image, self)
        chip.remove.connect(self.remove_image)
        chip.show_preview.connect(self.show_preview)
        self.chips.insertWidget(self.chips.count() - 1, chip)
        self.show_preview(image)
        self.attachments_changed.emit()

    def remove_image(self, image: object) -> None:
        for chip in self.findChildren(ImageChip):
            if chip.image is image:
                self.chips.removeWidget(chip)
                chip.deleteLater()
        self.images = [i for i in self.images if i is not image]
        if self.preview.image is image:
            self.preview.hide()
            if self.images:
                self.show_preview(self.images[-1])
        self.attachments_changed.emit()

    def clear_images(self) -> None:
        for image in list(self.images):
            self.remove_image(image)

    def show_preview(self, image: object) -> None:
        if isinstance(image, PendingImage):
            self.preview.set_image(image)
            self.preview.set_vision(self._vision)
            self.preview.show()

    def set_vision(self, vision: bool | None) -> None:
        self._vision = vision
        self.preview.set_vision(vision)

    def image_tokens(self) -> int:
        return sum(image.tokens for image in self.images)

    def add_card(self, card: QWidget) -> None:
        self.cards.addWidget(card)

    def _on_preview_changed(self) -> None:
        for chip in self.findChildren(ImageChip):
            chip.refresh()
        self.attachments_changed.emit()

    # ---- Drops onto the composer (the editor handles its own)

    def dragEnterEvent(self, event: object) -> None:
        from PySide6.QtGui import QDragEnterEvent

        if isinstance(event, QDragEnterEvent) and event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: object) -> None:
        from PySide6.QtGui import QDropEvent

        if isinstance(event, QDropEvent):
            paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
            if paths:
                event.acceptProposedAction()
                self.add_paths(paths)

    # ---- Texts

    def _retranslate(self) -> None:
        self.editor.setAccessibleName(self.tr("Message"))
        self.editor.setToolTip(self.tr("Your message: Enter sends, Shift+Enter starts a new line"))
        self.editor.setPlaceholderText(
            self.tr(
                "Message Hearth (Enter sends, Shift+Enter: new line). "
                "Drop images or documents here."
            )
        )
        self.attach_button.setToolTip(self.tr("Attach images or documents (Ctrl+O)"))
        self.attach_button.setAccessibleName(self.tr("Attach files"))
        self.send_button.setText(self.tr("Send"))
        self.send_button.setToolTip(self.tr("Send the message (Enter)"))
        self.send_button.setAccessibleName(self.tr("Send"))
        self.stop_button.setText(self.tr("■ Stop"))
        self.stop_button.setToolTip(self.tr("Stop the answer (Esc)"))
        self.stop_button.setAccessibleName(self.tr("Stop"))
        self.edit_label.setText(
            self.tr("Editing a message: sending keeps the old version as a branch.")
        )
        self.cancel_edit.setText(self.tr("Cancel edit"))
        self.cancel_edit.setToolTip(self.tr("Leave editing without sending (Esc)"))
        self.cancel_edit.setAccessibleName(self.tr("Cancel edit"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)
