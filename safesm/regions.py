"""AWS Region names, from botocore's own endpoints.json read as data (botocore itself is
not imported, so TAB completion and option checks stay fast). A Region botocore does not
know yet is refused; upgrading botocore teaches it new ones."""

from __future__ import annotations

import os
import re
from functools import lru_cache

REGION_RE = re.compile(r"[a-z]{2}(-[a-z]+)+-\d{1,2}")


@lru_cache(maxsize=1)
def known_regions() -> frozenset[str]:
    import importlib.util
    import json

    spec = importlib.util.find_spec("botocore")
    if not spec or not spec.submodule_search_locations:
        return frozenset()
    data = os.path.join(next(iter(spec.submodule_search_locations)), "data", "endpoints.json")
    with open(data, encoding="utf-8") as fh:
        doc = json.load(fh)
    return frozenset(r for part in doc.get("partitions", []) for r in part.get("regions", {}))


def is_known(region: str) -> bool:
    """A Region name botocore knows (its list of every partition's Regions)."""
    return bool(REGION_RE.fullmatch(region)) and region in known_regions()
