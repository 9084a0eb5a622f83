"""F1: every keyboard shortcut, read from the window's own actions (so the list is never stale),
plus the shortcuts that live inside widgets."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


def widget_shortcuts() -> list[tuple[str, str]]:
    return [
        (QCoreApplication.translate("ShortcutsDialog", "Send the message"), "Enter"),
        (QCoreApplication.translate("ShortcutsDialog", "New line in the message"), "Shift+Enter"),
        (QCoreApplication.translate("ShortcutsDialog", "Copy the selected message"), "Ctrl+C"),
        (
            QCoreApplication.translate(
                "ShortcutsDialog", "Previous / next version of the selected message"
            ),
            "Alt+Left / Alt+Right",
        ),
        (QCoreApplication.translate("ShortcutsDialog", "Rename the selected conversation"), "F2"),
        (
            QCoreApplication.translate("ShortcutsDialog", "Delete the selected conversation"),
            "Delete",
        ),
        (QCoreApplication.translate("ShortcutsDialog", "Paste an image or file"), "Ctrl+V"),
        (QCoreApplication.translate("ShortcutsDialog", "Move between areas"), "Tab / Shift+Tab"),
    ]


class ShortcutsDialog(QDialog):
    def __init__(self, actions: list[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        rows: list[tuple[str, str]] = []
        for action in actions:
            keys = " / ".join(
                s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts()
            )
            if keys:
                rows.append((action.text().replace("&", ""), keys))
        rows += widget_shortcuts()
        self.table = QTableWidget(len(rows), 2, self)
        self.table.setObjectName("shortcutsTable")
        self.table.setAccessibleName(self.tr("Keyboard shortcuts"))
        self.table.setHorizontalHeaderLabels([self.tr("Action"), self.tr("Keys")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents
        )
        for row, (name, keys) in enumerate(rows):
            self.table.setItem(row, 0, QTableWidgetItem(name))
            key_item = QTableWidgetItem(keys)
            key_item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            self.table.setItem(row, 1, key_item)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(520, 520)

    def shortcut_rows(self) -> list[tuple[str, str]]:
        rows = []
        for row in range(self.table.rowCount()):
            name, keys = self.table.item(row, 0), self.table.item(row, 1)
            if name is not None and keys is not None:
                rows.append((name.text(), keys.text()))
        return rows
