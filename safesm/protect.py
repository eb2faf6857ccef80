"""Keeping a process that holds values out of core dumps, debuggers and swap (stdlib only:
the lean `get` path calls this before it reads a value, without importing logging).

- `protect_process`: RLIMIT_CORE=0 and, on Linux, PR_SET_DUMPABLE=0 (no core dump, even
  through a core_pattern pipe; no ptrace or /proc/PID/mem by other processes of the user).
- `lock_memory`: mlockall, for the long-lived agent, where the kernel permits it.
"""

from __future__ import annotations

import os
import sys

PR_SET_DUMPABLE = 4
MCL_CURRENT, MCL_FUTURE, MCL_ONFAULT = 1, 2, 4
CAP_IPC_LOCK = 14
# Below this memlock limit an unprivileged agent does not lock: with MCL_FUTURE, growing
# past the limit would make allocations fail instead of merely not being locked.
MIN_MEMLOCK = 512 * 1024 * 1024


def protect_process() -> None:
    """No core dumps and no ptrace/proc peeking by other users while a value is in memory."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError):
        pass
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
        except (OSError, AttributeError):
            pass


def lock_memory() -> str:
    """Lock this process's memory (mlockall) so values never reach swap. Returns '' when
    locked, otherwise why not, in words for `agent status`."""
    platform: str = sys.platform
    if not platform.startswith("linux"):
        return f"memory locking is not supported on {platform}"
    import ctypes
    import resource

    soft, _ = resource.getrlimit(resource.RLIMIT_MEMLOCK)
    if not _may_lock_any_amount() and soft != resource.RLIM_INFINITY and soft < MIN_MEMLOCK:
        return (f"RLIMIT_MEMLOCK is {soft // 1024} KiB; `ulimit -l unlimited` (or "
                "memlock in limits.conf) lets the agent lock its memory")
    libc = ctypes.CDLL(None, use_errno=True)
    for flags in (MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT, MCL_CURRENT | MCL_FUTURE):
        if libc.mlockall(flags) == 0:
            return ""
    return f"mlockall failed: {os.strerror(ctypes.get_errno())}"


def _may_lock_any_amount() -> bool:
    """CAP_IPC_LOCK in the effective set (root in a container may lack it)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("CapEff:"):
                    return bool(int(line.split()[1], 16) >> CAP_IPC_LOCK & 1)
    except (OSError, ValueError, IndexError):
        pass
    return False
