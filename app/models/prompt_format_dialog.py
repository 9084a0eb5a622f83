"""Choose the prompt format of a model whose file carries no usable chat template."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from engine.chat.template import KNOWN_FORMATS

# What each format looks like, so the user can match it to the model card.
_EXAMPLES = {
    "chatml": "<|im_start|>user … <|im_end|>  (Qwen, SmolLM, many fine-tunes)",
    "llama3": "<|start_header_id|>user<|end_header_id|> … <|eot_id|>  (Llama 3)",
    "gemma": "<start_of_turn>user … <end_of_turn>  (Gemma)",
    "mistral": "[INST] … [/INST]  (Mistral, Mixtral)",
    "plain": "User: … / Assistant: …  (base models)",
}


class PromptFormatDialog(QDialog):
    """A short list of the known formats; ``format_chosen`` carries the chosen key."""

    format_chosen = Signal(str)

    def __init__(self, model_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("promptFormatDialog")
        self.setWindowTitle(self.tr("Prompt format"))
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "{model} does not say how its conversations are laid out. Choose the format it "
                "was trained with (its model card says which); Hearth remembers the choice."
            ).format(model=model_name)
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.buttons = QButtonGroup(self)
        self.options: dict[str, QRadioButton] = {}
        for key, (label, _template) in KNOWN_FORMATS.items():
            option = QRadioButton(f"{label} — {_EXAMPLES.get(key, '')}")
            option.setObjectName(f"format_{key}")
            option.setAccessibleName(label)
            self.buttons.addButton(option)
            self.options[key] = option
            layout.addWidget(option)
        self.options["chatml"].setChecked(True)
        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        layout.addWidget(box)
        self.setMinimumWidth(520)

    def accept(self) -> None:
        for key, option in self.options.items():
            if option.isChecked():
                super().accept()
                self.format_chosen.emit(key)
                return
        super().accept()
