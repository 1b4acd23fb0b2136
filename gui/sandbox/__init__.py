"""The embedded venue emulators and the simulated market behind them.

Layering: imports `gui.domain` at most; never `gui.venues` (an emulator that shared the
client's parsing could not catch the client's bugs).
"""
