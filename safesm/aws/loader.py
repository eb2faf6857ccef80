"""botocore's data loader with less work per process: the same files, the same answers.

Before it loads a service model, botocore's Loader lists every service directory it
ships (about 450 of them, once per file type) to check that the service exists, and it
parses every JSON file into OrderedDicts. On a plain `get` that is about 25 ms of a
process that takes about 220 ms (README "Performance"). This loader:

- answers `name in list_available_services(...)` by looking at that one service's
  directory (the full, sorted list is still computed if anything iterates it);
- parses JSON into plain dicts (ordered since Python 3.7; botocore's model classes build
  their own OrderedDicts where they want them).

If a botocore release renames what is overridden here, the override simply goes unused:
slower, never wrong.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any


class KnownServices(Sequence[str]):
    """A service list whose `in` costs one directory, not all of them."""

    def __init__(self, has: Callable[[str], bool], full: Callable[[], list[str]]) -> None:
        self._has = has
        self._full = full
        self._list: list[str] | None = None

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._has(name)

    def _all(self) -> list[str]:
        if self._list is None:
            self._list = self._full()
        return self._list

    def __getitem__(self, index: Any) -> Any:
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())


def data_loader(data_path: str | None) -> Any:
    """The loader for a session whose AWS_DATA_PATH is `data_path`; one per process (its
    caches hold read-only data that botocore already shares between clients)."""
    return _made(data_path or "")


@functools.lru_cache(maxsize=4)
def _made(data_path: str) -> Any:
    from botocore.loaders import JSONFileLoader, Loader

    class PlainJSONFileLoader(JSONFileLoader):  # type: ignore[misc]
        def _load_file(self, full_path: str, open_method: Any) -> Any:
            if not os.path.isfile(full_path):
                return None
            with open_method(full_path, "rb") as fp:
                return json.loads(fp.read().decode("utf-8"))

    class LeanLoader(Loader):  # type: ignore[misc]
        def list_available_services(self, type_name: str) -> KnownServices:
            full = super().list_available_services
            return KnownServices(lambda name: self.has_service(name, type_name),
                                 lambda: list(full(type_name)))

        def has_service(self, name: str, type_name: str) -> bool:
            """What botocore's list tests: some API version of `name` has `type_name`."""
            for base in self.search_paths:
                folder = os.path.join(base, name)
                if not name or os.sep in name or not os.path.isdir(folder):
                    continue
                for version in os.listdir(folder):
                    if self.file_loader.exists(os.path.join(folder, version, type_name)):
                        return True
            return False

    extra = [os.path.expanduser(os.path.expandvars(p)) for p in data_path.split(os.pathsep)
             ] if data_path else None
    return LeanLoader(extra_search_paths=extra, file_loader=PlainJSONFileLoader())
