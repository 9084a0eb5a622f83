"""Dropping an image: the chip, the crop grid and token cost, the P&S toggle, the zoom box,
the no-vision notice; and, with the tiny projector, a real image question."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from app.composer.attachments import PendingImage
from app.composer.composer import ImageChip
from app.vision.image_preview import ImagePreview
from engine.vision.pan_scan import PanScanMode, crop_boxes
from tests.app.conftest import WindowFactory, drop_files


def test_preview_shows_the_reference_crops_and_tokens(qtbot: QtBot, real_photo: Path) -> None:
    preview = ImagePreview()
    qtbot.addWidget(preview)
    preview.resize(700, 280)
    preview.show()
    image = PendingImage.from_path(real_photo)
    preview.set_image(image)
    expected = crop_boxes(image.info.width, image.info.height)
    assert len(expected) == 2  # 720x477: two crops along the long side
    assert image.plan.crop_boxes == tuple(expected)
    assert "768 image tokens" in preview.tokens.text().replace(",", "")
    # Draw a zoom box: one more 256-token tile.
    with qtbot.waitSignal(preview.changed):
        preview.canvas.draw_zoom(QPointF(200, 100), QPointF(320, 190))
    assert image.zoom_box is not None
    assert "1024 image tokens" in preview.tokens.text().replace(",", "")
    assert preview.clear_zoom.isEnabled()
    # Pan & Scan off: the full view plus the zoom box only.
    preview.mode_box.setCurrentIndex(preview.mode_box.findData(PanScanMode.OFF.value))
    assert image.mode is PanScanMode.OFF
    assert "512 image tokens" in preview.tokens.text().replace(",", "")
    preview.clear_zoom.click()
    assert image.zoom_box is None
    assert "256 image tokens" in preview.tokens.text()
    preview.set_vision(False)
    assert preview.vision_notice.isVisible()
    assert "cannot see images" in preview.vision_notice.text()
    preview.set_vision(True)
    assert not preview.vision_notice.isVisible()
    grab = preview.canvas.grab().toImage()
    assert not grab.isNull()


@pytest.mark.model
def test_drop_an_image_on_the_window_without_vision(
    qtbot: QtBot, make_window: WindowFactory, real_photo: Path
) -> None:
    window = make_window()
    drop_files(window, [real_photo])
    chips = window.composer.findChildren(ImageChip)
    assert len(chips) == 1
    assert not chips[0].thumbnail.pixmap().isNull()
    assert "768 tokens" in chips[0].tokens.text().replace(",", "")
    assert window.composer.preview.isVisible()
    assert window.composer.preview.vision_notice.isVisible()
    window.composer.editor.setPlainText("What board is this?")
    window.send()
    assert window.session.conversation_id is None  # not sent: the model cannot see
    assert "cannot see images" in window.notice.text()
    chips[0].remove_button.click()
    assert window.composer.images == []
    assert not window.composer.preview.isVisible()


@pytest.mark.model
def test_paste_an_image(qtbot: QtBot, make_window: WindowFactory, real_photo: Path) -> None:
    window = make_window()
    window.composer.add_qimage(QImage(str(real_photo)))
    assert len(window.composer.images) == 1
    assert window.composer.images[0].name.startswith("pasted-")


@pytest.mark.model
def test_ask_about_an_image_with_the_tiny_projector(
    qtbot: QtBot,
    make_window: WindowFactory,
    model_path: Path,
    tiny_mmproj_path: Path,
    real_photo: Path,
) -> None:
    window = make_window(max_tokens=4)
    entry = window.context.registry.add(model_path, tiny_mmproj_path, allow_text_only=True)
    window.switch_model(entry)
    qtbot.waitUntil(lambda: window._loaded and window._load_job is None, timeout=90000)
    assert window.model_info is not None and window.model_info.vision
    drop_files(window.composer, [real_photo])
    assert not window.composer.preview.vision_notice.isVisible()
    window.composer.editor.setPlainText("What is this?")
    window.send()  # the image is saved off the GUI thread, then the message goes
    assert window.composer.images and not window.session.busy
    window.send()  # a second Enter meanwhile does not send twice
    qtbot.waitUntil(lambda: window.session.busy, timeout=10000)
    assert window.composer.images == [] and window.composer.text() == ""
    qtbot.waitUntil(lambda: not window.session.busy, timeout=120000)
    question, answer = window.chat_model.rows()
    assert question.message.attachments[0].kind == "image"
    recipe = question.message.attachments[0].recipe
    assert recipe is not None and recipe.mode == "auto" and len(recipe.crops) == 2
    assert recipe.mmproj_sha256 is not None
    assert answer.message.status == "complete", window.notice.text()
    assert answer.message.stats.extra["image_tiles"] == 3
    assert window.status.image_label.isVisibleTo(window)
    assert "image encode" in window.status.image_label.text()
    # A follow-up keeps the image in the prompt (same cache) without encoding it again.
    window.composer.editor.setPlainText("And the chip on the left?")
    window.send()
    qtbot.waitUntil(lambda: not window.session.busy, timeout=120000)
    follow_up = window.chat_model.rows()[-1].message
    assert follow_up.status == "complete", window.notice.text()
    assert follow_up.stats.extra["image_tiles"] == 3
    assert follow_up.stats.extra["images_encoded"] == 0
