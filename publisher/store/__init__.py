"""The stores a build is read through."""

from publisher.store.embedded import Holder, Store, Unopenable, open_current

__all__ = ["Holder", "Store", "Unopenable", "open_current"]
