"""Building blocks shared by the ticket's parts: a captioned grid section and a number edit.

The ticket is a column of sections (venue and account, routing, size and strategy,
schedule, options, notes); each is a `TicketSection` whose caption column is lined up with
the others' (`caption_width`/`set_caption_width`), and whose rows can be shown or hidden
as a whole (caption, field and the field's message lines) when the venue changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QWidget

from gui.qt import theme

__all__ = ["AddErrorLabel", "TicketSection", "number_edit"]

AddErrorLabel = Callable[[str], QLabel]
"""Makes (and registers with the ticket) the message line of a ticket field name."""


def number_edit(object_name: str, placeholder: str) -> QLineEdit:
    """A right-aligned line edit with tabular digits, for a typed number.

    Args:
        object_name: Stable automation name, e.g. `"ticket.quantity"`.
        placeholder: Grey hint shown while empty (a unit or "optional").
    """
    edit = QLineEdit()
    edit.setObjectName(object_name)
    edit.setPlaceholderText(placeholder)
    edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    edit.setFont(theme.number_font(edit.font()))
    return edit


class TicketSection(QWidget):
    """A two-column grid of captioned rows; each row may carry message lines under its field.

    Args:
        add_error_label: Makes the message line of a ticket field name.
        parent: Qt parent.
    """

    def __init__(self, add_error_label: AddErrorLabel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._add_error_label = add_error_label
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(8)
        self._grid.setVerticalSpacing(3)
        self._grid.setColumnStretch(1, 1)
        self._next_row = 0
        self._rows: dict[str, list[QWidget]] = {}
        self._captions: list[QLabel] = []

    def add_row(
        self,
        key: str,
        caption: str | QLabel | None,
        field: QWidget,
        error_names: Sequence[str] = (),
    ) -> None:
        """Append a row: caption, field, then one message line per ticket field name.

        Args:
            key: Identifier for `show_row`.
            caption: Text or label left of the field; None for a caption-less row (which
                takes no height while its field is hidden).
            field: The input (or a container of inputs).
            error_names: Ticket field names whose messages show under this row.
        """
        members: list[QWidget] = []
        if caption is not None:
            label = QLabel(caption) if isinstance(caption, str) else caption
            label.setBuddy(field)
            self._grid.addWidget(label, self._next_row, 0)
            self._captions.append(label)
            members.append(label)
        self._grid.addWidget(field, self._next_row, 1)
        members.append(field)
        self._next_row += 1
        for name in error_names:
            self._grid.addWidget(self._add_error_label(name), self._next_row, 1)
            self._next_row += 1
        self._rows[key] = members

    def show_row(self, key: str, visible: bool) -> None:
        """Show or hide a row's caption and field (message lines hide when cleared)."""
        for widget in self._rows[key]:
            widget.setVisible(visible)

    def has_visible_rows(self) -> bool:
        """Whether any row is shown (a section with none hides itself)."""
        return any(members[-1].isVisibleTo(self) for members in self._rows.values())

    def caption_width(self) -> int:
        """Width in pixels the caption column needs."""
        return max((label.sizeHint().width() for label in self._captions), default=0)

    def set_caption_width(self, width_px: int) -> None:
        """Line the caption column up with the other sections'."""
        self._grid.setColumnMinimumWidth(0, width_px)
