"""The status bar: the model, loading progress, speed, time to first token, image encode time
and a context meter that warns before the context overflows."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QWidget

from engine.worker import protocol as p

WARN_SHARE = 0.8
DANGER_SHARE = 0.95


class ContextMeter(QProgressBar):
    """How much of the context the conversation uses (after the last answer)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("contextMeter")
        self.setMaximumWidth(200)
        self.setMinimumWidth(140)
        self.setRange(0, 1)
        self.setValue(0)
        self.used = 0
        self.capacity = 0
        self._retranslate()

    def set_usage(self, used: int, size: int) -> None:
        self.used, self.capacity = used, size
        self.setRange(0, max(1, size))
        self.setValue(min(used, max(1, size)))
        share = used / size if size else 0.0
        if share >= DANGER_SHARE:
            colour = "#d64545"
        elif share >= WARN_SHARE:
            colour = "#e08a00"
        else:
            colour = ""
        self.setStyleSheet(f"QProgressBar::chunk {{ background: {colour}; }}" if colour else "")
        self._retranslate()

    @property
    def share(self) -> float:
        return self.used / self.capacity if self.capacity else 0.0

    def _retranslate(self) -> None:
        self.setFormat(self.tr("context %p%"))
        self.setAccessibleName(self.tr("Context used"))
        tip = self.tr(
            "{used} of {size} tokens of the model's context are used by this conversation. "
            "Hearth never drops old messages silently: it warns you before the context is full."
        ).format(used=f"{self.used:,}", size=f"{self.capacity:,}")
        self.setToolTip(tip)
        self.setAccessibleDescription(tip)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)


class StatusPanel:
    """Owns the widgets it adds to the window's status bar."""

    def __init__(self, status: QStatusBar) -> None:
        self.model_label = QLabel(status)
        self.model_label.setObjectName("modelLabel")
        self.loading = QProgressBar(status)
        self.loading.setObjectName("modelLoading")
        self.loading.setRange(0, 0)
        self.loading.setMaximumWidth(120)
        self.loading.setMaximumHeight(14)
        self.loading.setTextVisible(False)
        self.loading.hide()
        self.speed_label = QLabel(status)
        self.speed_label.setObjectName("speedLabel")
        self.ttft_label = QLabel(status)
        self.ttft_label.setObjectName("ttftLabel")
        self.image_label = QLabel(status)
        self.image_label.setObjectName("imageEncodeLabel")
        self.image_label.hide()
        self.context_meter = ContextMeter(status)
        status.addWidget(self.model_label, 1)
        status.addWidget(self.loading)
        status.addPermanentWidget(self.image_label)
        status.addPermanentWidget(self.speed_label)
        status.addPermanentWidget(self.ttft_label)
        status.addPermanentWidget(self.context_meter)
        self.stats: p.GenerationStats | None = None
        self.image_encode_s: float | None = None
        self.retranslate()

    def set_loading(self, loading: bool) -> None:
        self.loading.setVisible(loading)

    def show_stats(self, stats: p.GenerationStats) -> None:
        self.stats = stats
        self.context_meter.set_usage(stats.context_used, stats.context_size)
        self.retranslate()

    def show_image_encode(self, seconds: float | None) -> None:
        self.image_encode_s = seconds
        self.retranslate()

    def retranslate(self) -> None:
        stats = self.stats
        if stats is None:
            self.speed_label.setText("")
            self.ttft_label.setText("")
        else:
            self.speed_label.setText(
                QCoreApplication.translate("StatusPanel", "{tps:.1f} tokens/s").format(
                    tps=stats.tokens_per_s
                )
            )
            self.ttft_label.setText(
                QCoreApplication.translate("StatusPanel", "first token {ttft:.2f} s").format(
                    ttft=stats.ttft_s
                )
            )
        self.speed_label.setToolTip(
            QCoreApplication.translate("StatusPanel", "Generation speed of the last answer")
        )
        self.ttft_label.setToolTip(
            QCoreApplication.translate(
                "StatusPanel",
                "Time from sending to the first word of the last answer (reading the prompt)",
            )
        )
        self.speed_label.setAccessibleName(
            QCoreApplication.translate("StatusPanel", "Generation speed")
        )
        self.ttft_label.setAccessibleName(
            QCoreApplication.translate("StatusPanel", "Time to first token")
        )
        if self.image_encode_s is not None:
            self.image_label.setText(
                QCoreApplication.translate("StatusPanel", "image encode {s:.2f} s").format(
                    s=self.image_encode_s
                )
            )
            self.image_label.show()
        else:
            self.image_label.hide()
        self.image_label.setToolTip(
            QCoreApplication.translate(
                "StatusPanel", "Time the vision encoder took for the last image"
            )
        )
        self.image_label.setAccessibleName(
            QCoreApplication.translate("StatusPanel", "Image encode time")
        )
        self.loading.setToolTip(QCoreApplication.translate("StatusPanel", "Loading the model…"))
        self.loading.setAccessibleName(
            QCoreApplication.translate("StatusPanel", "Loading the model")
        )
        self.model_label.setAccessibleName(QCoreApplication.translate("StatusPanel", "Model"))
