"""Help > About OrderDesk: version, where the desk keeps its files, and what it trades on.

Support's first questions, answered in one non-modal dialog whose text can be selected or
copied whole: the OrderDesk version, the data directory (journal, log), the configuration
directory (accounts file), the settings file (layout, theme), the Qt, PySide6 and Python
versions, and whether the desk runs on the built-in sandbox or on live venues.
"""

from __future__ import annotations

import importlib.metadata
import platform
from dataclasses import dataclass
from pathlib import Path

import PySide6
from PySide6.QtCore import QSize, Qt, qVersion
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gui.oms.app_dirs import APP_NAME, default_config_dir
from gui.qt.icons import desk_icon

__all__ = [
    "APP_NAME",
    "AboutDialog",
    "DeskEnvironment",
    "HelpMenu",
    "about_rows",
    "orderdesk_version",
]

_LOGO_PX = 64


@dataclass(frozen=True, slots=True)
class DeskEnvironment:
    """Where the desk keeps its files and what it trades on.

    Attributes:
        data_dir: The data directory (journal, log); None when not known.
        config_dir: The configuration directory (accounts file).
        settings_file: The QSettings file or registry path (layout, theme).
        sandbox: True on the built-in sandbox, False on live venues, None when not known.
    """

    data_dir: Path | None
    config_dir: Path
    settings_file: str
    sandbox: bool | None

    @staticmethod
    def default_config_dir() -> Path:
        """The platform's per-user configuration directory for OrderDesk (`platformdirs`;
        Linux `~/.config/OrderDesk`)."""
        return default_config_dir()


def orderdesk_version() -> str:
    """The installed `orderdesk` distribution's version, or `"unknown (not installed)"`."""
    try:
        return importlib.metadata.version("orderdesk")
    except importlib.metadata.PackageNotFoundError:
        return "unknown (not installed)"


def about_rows(environment: DeskEnvironment) -> list[tuple[str, str]]:
    """The About box's (label, value) rows, in display order.

    Args:
        environment: What `MainWindow.set_environment` was told.
    """
    if environment.sandbox is None:
        mode = "not known yet"
    elif environment.sandbox:
        mode = "Sandbox: simulated venues, no real orders"
    else:
        mode = "Live venues: orders are real"
    data_dir = "not known yet" if environment.data_dir is None else str(environment.data_dir)
    python = f"{platform.python_version()} ({platform.python_implementation()})"
    return [
        ("Version", orderdesk_version()),
        ("Venues", mode),
        ("Data directory", data_dir),
        ("Config directory", str(environment.config_dir)),
        ("Settings file", environment.settings_file),
        ("Qt", f"{qVersion()} (PySide6 {PySide6.__version__})"),
        ("Python", python),
        ("Platform", platform.platform(terse=True)),
    ]


class AboutDialog(QDialog):
    """The About box (objectName `dialog.about`); open it with `show()`, never `exec()`.

    Each value is a label (objectName `about.<label in snake case>`, e.g.
    `about.data_directory`) whose text can be selected; "Copy" (objectName `about.copy`)
    puts every row on the clipboard as `Label: value` lines.

    Args:
        environment: What to show.
        parent: The main window.
    """

    def __init__(self, environment: DeskEnvironment, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dialog.about")
        self.setWindowTitle(f"About {APP_NAME}")
        self._rows = about_rows(environment)

        logo = QLabel()
        logo.setObjectName("about.logo")
        ratio = self.devicePixelRatioF()  # sharp on a scaled screen
        logo.setPixmap(desk_icon().pixmap(QSize(_LOGO_PX, _LOGO_PX), ratio))
        heading = QLabel(f"{APP_NAME} {orderdesk_version()}")
        heading.setProperty("role", "heading")
        tagline = QLabel("Order management for algo brokers, exchanges and OTC desks")
        tagline.setProperty("role", "caption")
        titles = QVBoxLayout()
        titles.addWidget(heading)
        titles.addWidget(tagline)
        top = QHBoxLayout()
        top.addWidget(logo)
        top.addLayout(titles, 1)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        for label, value in self._rows:
            shown = QLabel(value)
            shown.setObjectName(f"about.{label.lower().replace(' ', '_')}")
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            if label == "Venues" and environment.sandbox is False:
                shown.setProperty("role", "field-error")  # live: red, so nobody forgets
            form.addRow(f"{label}:", shown)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = QPushButton("Copy")
        copy.setObjectName("about.copy")
        copy.setToolTip("Copy these details, e.g. for a support request")
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(self.copy_to_clipboard)
        buttons.rejected.connect(self.close)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def text(self) -> str:
        """Every row as `Label: value` lines."""
        return "\n".join(f"{label}: {value}" for label, value in self._rows)

    def copy_to_clipboard(self) -> None:
        """Put `text()` on the clipboard."""
        QApplication.clipboard().setText(self.text())


class HelpMenu(QMenu):
    """The Help menu (objectName `menu.help`) with "About OrderDesk" (`action.about`).

    Attributes:
        about_action: Opens the About box.
        environment: What the About box shows; `set_environment` fills in the data directory
            and the venue mode once the composition root knows them.

    Args:
        settings_file: The QSettings file or registry path (`QSettings.fileName()`).
        parent: The main window (parent of the About box).
    """

    def __init__(self, settings_file: str, parent: QWidget) -> None:
        super().__init__("&Help", parent)
        self.setObjectName("menu.help")
        self._window = parent
        self._dialog: AboutDialog | None = None
        self.environment = DeskEnvironment(
            None, DeskEnvironment.default_config_dir(), settings_file, None
        )
        self.about_action = QAction(f"&About {APP_NAME}", self)
        self.about_action.setObjectName("action.about")
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)  # macOS: the app menu
        self.about_action.triggered.connect(lambda: self.open_about())
        self.addAction(self.about_action)

    def set_environment(
        self, *, data_dir: Path | None, sandbox: bool, config_dir: Path | None = None
    ) -> None:
        """Record where the desk keeps its files and what it trades on.

        Args:
            data_dir: The data directory (journal, log), None when there is none.
            sandbox: True on the built-in sandbox, False on live venues.
            config_dir: The configuration directory (accounts file); the platform's
                (`DeskEnvironment.default_config_dir()`) when None.
        """
        self.environment = DeskEnvironment(
            data_dir,
            config_dir if config_dir is not None else DeskEnvironment.default_config_dir(),
            self.environment.settings_file,
            sandbox,
        )

    def open_about(self) -> AboutDialog:
        """Show the About box non-modal (`show()`, never `exec()` inside the event loop).

        One at a time: an open one is replaced, so it always shows the current environment.

        Returns:
            The shown dialog (objectName `dialog.about`).
        """
        if self._dialog is not None:
            self._dialog.close()
            self._dialog.deleteLater()
        self._dialog = AboutDialog(self.environment, self._window)
        self._dialog.show()  # a new window: in front without raise_()
        return self._dialog
