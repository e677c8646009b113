"""Functions for parabench's "Benchmark your own function" example.

parabench imports this file in every thread, process and event loop of the py-* models and
calls a function once per task as ``fn(index, **params)``, where ``params`` are the
workload's other keys (``mb = 8`` arrives as ``mb=8``). Whatever int a function returns is
the task's checksum; parabench sums them per run and checks that every model arrives at the
same sum, so a function must give the same result for the same index under every model.

Two CPU-bound functions that folklore puts in one box ("CPU work: threads do not help in
CPython") but that behave differently:

- ``digest`` hashes a large buffer with hashlib. CPython's hashlib releases the GIL while it
  hashes more than 2 KiB, so the hashing of several threads runs in parallel: ``py-threading``
  scales as far as the cores go.
- ``count_primes`` is a pure-Python loop. It holds the GIL from start to end, so threads take
  turns and only processes scale.
"""

import asyncio
import hashlib

# One buffer of each size per process, built on first use and kept: the tasks measure the
# hashing, not the allocation.
_BUFFERS = {}


def digest(index, mb=8):
    """SHA-256 of `mb` MiB of zeros followed by the task index: the first 8 bytes, as an int."""
    data = _BUFFERS.get(mb)
    if data is None:
        data = _BUFFERS[mb] = bytes(mb * 1024 * 1024)
    h = hashlib.sha256(data)  # the GIL is released while this runs
    h.update(index.to_bytes(8, "little"))
    return int.from_bytes(h.digest()[:8], "little")


def count_primes(index, limit=20000):
    """How many primes lie below `limit` (trial division): pure Python, the GIL held throughout."""
    found = 0
    for n in range(2, limit):
        d = 2
        while d * d <= n:
            if n % d == 0:
                break
            d += 1
        else:
            found += 1
    return found


async def wait(index, ms=10):
    """An IO-bound coroutine: py-asyncio awaits it, so waits overlap on one thread; the other
    models run it to completion on their thread's own event loop."""
    await asyncio.sleep(ms / 1000)
    return index


def noop(index):
    """Nothing: a run's time per task is the model's cost of calling a function."""
    return index
