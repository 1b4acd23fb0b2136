"""Order management: the store (one truth), the service (trading verbs) and the pollers.

Layering: asyncio only, no Qt; imports `gui.domain` and the `gui.venues.base` contract.
"""
