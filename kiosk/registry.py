"""Name -> backend class registries, so config picks a backend by name.

Backends register themselves at import time; heavy imports stay inside
the backend modules, which are imported only when a name is looked up.
"""

from __future__ import annotations

import importlib
from typing import Generic, TypeVar

from kiosk.errors import ConfigError

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, kind: str, modules: dict[str, str]):
        # name -> "module.path" that registers it, imported lazily
        self.kind = kind
        self._modules = modules
        self._classes: dict[str, type[T]] = {}

    def register(self, name: str):
        def wrap(cls: type[T]) -> type[T]:
            self._classes[name] = cls
            return cls

        return wrap

    def names(self) -> list[str]:
        return sorted(set(self._modules) | set(self._classes))

    def get(self, name: str) -> type[T]:
        if name not in self._classes:
            module = self._modules.get(name)
            if module is None:
                raise ConfigError(
                    f"unknown {self.kind} {name!r}: choose one of {', '.join(self.names())}"
                )
            importlib.import_module(module)
        return self._classes[name]
