"""Rows of a desk table as CSV (a file) or tab-separated text (the clipboard).

Both write what the table shows: its rows in display order (after sort and filter) and its
visible columns in their on-screen order, with each cell's `export_text`: quantities and
prices as exact Decimal strings (never the rounded or thousands-separated display), times
as ISO-8601 in UTC, and other cells as displayed. CSV is written with the `csv` module.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDir, QObject, QStandardPaths, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QTableView, QWidget

from gui.qt.tables import Column

__all__ = [
    "CSV_ENCODING",
    "CsvExporter",
    "export_text",
    "open_export_dialog",
    "tsv_text",
    "visible_columns",
    "write_csv",
]

CSV_ENCODING = "utf-8-sig"
"""UTF-8 with a byte-order mark: what spreadsheet programs need to read non-ASCII notes."""


def export_text(column: Column[Any], record: Any) -> str:
    """One cell as exported: the column's own `export`, else by its typed sort key.

    Args:
        column: The column spec.
        record: The row's record.

    Returns:
        `column.export(record)` if the column has one; else a Decimal key as its exact
        plain string (`"0.10000000"`, `"100000"` for `1E+5`, never an exponent), a
        datetime key as ISO-8601 UTC (`"2025-03-14T09:30:01.250000+00:00"`), and
        otherwise the display text (`"Buy"`, `"partially filled"`); `""` for no value.
    """
    if column.export is not None:
        return column.export(record)
    key = column.sort_key(record)
    if key is None:
        return ""
    if isinstance(key, Decimal):
        return f"{key:f}"
    if isinstance(key, datetime):
        return key.astimezone(UTC).isoformat()
    return column.text(record)


def visible_columns(table: QTableView) -> list[int]:
    """The model columns `table` shows, in on-screen (visual) order, hidden ones left out."""
    header = table.horizontalHeader()
    columns = (header.logicalIndex(visual) for visual in range(header.count()))
    return [column for column in columns if not header.isSectionHidden(column)]


def _rows(columns: Sequence[Column[Any]], records: Iterable[Any]) -> Iterator[list[str]]:
    yield [column.title for column in columns]
    for record in records:
        yield [export_text(column, record) for column in columns]


def write_csv(path: Path, columns: Sequence[Column[Any]], records: Iterable[Any]) -> int:
    """Write a header line of column titles, then one line per record, to `path`.

    Args:
        path: The file to create or overwrite.
        columns: The columns to write, in order.
        records: The rows' records, in order.

    Returns:
        The number of records written (the header line not counted).

    Raises:
        OSError: The file could not be written.
    """
    lines = _rows(columns, records)
    with path.open("w", encoding=CSV_ENCODING, newline="") as file:
        writer = csv.writer(file)
        writer.writerow(next(lines))
        count = 0
        for row in lines:
            writer.writerow(row)
            count += 1
    return count


def tsv_text(columns: Sequence[Column[Any]], records: Iterable[Any]) -> str:
    """A header line and one line per record, tab-separated, for pasting into a spreadsheet.

    Tabs and line breaks inside a cell (free-text notes) become spaces, so every record
    stays on one line. Values as in `export_text`.

    Returns:
        The text, each line ending with `"\\n"`.
    """
    clean = str.maketrans({"\t": " ", "\n": " ", "\r": " "})
    return "".join(
        "\t".join(cell.translate(clean) for cell in row) + "\n" for row in _rows(columns, records)
    )


def open_export_dialog(
    parent: QWidget,
    title: str,
    file_name: str,
    export: Callable[[Path], None],
    directory: str | None = None,
) -> QFileDialog:
    """Open a non-modal "save as CSV" dialog; `export(path)` runs once a file is chosen.

    The dialog is opened with `open()`, never `exec()`, so the qasync event loop (polls,
    fills) keeps running while the trader picks a file; it deletes itself when closed.

    Args:
        parent: The dialog's parent (it is window-modal to the parent's window).
        title: The window title, e.g. `"Export blotter"`.
        file_name: The suggested file name, e.g. `"blotter-20250314-093000.csv"`.
        export: Called with the chosen path (".csv" added when the name has no suffix).
        directory: Where the dialog starts; the user's documents folder if None.

    Returns:
        The open dialog.
    """
    if directory is None:
        directory = (
            QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
            or QDir.homePath()
        )
    dialog = QFileDialog(parent, title, str(Path(directory) / file_name))
    dialog.setObjectName("export.dialog")
    dialog.setNameFilters(["CSV files (*.csv)", "All files (*)"])
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setDefaultSuffix("csv")
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.fileSelected.connect(lambda chosen: export(Path(chosen)))
    dialog.open()
    return dialog


class CsvExporter(QObject):
    """Writes a snapshot of a table's rows to a CSV file on a worker thread.

    Formatting 100,000 rows takes about a second of Python: on the GUI thread that would
    stall the desk (polls, fills, repaints). The caller snapshots the rows (immutable
    records, in display order) and the visible columns on the GUI thread, which is quick;
    a one-thread pool owned by the exporter writes them (column specs are pure functions of
    the record, no Qt). When the exporter is destroyed its pool waits for a running write.
    A failure is also shown to the trader in a non-modal message box.

    Signals:
        exported(Path, int): The file and the number of rows written (on the GUI thread).
        failed(Path, str): The file that could not be written, and why.

    Args:
        parent: The view exporting; the message box's parent.
        title: The message box's title, e.g. `"Export blotter"`.
    """

    exported = Signal(object, int)
    failed = Signal(object, str)

    def __init__(self, parent: QWidget, title: str) -> None:
        super().__init__(parent)
        self._window = parent
        self._title = title
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self.failed.connect(self._tell)

    def start(self, path: Path, columns: Sequence[Column[Any]], records: list[Any]) -> None:
        """Write `records` (a snapshot, in order) under `columns` to `path`, in the background.

        Emits `exported` or `failed` when done. Exports run one at a time, in order.
        """
        self._pool.start(lambda: self._write(path, tuple(columns), records))

    def wait(self, timeout_ms: int = -1) -> bool:
        """Block until no export is running (for shutdown and tests); False on timeout."""
        return self._pool.waitForDone(timeout_ms)

    def _write(self, path: Path, columns: Sequence[Column[Any]], records: list[Any]) -> None:
        # On the worker thread: the signals reach the GUI thread queued.
        try:
            rows = write_csv(path, columns, records)
        except OSError as error:
            self.failed.emit(path, error.strerror or str(error))
        else:
            self.exported.emit(path, rows)

    def _tell(self, path: Path, reason: str) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self._title,
            f"Could not write {path}:\n{reason}",
            QMessageBox.StandardButton.Ok,
            self._window,
        )
        box.setObjectName("export.error")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
