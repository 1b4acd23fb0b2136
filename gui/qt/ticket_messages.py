"""The ticket's inline messages: one line under each field, one under the buttons.

A message line is a `QLabel` (objectName `ticket.error.<field>`, QSS role `field-error`)
keyed by the `OrderTicket` field name the domain, the venue rules and the service use
(`quantity`, `destination`, `clip_size`...); the field's input is marked `invalid` (a red
border) while its line shows a message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtWidgets import QLabel, QWidget

__all__ = ["GENERAL", "FieldMessages"]

GENERAL = "general"
"""The line under the buttons, for messages that belong to no field shown."""


class FieldMessages:
    """Message lines by ticket field name, and the inputs they mark invalid.

    Attributes:
        labels: Field name -> its message line, in creation order.
        inputs: Field name -> its input widget (set once the ticket has built them).
    """

    def __init__(self) -> None:
        self.labels: dict[str, QLabel] = {}
        self.inputs: Mapping[str, QWidget] = {}

    def add_label(self, name: str) -> QLabel:
        """A new, hidden message line for field `name` (an `AddErrorLabel`)."""
        label = QLabel()
        label.setObjectName(f"ticket.error.{name}")
        label.setProperty("role", "field-error")
        label.setWordWrap(True)
        label.hide()
        self.labels[name] = label
        return label

    def set(self, name: str, message: str) -> None:
        """Show `message` under field `name` ("" hides it); a field without a line is skipped."""
        label = self.labels.get(name)
        if label is None:  # a field without its own message line (e.g. the iceberg box)
            return
        label.setText(message)
        label.setVisible(bool(message))
        field = self.inputs.get(name)
        if field is not None and field.property("invalid") != bool(message):
            field.setProperty("invalid", bool(message))
            field.style().unpolish(field)
            field.style().polish(field)

    def clear(self) -> None:
        """Hide every message."""
        for name in self.labels:
            self.set(name, "")

    def show(self, errors: Mapping[str, str], route: Callable[[str], str | None]) -> None:
        """Replace the messages shown with `errors`.

        Args:
            errors: Field name -> message.
            route: Field name -> the line its message goes to now, or None for `GENERAL`.
        """
        self.clear()
        general: list[str] = []
        for name, message in errors.items():
            shown = route(name)
            if shown is None or shown not in self.labels:
                general.append(message)
            else:
                self.set(shown, message)
        if general:
            self.set(GENERAL, "\n".join(general))
