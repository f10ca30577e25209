"""The allocator settings that keep a long-running server's memory flat (server/memory.py)."""

from __future__ import annotations

import ctypes
import subprocess
import sys
from pathlib import Path

import pytest

from server import memory

ROOT = Path(__file__).parents[2]
glibc_only = pytest.mark.skipif(memory._glibc() is None, reason="needs glibc's malloc (mallopt, malloc_trim)")


def resident_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS in /proc/self/status")


@glibc_only
def test_trim_hands_freed_memory_back_to_the_system() -> None:
    libc = ctypes.CDLL("libc.so.6")
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    # 96 MiB in blocks below the mmap threshold, all freed but the last, which keeps the heap from shrinking
    # from its top: without a trim the freed pages stay resident.
    block = 32 * 1024
    blocks = [libc.malloc(block) for _ in range(3072)]
    for pointer in blocks:
        ctypes.memset(pointer, 1, block)
    for pointer in blocks[:-1]:
        libc.free(pointer)
    before = resident_mib()
    assert memory.trim()
    after = resident_mib()
    libc.free(blocks[-1])
    assert before - after > 64, f"resident {before:.0f} MiB before the trim, {after:.0f} MiB after"


@glibc_only
def test_the_arena_cap_is_set_unless_the_environment_sets_its_own() -> None:
    # In a fresh interpreter: the cap must come before any thread allocates.
    probe = "from server import memory; print(memory.limit_arenas())"
    capped = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    assert capped.stdout.strip() == "True"
    told = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={"MALLOC_ARENA_MAX": "4", "PATH": "/usr/bin:/bin"},
    )
    assert told.stdout.strip() == "False"
