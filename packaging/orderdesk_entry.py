"""PyInstaller entry point of the `orderdesk` executable (the desk): `gui.app.main`."""

import sys

import gui.app

sys.exit(gui.app.main())
