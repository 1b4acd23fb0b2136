"""PyInstaller entry point of the `orderdesk-sandbox` executable (the venue emulators).

The desk starts this executable as its child process when it runs frozen
(`gui.sandbox.process.sandbox_command`); it is also the `orderdesk-sandbox` command.
"""

import sys

import gui.sandbox.server

sys.exit(gui.sandbox.server.main())
