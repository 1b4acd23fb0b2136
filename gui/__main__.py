"""`python -m gui` is `orderdesk`."""

import sys

from gui.app import main

sys.exit(main())
