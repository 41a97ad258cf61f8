"""Reading a classification table from CSV, with errors that point at the offending line."""

from __future__ import annotations

import csv
import math
from pathlib import Path

from gradviz.core.i18n import translate
from gradviz.core.program.errors import located

__all__ = ["DatasetError", "read_csv_rows"]


class DatasetError(ValueError):
    """A dataset could not be made or read; the message is meant for the user as it is."""


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _is_header(row: list[str]) -> bool:
    # Only an all-text first row counts as a header: a data row with one typo must be reported,
    # not silently skipped as a "header".
    return all(_number(field) is None for field in row)


def _parse_row(row: list[str], line: int, label_at: int) -> tuple[list[float], int]:
    features: list[float] = []
    label = None
    for col, field in enumerate(row):
        if col == label_at:
            if field == "":
                raise DatasetError(located(translate("training", "missing label (column {col})").format(
                    col=col + 1), line))
            value = _number(field)
            if value is None or not math.isfinite(value) or value != int(value):
                raise DatasetError(located(translate("training", "label {field!r} is not an integer class "
                                                                 "number").format(field=field), line))
            if value < 0:
                raise DatasetError(located(translate("training", "label {field!r} is negative; classes are "
                                                                 "numbered from 0").format(field=field), line))
            label = int(value)
            continue
        if field == "":
            raise DatasetError(located(translate("training", "empty value"), line, col + 1))
        value = _number(field)
        if value is None:
            raise DatasetError(located(translate("training", "{field!r} is not a number").format(field=field),
                                       line, col + 1))
        if not math.isfinite(value):
            raise DatasetError(located(translate("training", "{field!r} is not a finite number").format(
                field=field), line, col + 1))
        features.append(value)
    assert label is not None
    return features, label


def read_csv_rows(path, label_column: int = -1,
                  has_header: bool | None = None) -> tuple[list[list[float]], list[int], str]:
    """Read and validate a CSV of numeric features and one integer label column.

    Parameters
    ----------
    path : str or path-like
    label_column : int
        Index of the label column; negative counts from the end.
    has_header : bool or None
        Whether the first non-blank row is a header; None guesses (a row with no number in it).

    Returns
    -------
    features : list of list of float
    labels : list of int
    name : str
        The file's stem, to name the dataset.

    Raises
    ------
    DatasetError
        Missing, unreadable or empty file, fewer than two data rows, or a bad row; row errors
        name the line number (1-based, counting the header and blank lines).
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")  # -sig: spreadsheets often prepend a BOM
    except FileNotFoundError:
        raise DatasetError(located(translate("training", "no such file"), None, file=str(p))) from None
    except UnicodeDecodeError:
        raise DatasetError(located(translate("training", "not a text CSV file (it is not UTF-8)"), None,
                                   file=str(p))) from None
    except OSError as exc:
        raise DatasetError(located(translate("training", "cannot read the file ({error})").format(
            error=exc.strerror or exc), None, file=str(p))) from None
    if not text.strip():
        raise DatasetError(located(translate("training", "the file is empty"), None, file=str(p)))

    reader = csv.reader(text.splitlines())
    features: list[list[float]] = []
    labels: list[int] = []
    width = None
    label_at = None
    first = True
    try:
        for row in reader:
            line = reader.line_num
            row = [field.strip() for field in row]
            if not any(row):
                continue  # blank lines are common at the end of hand-written files
            if width is None:
                width = len(row)
                if width < 2:
                    raise DatasetError(located(translate("training", "need at least one feature column and a label "
                                                                     "column, found {n} column").format(n=width), line))
                if not -width <= label_column < width:
                    raise DatasetError(translate("training", "label column {col} does not exist: the file has {n} "
                                                             "columns").format(col=label_column, n=width))
                label_at = label_column % width
            elif len(row) != width:
                raise DatasetError(located(translate("training", "expected {n} columns, found {found}").format(
                    n=width, found=len(row)), line))
            if first:
                first = False
                if has_header or (has_header is None and _is_header(row)):
                    continue
            x, y = _parse_row(row, line, label_at)
            features.append(x)
            labels.append(y)
    except csv.Error as exc:
        raise DatasetError(located(str(exc), reader.line_num)) from None
    if len(features) < 2:
        raise DatasetError(located(translate("training", "need at least 2 data rows, found {n}").format(
            n=len(features)), None, file=str(p)))
    return features, labels, p.stem
