"""Preview of an attached image: the Pan & Scan crop grid over it, the token cost, a P&S
toggle, and a zoom box the user draws to add a high-resolution crop.

The geometry comes from ``engine.vision.pan_scan`` (pure functions), so what is drawn is
exactly what the tiler will cut.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QMouseEvent, QPainter, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.composer.attachments import PendingImage
from engine.vision.pan_scan import TOKENS_PER_TILE, Box, PanScanMode, TileKind

_CROP_COLOURS = ("#ff8a00", "#00b3ff", "#9b5cff", "#00c26e")
_ZOOM_COLOUR = "#ff3b6b"
_MIN_ZOOM_PIXELS = 8


class CropCanvas(QWidget):
    """Draws the image scaled to fit, with the tile regions on top; drag to draw a zoom box.

    Signals:
        zoom_drawn(object): a zoom box ``(x0, y0, x1, y1)`` in image pixels.
    """

    zoom_drawn = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cropCanvas")
        self.setMinimumSize(220, 150)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self._pixmap = QPixmap()
        self._image: PendingImage | None = None
        self._drag_from: QPoint | None = None
        self._drag_to: QPoint | None = None

    def set_image(self, image: PendingImage, pixmap: QPixmap) -> None:
        self._image = image
        self._pixmap = pixmap
        self.update()

    def refresh(self) -> None:
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(420, 260)

    def _target(self) -> QRectF:
        """Where the image is drawn (aspect kept, centred)."""
        if self._image is None:
            return QRectF()
        width, height = self._image.info.width, self._image.info.height
        area = QRectF(self.rect()).adjusted(4, 4, -4, -4)
        scale = min(area.width() / width, area.height() / height)
        size_w, size_h = width * scale, height * scale
        return QRectF(
            area.left() + (area.width() - size_w) / 2,
            area.top() + (area.height() - size_h) / 2,
            size_w,
            size_h,
        )

    def _to_widget(self, box: Box) -> QRectF:
        assert self._image is not None
        target = self._target()
        sx = target.width() / self._image.info.width
        sy = target.height() / self._image.info.height
        return QRectF(
            target.left() + box[0] * sx,
            target.top() + box[1] * sy,
            (box[2] - box[0]) * sx,
            (box[3] - box[1]) * sy,
        )

    def _to_image(self, point: QPoint) -> tuple[int, int]:
        assert self._image is not None
        target = self._target()
        x = (point.x() - target.left()) / target.width() * self._image.info.width
        y = (point.y() - target.top()) / target.height() * self._image.info.height
        return (
            round(min(max(x, 0), self._image.info.width)),
            round(min(max(y, 0), self._image.info.height)),
        )

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        if self._image is None or self._pixmap.isNull():
            painter.end()
            return
        target = self._target()
        painter.drawPixmap(target, self._pixmap, QRectF(self._pixmap.rect()))
        font = QFont(self.font())
        font.setBold(True)
        painter.setFont(font)
        crop_number = 0
        for region in self._image.plan.regions:
            rect = self._to_widget(region.box)
            if region.kind is TileKind.FULL:
                painter.setPen(QPen(QColor(255, 255, 255, 200), 1))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(rect.adjusted(0.5, 0.5, -0.5, -0.5))
                continue
            if region.kind is TileKind.CROP:
                colour = QColor(_CROP_COLOURS[crop_number % len(_CROP_COLOURS)])
                crop_number += 1
                label = str(crop_number)
                pen = QPen(colour, 2, Qt.PenStyle.DashLine)
            else:
                colour = QColor(_ZOOM_COLOUR)
                label = self.tr("zoom")
                pen = QPen(colour, 2.5)
            fill = QColor(colour)
            fill.setAlpha(40)
            painter.setPen(pen)
            painter.setBrush(fill)
            inset = rect.adjusted(2, 2, -2, -2)
            painter.drawRect(inset)
            badge = QRectF(inset.left() + 4, inset.top() + 4, 0, 0)
            metrics = painter.fontMetrics()
            badge.setSize(QSize(metrics.horizontalAdvance(label) + 10, metrics.height() + 2))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawRoundedRect(badge, 4, 4)
            painter.setPen(QColor("white"))
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, label)
        if self._drag_from is not None and self._drag_to is not None:
            painter.setPen(QPen(QColor(_ZOOM_COLOUR), 1.5, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRect(self._drag_from, self._drag_to).normalized())
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._image is not None:
            self._drag_from = event.position().toPoint()
            self._drag_to = self._drag_from
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag_from is not None:
            self._drag_to = event.position().toPoint()
            self.update()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drag_from is not None and event.button() == Qt.MouseButton.LeftButton:
            start = self._to_image(self._drag_from)
            end = self._to_image(event.position().toPoint())
            self._drag_from = self._drag_to = None
            self.update()
            box = (
                min(start[0], end[0]),
                min(start[1], end[1]),
                max(start[0], end[0]),
                max(start[1], end[1]),
            )
            if box[2] - box[0] >= _MIN_ZOOM_PIXELS and box[3] - box[1] >= _MIN_ZOOM_PIXELS:
                self.zoom_drawn.emit(box)
            return
        super().mouseReleaseEvent(event)

    def draw_zoom(self, start: QPointF, end: QPointF) -> None:
        """Draw a zoom box programmatically (keyboard users, tests): widget coordinates."""
        self._drag_from = start.toPoint()
        release = QMouseEvent(
            QEvent.Type.MouseButtonRelease,
            end,
            self.mapToGlobal(end),
            Qt.MouseButton.LeftButton,
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
        )
        self.mouseReleaseEvent(release)


class ImagePreview(QWidget):
    """The whole preview panel for one attached image.

    Signals:
        changed(): the Pan & Scan mode or the zoom box changed (token cost too).
        closed(): the user closed the preview.
    """

    changed = Signal()
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("imagePreview")
        self._image: PendingImage | None = None
        self._vision: bool | None = None

        self.canvas = CropCanvas(self)
        self.canvas.zoom_drawn.connect(self._on_zoom)

        self.title = QLabel(self)
        self.title.setObjectName("imagePreviewTitle")
        self.mode_box = QComboBox(self)
        self.mode_box.setObjectName("panScanMode")
        self.mode_box.addItem("", PanScanMode.AUTO.value)
        self.mode_box.addItem("", PanScanMode.OFF.value)
        self.mode_box.currentIndexChanged.connect(self._on_mode)
        self.clear_zoom = QPushButton(self)
        self.clear_zoom.setObjectName("clearZoomButton")
        self.clear_zoom.clicked.connect(self._on_clear_zoom)
        self.close_button = QPushButton(self)
        self.close_button.setObjectName("closePreviewButton")
        self.close_button.setFlat(True)
        self.close_button.clicked.connect(self.closed)
        self.tokens = QLabel(self)
        self.tokens.setObjectName("imageTokens")
        self.tokens.setWordWrap(True)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.hint.setObjectName("imageHint")
        self.vision_notice = QLabel(self)
        self.vision_notice.setObjectName("noVisionNotice")
        self.vision_notice.setWordWrap(True)
        self.vision_notice.setStyleSheet("color: #b35900;")
        self.vision_notice.hide()

        side = QVBoxLayout()
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.close_button)
        side.addLayout(top)
        self.mode_label = QLabel(self)
        self.mode_label.setBuddy(self.mode_box)
        side.addWidget(self.mode_label)
        side.addWidget(self.mode_box)
        side.addWidget(self.tokens)
        side.addWidget(self.hint)
        side.addWidget(self.clear_zoom)
        side.addWidget(self.vision_notice)
        side.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.canvas, 3)
        layout.addLayout(side, 2)
        self._retranslate()

    # ---- Public

    @property
    def image(self) -> PendingImage | None:
        return self._image

    def set_image(self, image: PendingImage) -> None:
        self._image = image
        qimage = QImage.fromData(image.data)
        pixmap = QPixmap.fromImage(qimage) if not qimage.isNull() else QPixmap()
        if not pixmap.isNull() and max(pixmap.width(), pixmap.height()) > 1600:
            pixmap = pixmap.scaled(
                1600,
                1600,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        self.canvas.set_image(image, pixmap)
        self.mode_box.blockSignals(True)
        self.mode_box.setCurrentIndex(self.mode_box.findData(image.mode.value))
        self.mode_box.blockSignals(False)
        self._update_texts()

    def set_vision(self, vision: bool | None) -> None:
        """Whether the loaded model can see images (None: not known yet)."""
        self._vision = vision
        self._update_texts()

    # ---- Reactions

    def _on_mode(self) -> None:
        if self._image is None:
            return
        self._image.mode = PanScanMode(self.mode_box.currentData())
        self._changed()

    def _on_zoom(self, box: object) -> None:
        if self._image is None or not isinstance(box, tuple):
            return
        self._image.zoom_box = (int(box[0]), int(box[1]), int(box[2]), int(box[3]))
        self._changed()

    def _on_clear_zoom(self) -> None:
        if self._image is None:
            return
        self._image.zoom_box = None
        self._changed()

    def _changed(self) -> None:
        self.canvas.refresh()
        self._update_texts()
        self.changed.emit()

    # ---- Texts

    def _update_texts(self) -> None:
        image = self._image
        if image is None:
            return
        plan = image.plan
        self.title.setText(f"<b>{image.name}</b> · {image.info.width}\u00d7{image.info.height}")
        crops = len(plan.crop_boxes)
        parts = [self.tr("full view")]
        if crops:
            parts.append(self.tr("%n crop(s)", "", crops))
        if plan.zoom_box is not None:
            parts.append(self.tr("your zoom box"))
        self.tokens.setText(
            self.tr("{tiles} \u00d7 {per} = <b>{tokens} image tokens</b> ({parts})").format(
                tiles=plan.tile_count,
                per=TOKENS_PER_TILE,
                tokens=f"{plan.image_tokens:,}",
                parts=", ".join(parts),
            )
        )
        if image.mode is PanScanMode.AUTO and not crops:
            self.hint.setText(
                self.tr(
                    "This image is close to square, so Pan & Scan sends it whole. "
                    "Drag on it to add a zoomed crop."
                )
            )
        else:
            self.hint.setText(self.tr("Drag on the image to add a high-resolution zoom crop."))
        self.clear_zoom.setEnabled(plan.zoom_box is not None)
        if self._vision is False:
            self.vision_notice.setText(
                self.tr(
                    "The loaded model cannot see images (Gemma 3 270M and 1B are text-only). "
                    "Choose a 4B, 12B or 27B model with its vision projector in Models to ask "
                    "about this image."
                )
            )
            self.vision_notice.show()
        else:
            self.vision_notice.hide()
        self.canvas.setAccessibleDescription(self.tokens.text())

    def _retranslate(self) -> None:
        self.mode_label.setText(self.tr("&Pan && Scan:"))
        self.mode_box.setItemText(0, self.tr("Auto (crops for wide or tall images)"))
        self.mode_box.setItemText(1, self.tr("Off (whole image only)"))
        self.mode_box.setToolTip(
            self.tr("Pan & Scan sends extra crops of elongated images so small details stay sharp")
        )
        self.mode_box.setAccessibleName(self.tr("Pan and Scan mode"))
        self.clear_zoom.setText(self.tr("Remove zoom box"))
        self.clear_zoom.setToolTip(self.tr("Remove the zoom crop you drew"))
        self.clear_zoom.setAccessibleName(self.tr("Remove zoom box"))
        self.close_button.setText("✕")
        self.close_button.setToolTip(self.tr("Close the preview"))
        self.close_button.setAccessibleName(self.tr("Close the preview"))
        self.canvas.setAccessibleName(self.tr("Image with its Pan and Scan crop grid"))
        self.canvas.setToolTip(self.tr("Drag to draw a zoom box"))
        self._update_texts()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)
