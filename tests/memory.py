"""A cap on the memory a test may take, for tests that feed hostile input to code in this
process: a runaway allocation fails the test with MemoryError instead of taking the
machine's memory."""

from __future__ import annotations

import re
import resource
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def memory_cap(headroom: int = 1 << 30) -> Iterator[None]:
    """At most `headroom` bytes of address space more than the process has now."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    status = Path("/proc/self/status").read_text()
    now = int(re.search(r"^VmSize:\s+(\d+) kB", status, re.M).group(1)) * 1024
    cap = now + headroom if hard == resource.RLIM_INFINITY else min(now + headroom, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
