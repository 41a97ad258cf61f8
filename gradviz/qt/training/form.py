"""The training settings as widgets: a TrainConfig in, a validated TrainConfig out.

Fields the form does not show (momentum, shuffle, drop_last, the schedule's step size and
gamma) are carried over from the config last set, so a lesson's set-up survives editing the
fields that are shown (toy-train's six losses need its drop_last).
"""

from __future__ import annotations

import os

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDoubleValidator, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from gradviz.core.i18n import QT_TRANSLATE_NOOP, translate
from gradviz.core.training.config import (
    ACTIVATIONS,
    DATASET_PRESETS,
    LOSSES,
    MODELS,
    OPTIMIZERS,
    TrainConfig,
    TrainingError,
    preset_for,
)
from gradviz.core.training.datasets import DATASETS, Dataset, DatasetError, from_csv, get_dataset
from gradviz.core.training.devices import available_devices

__all__ = ["CSV_ITEM", "TrainingForm", "parse_hidden"]

CSV_ITEM = "Your CSV…"  # the item's data; its text is translated
#: A CSV dataset's set-up: the two-ring preset's MLP classifier.
CSV_PRESET = DATASET_PRESETS["circles"]

_DATASET_NAMES = {
    "toy": QT_TRANSLATE_NOOP("training_form", "toy"),
    "xor": QT_TRANSLATE_NOOP("training_form", "xor"),
    "circles": QT_TRANSLATE_NOOP("training_form", "circles"),
    "moons": QT_TRANSLATE_NOOP("training_form", "moons"),
    "spirals": QT_TRANSLATE_NOOP("training_form", "spirals"),
    "blobs": QT_TRANSLATE_NOOP("training_form", "blobs"),
    "linear": QT_TRANSLATE_NOOP("training_form", "linear"),
    "fashion": QT_TRANSLATE_NOOP("training_form", "fashion"),
}
_DATASET_TIPS = {
    "toy": QT_TRANSLATE_NOOP("training_form", "The toy-train lesson's 5 training and 2 test points"),
    "xor": QT_TRANSLATE_NOOP("training_form", "Class 1 where x and y have opposite signs: needs a hidden layer"),
    "circles": QT_TRANSLATE_NOOP("training_form", "Two rings, one inside the other"),
    "moons": QT_TRANSLATE_NOOP("training_form", "Two interleaving half circles"),
    "spirals": QT_TRANSLATE_NOOP("training_form", "Two spiral arms: hard for small networks"),
    "blobs": QT_TRANSLATE_NOOP("training_form", "Three Gaussian blobs, three classes"),
    "linear": QT_TRANSLATE_NOOP("training_form", "y = 0.7·x + 0.3, the linear-regression lesson's line"),
    "fashion": QT_TRANSLATE_NOOP("training_form", "Synthetic stand-in for FashionMNIST: 28×28 images, 10 classes"),
}
_MODEL_NAMES = {"mlp": "MLP", "logistic": QT_TRANSLATE_NOOP("training_form", "one linear layer"),
                "linear-regression": "w·x + b", "fashion": QT_TRANSLATE_NOOP("training_form", "fashion MLP")}
_MODEL_TIPS = {
    "mlp": QT_TRANSLATE_NOOP(
        "training_form", "Linear layers of the widths under Hidden, each followed by the activation"),
    "logistic": QT_TRANSLATE_NOOP("training_form", "A single nn.Linear from the features to the outputs"),
    "linear-regression": QT_TRANSLATE_NOOP(
        "training_form", "LinearRegressionModel: weights * x + bias, two nn.Parameters"),
    "fashion": "Flatten, Linear(784, 512), ReLU, Linear(512, 512), ReLU, Linear(512, 10)",
}
_SCHEDULES = {QT_TRANSLATE_NOOP("training_form", "constant"): None,
              QT_TRANSLATE_NOOP("training_form", "step decay"): "step",
              QT_TRANSLATE_NOOP("training_form", "exponential"): "exponential"}


