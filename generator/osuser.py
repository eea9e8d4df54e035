"""Who is at the keyboard: what the conversion log and the kept versions record as "by"."""

from __future__ import annotations

import getpass
import os


def os_user() -> str:
    """The operating-system user (a uid where the system has no name for it)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return f"uid {os.getuid()}"
