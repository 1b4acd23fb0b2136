"""The ticket's routing part for brokers: which exchange, which market, and short sales.

Shown only for a venue whose capabilities include the option (`OrderOption.DESTINATION`,
`.ASSET_CLASS`, `.SHORT_SALE`); the choices offered are the venue's own
(`VenueCapabilities.destinations`, `.asset_classes`), so nothing the venue refuses can be
picked.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QWidget

from gui.domain.options import AssetClass, OrderOption
from gui.qt.ticket_section import AddErrorLabel, TicketSection
from gui.venues.base import VenueCapabilities

__all__ = ["TicketRoutingWidget", "short_sale_box"]

_ASSET_CLASS_TEXT = {
    AssetClass.SPOT: "Spot",
    AssetClass.FUTURE: "Future / perpetual",
    AssetClass.OPTION: "Option",
}


def short_sale_box() -> QCheckBox:
    """The Short sale checkbox (objectName `ticket.short_sale`); the ticket places it by the
    side buttons and turns Buy off while it is ticked (only a sell can be a short sale)."""
    box = QCheckBox("Sell short")
    box.setObjectName("ticket.short_sale")
    box.setToolTip(
        "Short sale: a sell that opens or adds to a short position. Buy is off while ticked."
    )
    return box


class TicketRoutingWidget(TicketSection):
    """Destination exchange and asset class of a broker's order.

    Signals:
        edited(str): The trader changed the field with this ticket field name.

    Attributes:
        destination: Exchange combo (objectName `ticket.destination`); items are the venue's
            `destinations`, item data the same spelling.
        asset_class: Market combo (objectName `ticket.asset_class`); item data `AssetClass`.
        inputs: Ticket field name -> input widget (for inline messages and focus).

    Args:
        add_error_label: Makes the message line of a ticket field name.
        parent: Qt parent.
    """

    edited = Signal(str)

    def __init__(self, add_error_label: AddErrorLabel, parent: QWidget | None = None) -> None:
        super().__init__(add_error_label, parent)
        self.destination = QComboBox()
        self.destination.setObjectName("ticket.destination")
        self.destination.setToolTip("The exchange the broker routes the order to.")
        self.asset_class = QComboBox()
        self.asset_class.setObjectName("ticket.asset_class")
        self.asset_class.setToolTip("Which market of the exchange the pair trades on.")
        self.inputs: dict[str, QWidget] = {
            "destination": self.destination,
            "asset_class": self.asset_class,
        }
        self.add_row("destination", "Exchange", self.destination, ("destination",))
        self.add_row("asset_class", "Asset class", self.asset_class, ("asset_class",))
        self._capabilities: VenueCapabilities | None = None
        self.destination.currentIndexChanged.connect(lambda _i: self.edited.emit("destination"))
        self.asset_class.currentIndexChanged.connect(lambda _i: self.edited.emit("asset_class"))

    def configure(self, capabilities: VenueCapabilities) -> None:
        """Offer the venue's destinations and asset classes; keep the choice where offered."""
        self._capabilities = capabilities
        _refill(self.destination, [(name, name) for name in capabilities.destinations])
        _refill(
            self.asset_class,
            [(_ASSET_CLASS_TEXT[kind], kind) for kind in capabilities.asset_classes],
        )
        options = capabilities.options
        self.show_row(
            "destination",
            OrderOption.DESTINATION in options and bool(capabilities.destinations),
        )
        self.show_row(
            "asset_class",
            OrderOption.ASSET_CLASS in options and bool(capabilities.asset_classes),
        )
        self.setVisible(self.has_visible_rows())

    def read(self) -> tuple[str, AssetClass | None]:
        """The chosen destination ("" when not offered) and asset class (None when not)."""
        shown = self._capabilities
        if shown is None:
            return "", None
        destination = ""
        if OrderOption.DESTINATION in shown.options and self.destination.currentData():
            destination = str(self.destination.currentData())
        asset_class = None
        if OrderOption.ASSET_CLASS in shown.options and self.asset_class.currentData():
            asset_class = AssetClass(self.asset_class.currentData())
        return destination, asset_class


def _refill(combo: QComboBox, items: list[tuple[str, object]]) -> None:
    chosen = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    for text, data in items:
        combo.addItem(text, data)
    combo.setCurrentIndex(max(combo.findData(chosen), 0))
    combo.blockSignals(False)