def parse_hidden(text: str) -> tuple[int, ...]:
    """Hidden layer widths from text such as "16,16" or "30 20"; "" means no hidden layer.

    Raises
    ------
    TrainingError
        For anything but positive whole numbers.
    """
    parts = text.replace(",", " ").split()
    try:
        sizes = tuple(int(p) for p in parts)
    except ValueError:
        raise TrainingError(translate("training_form", "hidden layers must be widths like 16,16, not {text!r}").format(
            text=text)) from None
    if any(s < 1 for s in sizes):
        raise TrainingError(translate("training_form", "hidden layer widths must be positive, not {text!r}").format(
            text=text))
    return sizes


def _float(edit: QLineEdit, what: str) -> float:
    try:
        return float(edit.text().strip())
    except ValueError:
        raise TrainingError(translate("training_form", "{what} must be a number, not {text!r}").format(
            what=what, text=edit.text())) from None


class TrainingForm(QWidget):
    """Dataset, model, loss, optimizer and run length, laid out in two column pairs.

    Attributes
    ----------
    dataset_combo, model_combo, activation_combo, loss_combo, optimizer_combo, schedule_combo,
    device_combo : QComboBox
    hidden_edit, lr_edit, weight_decay_edit : QLineEdit
    batch_spin, epochs_spin, seed_spin : QSpinBox
        Batch size 0 shows "full" (the whole training set per batch); seed -1 shows "random".

    Signals
    -------
    changed()
        Any setting changed.
    dataset_changed(object)
        A new dataset was chosen: the Dataset, or None when it cannot be made.
    lr_edited(float)
        The learning rate was edited to a valid number (also while a run is going).
    error(str)
        A problem to tell the user (a CSV that cannot be read, say).
    """

    changed = Signal()
    dataset_changed = Signal(object)
    lr_edited = Signal(float)
    error = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._base = TrainConfig()
        self._csv_paths: list[str] = []
        self._previous_dataset = 0

        self.dataset_combo = self._combo(translate("training_form", "Dataset: the points or images to learn from"))
        for name in DATASETS:
            self.dataset_combo.addItem(translate("training_form", _DATASET_NAMES.get(name, name)), name)
            self.dataset_combo.setItemData(self.dataset_combo.count() - 1,
                                           translate("training_form", _DATASET_TIPS.get(name, name)),
                                           Qt.ItemDataRole.ToolTipRole)
        self.dataset_combo.addItem(translate("training_form", "Your CSV…"), CSV_ITEM)
        self.dataset_combo.setItemData(self.dataset_combo.count() - 1,
                                       translate("training_form",
                                                 "Numeric feature columns and an integer class column (the last)"),
                                       Qt.ItemDataRole.ToolTipRole)
        self.model_combo = self._combo(translate("training_form", "The network to train"))
        for name in MODELS:
            self.model_combo.addItem(translate("training_form", _MODEL_NAMES.get(name, name)), name)
            self.model_combo.setItemData(self.model_combo.count() - 1,
                                         translate("training_form", _MODEL_TIPS.get(name, name)),
                                         Qt.ItemDataRole.ToolTipRole)
        self.hidden_edit = QLineEdit()
        self.hidden_edit.setToolTip(translate("training_form",
                                              "Widths of the MLP's hidden layers, e.g. 16,16 (empty: none)"))
        self.activation_combo = self._combo(translate("training_form", "Non-linearity after each hidden layer"),
                                            ACTIVATIONS)
        self.loss_combo = self._combo(translate("training_form", "cross_entropy for classes, mse / l1 for numbers; "
                                                                 "bce needs probabilities, bce_logits raw scores"),
                                      LOSSES)
        self.optimizer_combo = self._combo(translate("training_form", "How the gradients update the weights"),
                                           OPTIMIZERS)
        self.lr_edit = QLineEdit()
        validator = QDoubleValidator(0.0, 1e12, 12, self.lr_edit)
        validator.setNotation(QDoubleValidator.Notation.ScientificNotation)
        self.lr_edit.setValidator(validator)
        self.lr_edit.setToolTip(translate("training_form", "Learning rate; can be changed while training (takes "
                                                           "effect from the next batch)"))
        self.batch_spin = QSpinBox()
        self.batch_spin.setRange(0, 1_000_000)
        self.batch_spin.setSpecialValueText(translate("training_form", "full"))
        self.batch_spin.setToolTip(translate("training_form", "Samples per batch (one optimizer step each); 'full' = "
                                                              "the whole training set"))
        self.epochs_spin = QSpinBox()
        self.epochs_spin.setRange(1, 1_000_000)
        self.epochs_spin.setToolTip(translate("training_form", "Passes over the training set"))
        self.weight_decay_edit = QLineEdit()
        self.weight_decay_edit.setValidator(QDoubleValidator(0.0, 1e6, 12, self.weight_decay_edit))
        self.weight_decay_edit.setToolTip(translate("training_form",
                                                    "L2 penalty on the weights, added by the optimizer (0: none)"))
        self.schedule_combo = self._combo(translate("training_form",
                                                    "How the learning rate changes from epoch to epoch"))
        for text, value in _SCHEDULES.items():
            self.schedule_combo.addItem(translate("training_form", text), value)
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(-1, 2**31 - 1)
        self.seed_spin.setSpecialValueText(translate("training_form", "random"))
        self.seed_spin.setToolTip(translate("training_form", "Seeds the initial weights and the shuffling: the same "
                                                             "seed gives the same run"))
        self.device_combo = self._combo(translate("training_form", "Where the tensors live"))
        self._fill_devices()

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(4)
        fields = [(translate("training_form", "&Dataset"), self.dataset_combo),
                  (translate("training_form", "&Model"), self.model_combo),
                  (translate("training_form", "&Hidden"), self.hidden_edit),
                  (translate("training_form", "Acti&vation"), self.activation_combo),
                  (translate("training_form", "L&oss"), self.loss_combo),
                  (translate("training_form", "O&ptimizer"), self.optimizer_combo),
                  (translate("training_form", "Learning &rate"), self.lr_edit),
                  (translate("training_form", "&Batch size"), self.batch_spin),
                  (translate("training_form", "&Epochs"), self.epochs_spin),
                  (translate("training_form", "&Weight decay"), self.weight_decay_edit),
                  (translate("training_form", "Sc&hedule"), self.schedule_combo),
                  (translate("training_form", "Seed"), self.seed_spin),
                  (translate("training_form", "De&vice"), self.device_combo)]
        for i, (text, widget) in enumerate(fields):
            label = QLabel(text)
            label.setBuddy(widget)
            row, col = divmod(i, 2)
            grid.addWidget(label, row, 2 * col)
            grid.addWidget(widget, row, 2 * col + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)

        self.set_config(self._base)
        self.dataset_combo.activated.connect(self._on_dataset_activated)
        self.model_combo.currentIndexChanged.connect(self._on_model_changed)
        for combo in (self.activation_combo, self.loss_combo, self.optimizer_combo, self.schedule_combo,
                      self.device_combo):
            combo.currentIndexChanged.connect(self.changed)
        for edit in (self.hidden_edit, self.lr_edit, self.weight_decay_edit):
            edit.textEdited.connect(self.changed)
        for spin in (self.batch_spin, self.epochs_spin, self.seed_spin):
            spin.valueChanged.connect(self.changed)
        self.lr_edit.editingFinished.connect(self._on_lr_changed)

    def _combo(self, tip: str, items=()) -> QComboBox:
        combo = QComboBox()
        combo.setToolTip(tip)
        # Sized for short items: the settings column must leave the plots most of the width.
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(9)
        for item in items:
            combo.addItem(str(item), item)
        return combo

    def _fill_devices(self) -> None:
        combo = self.device_combo
        combo.addItem(translate("training_form", "auto"), "auto")
        combo.setItemData(0, translate("training_form", "The fastest device this machine has"),
                          Qt.ItemDataRole.ToolTipRole)
        model = combo.model()
        for name, reason in available_devices().items():
            combo.addItem(name, name)
            i = combo.count() - 1
            if reason is not None:
                # Disabled, not hidden: the student sees that GPUs exist and why this one is out.
                item = model.item(i) if isinstance(model, QStandardItemModel) else None
                if item is not None:
                    item.setEnabled(False)
                combo.setItemData(i, translate("training_form", "Not available: {reason}").format(reason=reason),
                                  Qt.ItemDataRole.ToolTipRole)
            else:
                combo.setItemData(i, translate("training_form", "Train on the {upper}").format(upper=name.upper()),
                                  Qt.ItemDataRole.ToolTipRole)

    # -- config in and out ----------------------------------------------------------------
    def set_config(self, config: TrainConfig) -> None:
        """Show ``config`` in the widgets (signals are not emitted for each field)."""
        self._base = config
        widgets = [self.dataset_combo, self.model_combo, self.hidden_edit, self.activation_combo, self.loss_combo,
                   self.optimizer_combo, self.lr_edit, self.batch_spin, self.epochs_spin, self.weight_decay_edit,
                   self.schedule_combo, self.seed_spin, self.device_combo]
        for w in widgets:
            w.blockSignals(True)
        try:
            if isinstance(config.dataset, str):
                self._select_dataset(config.dataset)
            if isinstance(config.model, str):
                self.model_combo.setCurrentIndex(max(self.model_combo.findData(config.model), 0))
            self.hidden_edit.setText(",".join(str(h) for h in config.hidden))
            self.activation_combo.setCurrentIndex(max(self.activation_combo.findData(config.activation), 0))
            self.loss_combo.setCurrentIndex(max(self.loss_combo.findData(config.loss), 0))
            self.optimizer_combo.setCurrentIndex(max(self.optimizer_combo.findData(config.optimizer), 0))
            self.lr_edit.setText(f"{config.lr:g}")
            self.batch_spin.setValue(config.batch_size or 0)
            self.epochs_spin.setValue(config.epochs)
            self.weight_decay_edit.setText(f"{config.weight_decay:g}")
            self.schedule_combo.setCurrentIndex(max(self.schedule_combo.findData(config.schedule), 0))
            self.seed_spin.setValue(-1 if config.seed is None else config.seed)
            self.device_combo.setCurrentIndex(max(self.device_combo.findData(str(config.device).split(":")[0]), 0))
        finally:
            for w in widgets:
                w.blockSignals(False)
        self._previous_dataset = self.dataset_combo.currentIndex()
        self._update_model_fields()
        self.changed.emit()
        self.dataset_changed.emit(self.current_dataset())

    def config(self) -> TrainConfig:
        """The settings shown, as a validated TrainConfig.

        Raises
        ------
        TrainingError
            For a field that does not make a valid config (the message names it).
        """
        lr = _float(self.lr_edit, translate("training_form", "the learning rate"))
        decay = 0.0
        if self.weight_decay_edit.text().strip():
            decay = _float(self.weight_decay_edit, translate("training_form", "the weight decay"))
        seed = self.seed_spin.value()
        return self._base.replace(
            dataset=self.dataset_combo.currentData(), model=self.model_combo.currentData(),
            hidden=parse_hidden(self.hidden_edit.text()), activation=self.activation_combo.currentData(),
            loss=self.loss_combo.currentData(), optimizer=self.optimizer_combo.currentData(), lr=lr,
            batch_size=self.batch_spin.value() or None, epochs=self.epochs_spin.value(), weight_decay=decay,
            schedule=self.schedule_combo.currentData(), seed=None if seed < 0 else seed,
            device=self.device_combo.currentData())

    def current_dataset(self) -> Dataset | None:
        """The chosen dataset, made now; None (and ``error`` emitted) when it cannot be."""
        try:
            return get_dataset(self.dataset_combo.currentData())
        except DatasetError as exc:
            self.error.emit(str(exc))
            return None

    def set_running(self, running: bool) -> None:
        """While a run goes, only the learning rate can change."""
        for w in self.findChildren(QWidget):
            if w is not self.lr_edit and not isinstance(w, QLabel):
                w.setEnabled(not running)
        if not running:
            self._update_model_fields()

    # -- handlers -------------------------------------------------------------------------
    def _select_dataset(self, name: str) -> None:
        i = self.dataset_combo.findData(name)
        if i < 0 and name.lower().endswith(".csv"):
            i = self._add_csv(name)
        self.dataset_combo.setCurrentIndex(max(i, 0))

    def _add_csv(self, path: str) -> int:
        i = self.dataset_combo.count() - 1  # just before "Your CSV…"
        self.dataset_combo.insertItem(i, os.path.basename(path), path)
        self.dataset_combo.setItemData(i, path, Qt.ItemDataRole.ToolTipRole)
        return i

    def _on_dataset_activated(self, index: int) -> None:
        if self.dataset_combo.itemData(index) == CSV_ITEM:
            path, _filter = QFileDialog.getOpenFileName(self, translate("training_form", "Open a CSV dataset"), "",
                                                        translate("training_form", "CSV files (*.csv);;All files (*)"))
            if not path or not self.use_csv(path):
                self.dataset_combo.setCurrentIndex(self._previous_dataset)
            return
        if index != self._previous_dataset:
            self._previous_dataset = index
            # A dataset comes with what learns it: a model, loss and learning rate that fit
            # (w·x + b with an L1 loss would fail on circles; a full-batch MLP at lr 0.01 stalls).
            preset = preset_for(self.dataset_combo.itemData(index), keep=self._seed_and_device())
            if preset is not None:
                self.set_config(preset)
                return
            self.changed.emit()
            self.dataset_changed.emit(self.current_dataset())

    def _seed_and_device(self) -> TrainConfig:
        """The base config with the seed and device as shown (what a preset keeps)."""
        seed = self.seed_spin.value()
        return self._base.replace(seed=None if seed < 0 else seed, device=self.device_combo.currentData())

    def use_csv(self, path: str) -> bool:
        """Read ``path`` as a dataset and select it; False (and ``error`` emitted) if it cannot be read."""
        name = os.path.basename(path)
        if not path.lower().endswith(".csv"):
            self.error.emit(translate("training_form", "Cannot use {name} as a dataset: gradviz reads datasets from "
                                      ".csv files").format(name=name))
            return False
        try:
            from_csv(path)  # read now: a bad file is said at once
        except DatasetError as exc:
            self.error.emit(translate("training_form", "Cannot use {name} as a dataset: {reason}").format(name=name,
                                                                                                        reason=exc))
            return False
        i = self.dataset_combo.findData(path)
        if i < 0:
            i = self._add_csv(path)
        # A CSV holds classes: an MLP classifier, whatever model was chosen for the last dataset.
        self.set_config(CSV_PRESET.replace(dataset=path, seed=self._seed_and_device().seed,
                                           device=self._seed_and_device().device))
        self._previous_dataset = i
        return True

    def _on_model_changed(self, _index: int) -> None:
        self._update_model_fields()
        self.changed.emit()

    def _update_model_fields(self) -> None:
        mlp = self.model_combo.currentData() == "mlp"
        self.hidden_edit.setEnabled(mlp and self.model_combo.isEnabled())
        self.activation_combo.setEnabled(mlp and self.model_combo.isEnabled())

    def _on_lr_changed(self) -> None:
        try:
            lr = _float(self.lr_edit, translate("training_form", "the learning rate"))
        except TrainingError:
            return
        if lr > 0:
            self.lr_edited.emit(lr)
