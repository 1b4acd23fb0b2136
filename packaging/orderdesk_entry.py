"""PyInstaller entry point of the `orderdesk` executable (the desk): `gui.launch.main`."""

import sys

import gui.launch

sys.exit(gui.launch.main())
