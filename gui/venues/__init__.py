"""The venue service layer: one subpackage per venue plus the shared contract (`base`).

Layering: imports `gui.domain` only; the only layer that imports httpx.
"""
