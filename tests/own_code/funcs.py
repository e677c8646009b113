"""Python functions for tests/it/own_code.rs: each is called as fn(index, **params)."""

import asyncio
import os


def helper(x):
    # The line below is line 9: the tests look for `funcs.py:9 in helper`.
    return 1 // x


def times(index, k):
    return index * k


async def waits(index, ms=1):
    await asyncio.sleep(ms / 1000)
    return index


def nothing(index):
    return None


def divides(index):
    return helper(index - 3)


def text(index):
    return "abc"


def differs(index):
    # Not a function of the index alone: every run's process id differs.
    return os.getpid() + index
