"""Parsing record ids from untrusted text."""

import re

_ID = re.compile(r"[0-9]{1,18}")


def as_id(value) -> int | None:
    """``value`` as a record id (ASCII digits within a 64-bit key), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value < 2**63 else None
    if isinstance(value, str) and _ID.fullmatch(value):
        return int(value) or None
    return None
