"""Reading a classification table from CSV, with errors that point at the offending line."""

from __future__ import annotations

import csv
import math
from pathlib import Path

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
                raise DatasetError(f"line {line}: missing label (column {col + 1})")
            value = _number(field)
            if value is None or not math.isfinite(value) or value != int(value):
                raise DatasetError(f"line {line}: label {field!r} is not an integer class number")
            if value < 0:
                raise DatasetError(f"line {line}: label {field!r} is negative; classes are numbered from 0")
            label = int(value)
            continue
        if field == "":
            raise DatasetError(f"line {line}, column {col + 1}: empty value")
        value = _number(field)
        if value is None:
            raise DatasetError(f"line {line}, column {col + 1}: {field!r} is not a number")
        if not math.isfinite(value):
            raise DatasetError(f"line {line}, column {col + 1}: {field!r} is not a finite number")
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
        raise DatasetError(f"{p}: no such file") from None
    except UnicodeDecodeError:
        raise DatasetError(f"{p}: not a text CSV file (it is not UTF-8)") from None
    except OSError as exc:
        raise DatasetError(f"{p}: cannot read the file ({exc.strerror or exc})") from None
    if not text.strip():
        raise DatasetError(f"{p}: the file is empty")

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
                    raise DatasetError(f"line {line}: need at least one feature column and a label column, "
                                       f"found {width} column")
                if not -width <= label_column < width:
                    raise DatasetError(f"label column {label_column} does not exist: the file has {width} columns")
                label_at = label_column % width
            elif len(row) != width:
                raise DatasetError(f"line {line}: expected {width} columns, found {len(row)}")
            if first:
                first = False
                if has_header or (has_header is None and _is_header(row)):
                    continue
            x, y = _parse_row(row, line, label_at)
            features.append(x)
            labels.append(y)
    except csv.Error as exc:
        raise DatasetError(f"line {reader.line_num}: {exc}") from None
    if len(features) < 2:
        raise DatasetError(f"{p}: need at least 2 data rows, found {len(features)}")
    return features, labels, p.stem
