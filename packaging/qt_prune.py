"""Drop Qt plugins a desktop desk never loads, with the libraries only they need.

Used by `packaging/orderdesk.spec` after PyInstaller's analysis. PyInstaller collects every
plugin of each plugin type QtGui asks for, and resolves their shared-library dependencies
during the analysis, so removing a plugin from the TOC is not enough: its libraries (the GTK
stack of the GTK3 platform theme; QtNetwork and Kerberos of the VNC platform; the EGLFS
libraries of the embedded platforms) would stay. `prune` removes the plugins, then every
library they reach that nothing kept reaches.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable

from PyInstaller.depend.bindepend import get_imports  # type: ignore[import-untyped]

UNUSED_QT_PLUGINS = (
    # Embedded-device and remote platforms; the desk runs on xcb, wayland, windows, cocoa
    # (and offscreen/minimal for screenshots and tests).
    "*/plugins/platforms/*qeglfs*",
    "*/plugins/platforms/*qlinuxfb*",
    "*/plugins/platforms/*qminimalegl*",
    "*/plugins/platforms/*qvkkhrdisplay*",
    "*/plugins/platforms/*qvnc*",
    "*/plugins/egldeviceintegrations/*",
    "*/plugins/generic/*",  # evdev/tslib/TUIO input for the embedded platforms
    # The GTK3 theme would drag the host's GTK stack into the bundle; the desk draws its own
    # Fusion theme, and file dialogs fall back to Qt's own (or the XDG portal).
    "*/plugins/platformthemes/*qgtk3*",
)
"""Destination-path patterns (fnmatch, `/` separators) of the plugins to drop."""

Toc = list[tuple[str, str, str]]
"""A PyInstaller TOC: (destination name, source path, type code)."""


def _is_unused_plugin(dest_name: str) -> bool:
    path = dest_name.replace(os.sep, "/")
    return any(fnmatch.fnmatch(path, pattern) for pattern in UNUSED_QT_PLUGINS)


def _reach(sources: Iterable[str], cache: dict[str, set[str]]) -> set[str]:
    """Real paths of every shared library `sources` link against, transitively."""
    seen: set[str] = set()
    pending = [os.path.realpath(source) for source in sources]
    while pending:
        source = pending.pop()
        if source not in cache:
            try:
                imports = get_imports(source)
            except Exception:  # not a binary PyInstaller can read: it reaches nothing
                imports = []
            cache[source] = {os.path.realpath(path) for _name, path in imports if path}
        for library in cache[source] - seen:
            seen.add(library)
            pending.append(library)
    return seen


def _symlink_target(dest: str, target: str) -> str:
    # A SYMLINK entry's second field is its target, relative to the link's folder.
    return os.path.normpath(os.path.join(os.path.dirname(dest), target))


def prune(binaries: Toc, datas: Toc) -> tuple[Toc, Toc, list[str]]:
    """The Analysis's TOCs without the unused plugins and the libraries only they reach.

    Args:
        binaries: The Analysis's `binaries` TOC.
        datas: The Analysis's `datas` TOC (it holds the SYMLINK entries that point at
            libraries, e.g. `libQt6Core.so.6 -> PySide6/Qt/lib/libQt6Core.so.6`).

    Returns:
        The kept `binaries`, the kept `datas` (minus links to dropped libraries) and the
        destination names dropped (for the build log).
    """
    unused = [entry for entry in binaries if _is_unused_plugin(entry[0])]
    if not unused:
        return binaries, datas, []
    cache: dict[str, set[str]] = {}
    reached_by_unused = _reach((source for _dest, source, _kind in unused), cache)
    unused_sources = {os.path.realpath(source) for _dest, source, _kind in unused}
    roots = [
        os.path.realpath(source)
        for _dest, source, _kind in binaries
        if os.path.realpath(source) not in unused_sources | reached_by_unused
    ]
    kept_reach = _reach(roots, cache) | set(roots)
    dropped_sources = unused_sources | (reached_by_unused - kept_reach)
    dropped = [
        dest for dest, source, _kind in binaries if os.path.realpath(source) in dropped_sources
    ]
    gone = {os.path.normpath(dest) for dest in dropped}
    dangling = [
        dest
        for dest, target, kind in datas
        if kind == "SYMLINK" and _symlink_target(dest, target) in gone
    ]
    kept_binaries = [entry for entry in binaries if os.path.normpath(entry[0]) not in gone]
    kept_datas = [entry for entry in datas if entry[0] not in dangling]
    return kept_binaries, kept_datas, dropped + dangling
