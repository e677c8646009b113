#!/usr/bin/env python3
"""CPython side of parabench: one kernel, N tasks, W workers, one concurrency model.

Standard library only; runs on Python 3.8 and later.

Usage
-----
    python3 kernels.py --model MODEL --kernel KERNEL --workers W --tasks N [kernel options]
    python3 kernels.py --model MODEL --function TARGET [--params-json JSON] --workers W --tasks N
    python3 kernels.py --check-function TARGET [--params-json JSON]
    python3 kernels.py --self-test

The program runs tasks 0..N-1 of KERNEL with W workers under MODEL and prints, as its
last stdout line (nothing follows it)::

    elapsed_s=<s> checksum=<int> setup_s=<s> start_ns=<ns> user_s=<s> sys_s=<s> runq_wait_s=<s>

``elapsed_s`` is measured with ``time.perf_counter()`` around the model run alone, the
window: creating threads, pools and worker processes and stopping them again is inside it,
interpreter start-up and argument parsing are not. ``checksum`` is the sum of the per-task
checksums modulo 2**64; the kernels compute exactly what parabench's built-in Rust kernels
compute, so a run's checksum can be compared with a native run of the same workload. The
other fields describe the window, and each is left out when it cannot be had:

- ``setup_s``: from the window's start until the model's pool, threads or event loop were
  started (ThreadPoolExecutor and ProcessPoolExecutor start theirs on demand, so theirs is
  the constructor alone; models that start threads one by one may begin work before it ends).
- ``start_ns``: when the window began, on CLOCK_MONOTONIC (``time.monotonic_ns()``):
  parabench takes the interpreter's start-up from it.
- ``user_s``, ``sys_s``: CPU time over the window: getrusage of this process (all its
  threads) and of the children it reaped in the window, plus what worker processes that are
  not its children (a forkserver's) report as they exit. Left out when a worker that started
  did not report (it was killed).
- ``runq_wait_s``: time the window's threads and worker processes were ready to run but
  waited for a CPU (Linux schedstat): every thread that ends in the window reads
  /proc/thread-self/schedstat as its last act (Thread.run is wrapped), the threads still
  alive add theirs at the end, worker processes report theirs as they exit. Left out where
  schedstat cannot be read, or when PARABENCH_DISABLE_PROBES contains ``runq``.

Timeline: when the environment variable PARABENCH_TIMELINE names a file, every task appends
one line to it, ``<worker> <task> <start_ns> <end_ns>``, from whichever thread or process ran
it (times from ``time.monotonic_ns()``, the system's CLOCK_MONOTONIC; the worker is
``<pid>:<thread id>``, or ``slot<k>`` for asyncio's worker coroutines). parabench sets it in
the one run per cell that draws its timeline.

Exit status: 0 on success; 1 when a task failed (the error goes to stderr and no result line
is printed); 2 for invalid arguments.

Models (--model)
    sequential       a plain loop in the main thread
    threading        W threading.Thread workers taking task indices from a queue.Queue
    multiprocessing  multiprocessing.Pool(W) and pool.map, then close() and join(): the
                     workers exit (and report their CPU time) rather than being terminated
    asyncio          asyncio.run with W worker coroutines reading an asyncio.Queue; sleep and
                     http await real async operations, every other kernel runs its blocking
                     body inline and so holds up the event loop
    threadpool       concurrent.futures.ThreadPoolExecutor(max_workers=W) and executor.map
    processpool      concurrent.futures.ProcessPoolExecutor(max_workers=W) and executor.map
                     with the chunk size Pool.map would pick, ceil(N / (4 W))
    dummy            multiprocessing.dummy.Pool(W): threads behind the Pool interface
    to_thread        an asyncio loop handing every task to loop.run_in_executor on a
                     ThreadPoolExecutor(W), all awaited together with asyncio.gather

Process models use the platform's default start method; this file is safe to import from
spawned children (all work happens under ``if __name__ == "__main__":``).

Kernels (--kernel) and their options; options a kernel does not use are accepted and ignored
    primes  --limit L (50000)      count primes below L by trial division  -> the count
    spin    --iters K (10000000)   K steps of a 64-bit LCG seeded with the task index
                                   -> top 32 bits of the final state
    alloc   --size S (300)         append i*j + index for i, j < S to a list -> its sum
    sleep   --ms M (10)            time.sleep (asyncio.sleep under asyncio) -> M
    file    --bytes B (65536)      write B bytes to a file in a private temporary folder,
                                   fsync, read back -> sum of the bytes read
    http    --url URL (required)   GET URL from a loopback server -> body bytes received;
            --delay-ms D           the server's delay: accepted, only widens the timeout.
                                   One minimal HTTP/1.1 GET per task (Connection: close), the
                                   same request and response reader for every model: blocking
                                   sockets, or asyncio streams under asyncio
    noop                           nothing -> the task index
    payload --bytes B (65536)      build B bytes, (index + k) % 256, and hand them back to the
                                   coordinating thread or process (through the pool's pipe
                                   for process models), which computes their CRC-32
                                   (zlib.crc32) -> that CRC

Your own function (--function TARGET) instead of a kernel
    TARGET is FILE.py:NAME (a path, relative to the working directory, where parabench runs
    this program: the scenario's folder) or MODULE:NAME (imported with the working directory
    first on sys.path). The coordinator imports it before the clock starts; every worker
    process imports it once (inside the timed run, as pools start inside it). Each task calls
    NAME(index, **params), params being the --params-json object (the workload's other keys,
    typed as in the scenario). The task's checksum is the int it returns (None counts as 0);
    any other return value, or an exception, fails the run with a one-line message on stderr
    naming the task, the exception and the innermost frame of the user's own code
    (``work.py:digest task 7: ValueError: ... (work.py:12 in helper)``). An ``async def`` is
    awaited by the asyncio model and run to completion on the calling thread's own event loop
    by every other model; a plain function under asyncio runs inline and blocks the loop.

--check-function TARGET tells, without running the file (it is parsed; only a module, or a
name the file binds by assignment or import, is imported), whether NAME exists and can be
called as NAME(index, **params); it prints one JSON line: {"ok": true}, or "ok": false with
"problem" (file, name, import, signature or param), "param" (the key at fault, or null) and
"message". parabench runs it, with a timeout, to validate a scenario.

Put --url only into commands of http workloads: parabench offers the {url} placeholder
there alone. The http kernel refuses any host that is not a loopback address, ignores proxy
settings and does not follow redirects; any status other than 200 fails the task.

--self-test runs every kernel (small sizes) under every model with 1 and 3 workers against a
loopback HTTP server it starts on 127.0.0.1, compares the checksums with the sequential model
and with values worked out independently, exercises the command line, and ends with
``<n> passed, <m> failed``; the exit status is 0 only when nothing failed.

Example parabench model table::

    [[model]]
    name = "py-threading"
    command = ["python3", "python/kernels.py", "--model", "threading", "--kernel", "{kernel}",
               "--workers", "{workers}", "--tasks", "{tasks}", "--limit", "{limit}"]
"""

import argparse
import asyncio
import concurrent.futures
import contextvars
import functools
import ipaddress
import multiprocessing
import multiprocessing.dummy
import multiprocessing.util
import os
import queue
import resource
import shutil
import socket
import sys
import tempfile
import threading
import time
import urllib.parse
import zlib

MASK = (1 << 64) - 1

# The 64-bit LCG of the spin kernel (Knuth's MMIX constants, as in parabench's Rust kernel).
LCG_MUL = 6364136223846793005
LCG_INC = 1442695040888963407

MODELS = (
    "sequential",
    "threading",
    "multiprocessing",
    "asyncio",
    "threadpool",
    "processpool",
    "dummy",
    "to_thread",
)

KERNELS = ("primes", "spin", "alloc", "sleep", "file", "http", "noop", "payload")

# Kernels whose tasks return data: the coordinator checksums what it receives.
DATA_KERNELS = ("payload",)

# Kernel option: (default, minimum, maximum), the same bounds parabench's kernels declare.
PARAM_BOUNDS = {
    "limit": (50000, 2, 1000000000),
    "iters": (10000000, 1, 1000000000000),
    "ms": (10, 0, 3600000),
    "size": (300, 1, 100000),
    "bytes": (65536, 0, 1 << 30),
    "delay_ms": (20, 0, 600000),
}

PARAM_HELP = {
    "limit": "primes: count primes below this",
    "iters": "spin: LCG steps per task",
    "ms": "sleep: milliseconds per task",
    "size": "alloc: rows and columns of the product table",
    "bytes": "file: bytes written and read per task; payload: bytes each task returns "
    "(http: ignored, the server's body size)",
    "delay_ms": "http: the server's delay, only widens the client timeout",
}

# Per-task times go to this file when set (see "Timeline" above); inherited by pool workers.
TIMELINE_ENV = "PARABENCH_TIMELINE"
_TIMELINE = os.environ.get(TIMELINE_ENV) or None
_timeline_fd = None
_timeline_pid = None
# The asyncio worker coroutine running the current task, if any.
_SLOT = contextvars.ContextVar("parabench_slot", default=None)


def _record(index, start_ns, end_ns):
    """Appends one task's line to the timeline file (one write, so lines from many processes
    never interleave)."""
    global _timeline_fd, _timeline_pid
    if _timeline_pid != os.getpid():
        _timeline_fd = os.open(_TIMELINE, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        _timeline_pid = os.getpid()
    worker = _SLOT.get() or "%d:%d" % (os.getpid(), threading.get_ident())
    os.write(_timeline_fd, ("%s %d %d %d\n" % (worker, index, start_ns, end_ns)).encode())


# Start method for the process models; None means the platform default. Only the
# self-test changes it, to prove that spawned children can import this file.
_MP_CONTEXT = None


class KernelError(RuntimeError):
    """A task failed. Carries only a message, so it crosses process boundaries intact."""


# --------------------------------------------------------------------------------------------
# Kernels: blocking forms. Each takes the parameter dict and the task index, returns an int.
# --------------------------------------------------------------------------------------------


def is_prime(n):
    """Trial division by 3, 5, 7, ... up to the square root (same steps as the Rust kernel)."""
    if n < 4:
        return n >= 2
    if n % 2 == 0:
        return False
    d = 3
    while d * d <= n:
        if n % d == 0:
            return False
        d += 2
    return True


def count_primes(limit):
    """How many primes p satisfy 2 <= p < limit. is_prime is inlined: this loop is the work."""
    found = 0
    for n in range(2, limit):
        if n < 4:
            found += 1
            continue
        if not n & 1:
            continue
        d = 3
        while d * d <= n:
            if n % d == 0:
                break
            d += 2
        else:
            found += 1
    return found


def kernel_primes(p, index):
    return count_primes(p["limit"])


def kernel_spin(p, index):
    x = index & MASK
    mul, inc, mask = LCG_MUL, LCG_INC, MASK
    for _ in range(p["iters"]):
        x = (x * mul + inc) & mask
    return x >> 32


def kernel_alloc(p, index):
    size = p["size"]
    products = []
    for i in range(size):
        for j in range(size):
            products.append(i * j + index)
    return sum(products) & MASK


def kernel_sleep(p, index):
    time.sleep(p["ms"] / 1000.0)
    return p["ms"]


def kernel_noop(p, index):
    return index


def file_pattern(index, length):
    """Bytes whose k-th value is (index + k) % 256."""
    start = index % 256
    period = bytes(range(start, 256)) + bytes(range(0, start))
    reps, rest = divmod(length, 256)
    body = period * reps  # one allocation when length is a multiple of 256
    return body + period[:rest] if rest else body


def kernel_payload(p, index):
    return file_pattern(index, p["bytes"])


def kernel_file(p, index):
    path = os.path.join(p["dir"], "task-%d.bin" % index)
    with open(path, "wb") as f:
        f.write(file_pattern(index, p["bytes"]))
        f.flush()
        os.fsync(f.fileno())
    try:
        with open(path, "rb") as f:
            back = f.read()
    finally:
        os.remove(path)
    return sum(back) & MASK


# --------------------------------------------------------------------------------------------
# The http kernel's client: one minimal HTTP/1.1 GET (Connection: close, one connection per
# request). The bytes sent and the response parsing are the same for every model; only the
# IO differs: blocking sockets for the sequential, thread and process models, asyncio streams
# for the asyncio model. So a gap measured between threads and asyncio is the concurrency
# model's, not the client's.
# --------------------------------------------------------------------------------------------


def http_timeout(p):
    return 60.0 + 2.0 * p.get("delay_ms", 0) / 1000.0


_HTTP_TARGETS = {}


def http_target(url):
    """(host, port, request bytes) for a GET of url, worked out once per URL."""
    known = _HTTP_TARGETS.get(url)
    if known is None:
        parts = urllib.parse.urlsplit(url)
        path = (parts.path or "/") + ("?" + parts.query if parts.query else "")
        request = (
            "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: parabench-kernels.py\r\n"
            "Accept: */*\r\nConnection: close\r\n\r\n" % (path, parts.netloc)
        ).encode("latin-1")
        known = _HTTP_TARGETS[url] = (parts.hostname, parts.port or 80, request)
    return known


class HttpResponse(object):
    """Reads one HTTP/1.1 response from the bytes a connection delivers, in pieces of any
    size, without doing IO itself: ``feed(data)`` answers True once the body is complete,
    ``eof()`` is called when the server closed first. Counts the body's bytes (the task's
    checksum) without keeping them. Understands interim 1xx responses, Content-Length,
    chunked bodies (trailers skipped) and bodies that end when the connection closes; any
    status but 200 fails the task. Redirects are not followed: they fail too."""

    def __init__(self, url):
        self.url = url
        self.buf = b""
        self.state = "head"  # head, length, chunk-size, chunk-data, chunk-end, trailer, close
        self.left = 0
        self.received = 0

    def feed(self, data):
        self.buf += data
        while True:
            state = self.state
            if state == "head":
                end = self.buf.find(b"\r\n\r\n")
                if end < 0:
                    return False
                head, self.buf = self.buf[:end], self.buf[end + 4:]
                self._head(head)
            elif state == "length" or state == "chunk-data":
                take = min(self.left, len(self.buf))
                self.received += take
                self.left -= take
                self.buf = self.buf[take:]
                if self.left:
                    return False
                if state == "length":
                    return True
                self.state = "chunk-end"
            elif state == "close":
                self.received += len(self.buf)
                self.buf = b""
                return False
            else:  # chunk-size, chunk-end, trailer: one line each
                end = self.buf.find(b"\r\n")
                if end < 0:
                    return False
                line, self.buf = self.buf[:end], self.buf[end + 2:]
                if state == "chunk-end":
                    self.state = "chunk-size"
                elif state == "trailer":
                    if not line:
                        return True
                else:
                    try:
                        size = int(line.split(b";", 1)[0].strip(), 16)
                    except ValueError:
                        raise KernelError("GET %s: bad chunk size %r" % (self.url, line))
                    self.left = size
                    self.state = "chunk-data" if size else "trailer"

    def _head(self, head):
        lines = head.decode("latin-1").split("\r\n")
        fields = lines[0].split(None, 2)
        if len(fields) < 2 or not fields[0].startswith("HTTP/") or not fields[1].isdigit():
            raise KernelError("GET %s: bad status line %r" % (self.url, lines[0]))
        status = int(fields[1])
        if 100 <= status < 200:
            return  # an interim response: the real one follows (state stays "head")
        if status != 200:
            raise KernelError("GET %s answered %d" % (self.url, status))
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if "chunked" in headers.get("transfer-encoding", "").lower():
            self.state = "chunk-size"
        elif "content-length" in headers:
            self.left = int(headers["content-length"])
            self.state = "length"
        else:
            self.state = "close"  # the body ends when the server closes

    def eof(self):
        """The server closed the connection: fine only for a body without a length."""
        if self.state != "close":
            raise KernelError("GET %s: connection closed before the end of the response"
                              % self.url)


def http_get(url, timeout):
    """GET url over a blocking socket; returns the body's length."""
    host, port, request = http_target(url)
    sock = socket.create_connection((host, port), timeout)
    try:
        sock.sendall(request)
        response = HttpResponse(url)
        while True:
            data = sock.recv(65536)
            if not data:
                response.eof()
                return response.received
            if response.feed(data):
                return response.received
    finally:
        sock.close()


async def async_http_get(url, timeout):
    """GET url over asyncio streams; returns the body's length. The timeout is a timer that
    cancels this task (as cheap as a blocking socket's own timeout: no extra task)."""
    host, port, request = http_target(url)
    task = asyncio.current_task()
    fired = []

    def expire():
        fired.append(True)
        task.cancel()

    timer = asyncio.get_running_loop().call_later(timeout, expire)
    try:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            writer.write(request)
            await writer.drain()
            response = HttpResponse(url)
            while True:
                data = await reader.read(65536)
                if not data:
                    response.eof()
                    return response.received
                if response.feed(data):
                    return response.received
        finally:
            # The socket closes on the loop's next turn; waiting for that (wait_closed) would
            # hold this slot for a whole turn of the loop, which the blocking client's
            # close() does not.
            writer.close()
    except asyncio.CancelledError:
        if fired:
            raise KernelError("GET %s timed out after %.0f s" % (url, timeout)) from None
        raise
    finally:
        timer.cancel()


def kernel_http(p, index):
    return http_get(p["url"], http_timeout(p))


BLOCKING = {
    "primes": kernel_primes,
    "spin": kernel_spin,
    "alloc": kernel_alloc,
    "sleep": kernel_sleep,
    "file": kernel_file,
    "http": kernel_http,
    "noop": kernel_noop,
    "payload": kernel_payload,
}


class Task(object):
    """One kernel with fixed parameters, callable with a task index. Picklable, so process
    pools can ship it to their workers."""

    def __init__(self, kernel, params):
        self.kernel = kernel
        self.params = params
        # Tasks return bytes, which the coordinator checksums (see total()).
        self.returns_data = kernel in DATA_KERNELS

    def __call__(self, index):
        if _TIMELINE is None:
            return self._run(index)
        start = time.monotonic_ns()
        result = self._run(index)
        _record(index, start, time.monotonic_ns())
        return result

    async def run_async(self, index):
        if _TIMELINE is None:
            return await self._run_async(index)
        start = time.monotonic_ns()
        result = await self._run_async(index)
        _record(index, start, time.monotonic_ns())
        return result

    def _run(self, index):
        try:
            return BLOCKING[self.kernel](self.params, index)
        except KernelError:
            raise
        except Exception as e:
            raise KernelError(_describe(self.kernel, index, e)) from None

    async def _run_async(self, index):
        if self.kernel == "sleep":
            await asyncio.sleep(self.params["ms"] / 1000.0)
            return self.params["ms"]
        if self.kernel == "http":
            try:
                return await async_http_get(self.params["url"], http_timeout(self.params))
            except KernelError:
                raise
            except Exception as e:
                raise KernelError(_describe(self.kernel, index, e)) from None
        return self._run(index)  # CPU or blocking IO: runs inline and stalls the event loop


def _describe(kernel, index, e):
    text = str(e) or repr(e)
    return "%s task %d: %s: %s" % (kernel, index, type(e).__name__, text)


# --------------------------------------------------------------------------------------------
# The user's own function as the kernel (--function): imported once per process, called once
# per task as fn(index, **params); its int result is the task's checksum, None counts as 0.
# --------------------------------------------------------------------------------------------

# Imported callables by target, per process (a pool worker imports each target once).
_USER_FUNCTIONS = {}
# The event loop each thread runs async functions on under the non-asyncio models.
_THREAD_LOOPS = threading.local()
_HERE = os.path.abspath(__file__)


def split_target(target):
    """`<file>.py:<name>` or `<module>:<name>` -> (source, name, is_file)."""
    source, _, name = target.rpartition(":")
    is_file = source.endswith(".py") or "/" in source or os.sep in source
    return source, name, is_file


def shown_path(path):
    """A path as the user knows it: relative to the scenario's folder (the working directory)
    when it lies inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith(os.pardir) else rel


def _import_module(source, is_file):
    if not is_file:
        # `package.module` is importable from the scenario's folder as from any script's.
        if os.getcwd() not in sys.path:
            sys.path.insert(0, os.getcwd())
        import importlib

        return importlib.import_module(source)
    import importlib.util

    path = os.path.abspath(source)
    folder = os.path.dirname(path)
    if folder not in sys.path:
        sys.path.insert(0, folder)  # the file's own imports work as when it runs as a script
    name = os.path.splitext(os.path.basename(path))[0]
    known = sys.modules.get(name)
    if known is not None and os.path.abspath(getattr(known, "__file__", None) or "") == path:
        return known  # already imported (e.g. inherited by a forked pool worker)
    if known is not None or not name.isidentifier():
        name = "parabench_user_" + "".join(c if c.isalnum() else "_" for c in name)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise KernelError("cannot import %s: not a Python file" % shown_path(path))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def load_function(target):
    """The callable `target` names, imported once per process. Raises KernelError saying
    what went wrong, with the user's file:line when importing raised."""
    fn = _USER_FUNCTIONS.get(target)
    if fn is not None:
        return fn
    source, name, is_file = split_target(target)
    shown = shown_path(source) if is_file else source
    try:
        module = _import_module(source, is_file)
    except KernelError:
        raise
    except (Exception, SystemExit) as e:
        raise KernelError(
            "importing %s failed: %s" % (shown, _exception_text(e, _own_folders(source, is_file)))
        ) from None
    fn = getattr(module, name, None)
    if fn is None:
        raise KernelError("%s defines no `%s`" % (shown, name))
    if not callable(fn):
        raise KernelError("`%s` in %s is a %s, not a function" % (name, shown, type(fn).__name__))
    _USER_FUNCTIONS[target] = fn
    return fn


def _own_folders(source, is_file):
    """Where the user's own code lives: the scenario's folder, and the function's file's."""
    folders = [os.getcwd()]
    if is_file:
        folders.append(os.path.dirname(os.path.abspath(source)))
    return folders


def _exception_text(e, own_folders):
    """`ValueError: bad size (work.py:12 in digest)`: the exception, and the innermost frame
    of the user's own code (else the innermost frame outside this file)."""
    import traceback

    import sysconfig

    # Frames of this file, of the standard library and of frozen import machinery say
    # nothing about the user's code.
    stdlib = os.path.abspath(sysconfig.get_paths()["stdlib"]) + os.sep
    frames = [f for f in traceback.extract_tb(e.__traceback__)
              if os.path.abspath(f.filename) != _HERE and not f.filename.startswith("<")
              and not os.path.abspath(f.filename).startswith(stdlib)]
    own = [f for f in frames
           if any(os.path.abspath(f.filename).startswith(d + os.sep) for d in own_folders)]
    frame = (own or frames or [None])[-1]
    text = " ".join((str(e) or repr(e)).split())  # one line
    where = ""
    if frame is not None:
        where = " (%s:%d in %s)" % (shown_path(frame.filename), frame.lineno, frame.name)
    return "%s: %s%s" % (type(e).__name__, text, where)


def _run_coroutine(coroutine):
    """Runs an async function's coroutine to completion on this thread's own event loop
    (models without one: every model but asyncio)."""
    loop = getattr(_THREAD_LOOPS, "loop", None)
    if loop is None:
        loop = _THREAD_LOOPS.loop = asyncio.new_event_loop()
    return loop.run_until_complete(coroutine)


def _failing(message):
    def fail(*args, **kwargs):
        raise KernelError(message)

    return fail


class FunctionTask(Task):
    """The user's function with the workload's parameters, callable with a task index.
    Pickles as its target and parameters; a process that unpickles it imports the function
    (once per process)."""

    def __init__(self, target, params):
        self._set(target, params)

    def __getstate__(self):
        return {"target": self.target, "params": self.params}

    def __setstate__(self, state):
        self._set(state["target"], state["params"])

    def _set(self, target, params):
        self.kernel = None
        self.target = target
        self.params = params
        self.returns_data = False
        source, name, is_file = split_target(target)
        self.label = "%s:%s" % (shown_path(source) if is_file else source, name)
        self.own_folders = _own_folders(source, is_file)
        try:
            fn = load_function(target)
        except KernelError as e:
            # Raised by every task instead, so that a pool worker reports it as a task failure.
            self._call, self.is_async = _failing(str(e)), False
            return
        import inspect

        self.is_async = inspect.iscoroutinefunction(fn)
        self._call = functools.partial(fn, **params) if params else fn

    def _run(self, index):
        try:
            result = self._call(index)
            if self.is_async:
                result = _run_coroutine(result)
        except KernelError:
            raise
        except (Exception, SystemExit) as e:
            raise KernelError(self._failed(index, e)) from None
        if type(result) is int:
            return result
        return self._checksum(index, result)

    async def _run_async(self, index):
        if not self.is_async:
            return self._run(index)  # a plain function runs inline and blocks the loop
        try:
            result = await self._call(index)
        except KernelError:
            raise
        except (Exception, SystemExit) as e:
            raise KernelError(self._failed(index, e)) from None
        if type(result) is int:
            return result
        return self._checksum(index, result)

    def _failed(self, index, e):
        return "%s task %d: %s" % (self.label, index, _exception_text(e, self.own_folders))

    def _checksum(self, index, result):
        if result is None:
            return 0
        if isinstance(result, int):
            return int(result)
        shown = repr(result)
        if len(shown) > 60:
            shown = shown[:57] + "..."
        raise KernelError(
            "%s task %d returned %s %s: return an int (the task's checksum) or None"
            % (self.label, index, type(result).__name__, shown)
        )


def _problem(kind, message, param=None):
    return {"ok": False, "problem": kind, "param": param, "message": message}


def check_function(target, params):
    """Whether `target` can be called as fn(index, **params): None if so, else a dict with
    `problem` (file, name, import, signature, param), the `param` at fault if one is, and a
    `message` that says how to fix it. A file is parsed and its `def` read without running
    it; only a name bound otherwise, or a module, is imported (parabench runs this in a child
    process with a timeout)."""
    source, name, is_file = split_target(target)
    node = None
    if is_file:
        shown = shown_path(source)
        try:
            with open(source, "rb") as f:
                text = f.read()
        except OSError as e:
            return _problem("file", "cannot read %s: %s" % (shown, e.strerror or e))
        import ast

        try:
            tree = ast.parse(text, filename=source)
        except SyntaxError as e:
            return _problem("file", "%s:%s: %s: fix the file (it does not parse)"
                            % (shown, e.lineno, e.msg))
        bound = {}
        for top in tree.body:
            for n in _bound_names(top):
                bound[n] = top
        node = bound.get(name)
        if node is None:
            defs = sorted(n for n, t in bound.items()
                          if isinstance(t, (ast.FunctionDef, ast.AsyncFunctionDef)))
            return _problem("name", "%s defines no top-level `%s`%s" % (
                shown, name, "; its functions are %s" % ", ".join(defs) if defs else ""))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return _check_def(node, params)
    # A module, or a name bound by an assignment or import: import it to see what it is.
    try:
        fn = load_function(target)
    except KernelError as e:
        return _problem("name" if "defines no" in str(e) else "import", str(e))
    import inspect

    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return None  # a builtin without a signature: the run will tell
    try:
        signature.bind(0, **params)
    except TypeError as e:
        missing = [k for k in params if k not in signature.parameters]
        has_kwargs = any(p.kind == p.VAR_KEYWORD for p in signature.parameters.values())
        if missing and not has_kwargs:
            return _no_such_param(name, missing[0])
        return _problem("signature", "`%s` cannot be called as %s(index, %s): %s"
                        % (name, name, ", ".join("%s=..." % k for k in sorted(params)), e))
    return None


def _bound_names(node):
    """Top-level names a statement binds (def, class, assignment, import)."""
    import ast

    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [node.name]
    if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return [t.id for t in targets if isinstance(t, ast.Name)]
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return [(a.asname or a.name).split(".")[0] for a in node.names]
    if isinstance(node, (ast.If, ast.Try)):  # e.g. a def under `if sys.version_info ...`
        names = []
        for part in (getattr(node, "body", []), getattr(node, "orelse", []),
                     getattr(node, "finalbody", [])):
            for child in part:
                names.extend(_bound_names(child))
        return names
    return []


def _no_such_param(name, param):
    return _problem(
        "param",
        "`%s` has no parameter `%s`, so the workload's key `%s` cannot be passed to it"
        % (name, param, param),
        param,
    )


def _check_def(node, params):
    """Checks a `def` against fn(index, **params) from its source alone."""
    args = node.args
    posonly = list(getattr(args, "posonlyargs", []))
    positional = posonly + list(args.args)
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    name = node.name
    if not positional and args.vararg is None:
        return _problem("signature", "`%s` takes no argument for the task index: define it as "
                        "def %s(index, ...)" % (name, name))
    # The first positional parameter (or *args) takes the index; the rest take keywords.
    by_keyword = [a.arg for a in positional[1:] if a not in posonly]
    by_keyword += [a.arg for a in args.kwonlyargs]
    for key in sorted(params):
        if key not in by_keyword and args.kwarg is None:
            return _no_such_param(name, key)
    for arg, default in list(zip(positional, defaults))[1:]:
        if default is None and arg in posonly:
            return _problem("signature", "`%s` needs the positional-only `%s`, which no workload "
                            "key can fill: make it an ordinary parameter" % (name, arg.arg))
        if default is None and arg.arg not in params:
            return _problem("signature", "`%s` needs `%s`, which the workload does not set: add "
                            "%s = ... to the workload, or give it a default"
                            % (name, arg.arg, arg.arg))
    for arg, default in zip(args.kwonlyargs, args.kw_defaults):
        if default is None and arg.arg not in params:
            return _problem("signature", "`%s` needs `%s`, which the workload does not set: add "
                            "%s = ... to the workload, or give it a default"
                            % (name, arg.arg, arg.arg))
    return None


# --------------------------------------------------------------------------------------------
# The measured window's own accounting: CPU time and run-queue wait of this process, of the
# threads it starts and of its worker processes, from the start of the window to its end,
# so that nothing of the interpreter's start-up or exit is in them.
# --------------------------------------------------------------------------------------------

# parabench's switch for probes (`runq` switches run-queue wait off here too).
DISABLE_ENV = "PARABENCH_DISABLE_PROBES"


def _wait_ns(path):
    """Run-queue wait in ns, the second field of a schedstat file; None if unreadable."""
    try:
        with open(path, "rb") as f:
            return int(f.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None


class Waits(object):
    """Run-queue wait (Linux schedstat) of this process's threads over a window: every
    thread that ends during it reads /proc/thread-self/schedstat as its last act (see
    ``Thread.run`` below), and at the end the threads still alive, the window's own thread
    among them, add what they waited since the start (or since they were born)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.on = False
        self.enabled = "runq" not in [
            p.strip() for p in os.environ.get(DISABLE_ENV, "").split(",")
        ]

    def _alive(self):
        """tid -> wait so far, for every thread of this process; None if unreadable."""
        waits = {}
        try:
            tids = os.listdir("/proc/self/task")
        except OSError:
            return None
        for tid in tids:
            ns = _wait_ns("/proc/self/task/%s/schedstat" % tid)
            if ns is not None:
                waits[int(tid)] = ns
        return waits

    def start(self, from_birth=False):
        """Starts counting; `from_birth` counts each thread's whole wait (a worker process
        counts everything it waited since it was started for the run)."""
        self.ns = 0
        self.ended = set()
        self.before = {} if from_birth else (self._alive() or {})
        self.missing = not self.enabled or _wait_ns("/proc/thread-self/schedstat") is None
        self.on = self.enabled

    def thread_done(self):
        """Called by a thread as it ends."""
        if not self.on:
            return
        ns = _wait_ns("/proc/thread-self/schedstat")
        tid = threading.get_native_id()
        with self.lock:
            if ns is None:
                self.missing = True
            else:
                self.ns += ns - self.before.get(tid, 0)
                self.ended.add(tid)

    def stop(self):
        """Ends counting; the total in ns, or None if some thread could not read its own."""
        if not self.on:
            return None
        self.on = False
        alive = self._alive()
        with self.lock:
            if alive is None or self.missing:
                return None
            for tid, ns in alive.items():
                if tid not in self.ended:
                    self.ns += ns - self.before.get(tid, 0)
            return self.ns


WAITS = Waits()

_thread_run = threading.Thread.run


def _run_then_count(self):
    try:
        _thread_run(self)
    finally:
        WAITS.thread_done()


# Every thread started while a window is open adds its run-queue wait as its last act: ours,
# the executors' and pools' (they run their loops through Thread.run), and the user's.
threading.Thread.run = _run_then_count


class WorkerReports(object):
    """Worker processes of a process model say what they did in a file the coordinator reads
    after the window: ``start <pid>`` once the worker is up, and as it exits (at the end of
    the pool, inside the window) ``end <pid> <ppid> <user_s> <sys_s> <wait_ns or ->``, its
    own getrusage and run-queue wait. A worker whose parent is the coordinator is reaped by
    it inside the window, so its CPU time is already in the coordinator's RUSAGE_CHILDREN;
    the others (children of a forkserver) count only through their report."""

    def __init__(self):
        fd, self.path = tempfile.mkstemp(prefix="parabench-py-workers-")
        os.close(fd)

    def read(self):
        """(CPU (user, sys) of workers that are not the coordinator's children, their summed
        wait in ns; either None when some worker that started did not report)."""
        started, ended = set(), {}
        try:
            with open(self.path) as f:
                for line in f:
                    fields = line.split()
                    if fields[:1] == ["start"] and len(fields) == 2:
                        started.add(int(fields[1]))
                    elif fields[:1] == ["end"] and len(fields) == 6:
                        ended[int(fields[1])] = fields[2:]
        except (OSError, ValueError):
            return None, None
        if started - set(ended):
            return None, None
        me, user, system, wait, waits_known = os.getpid(), 0.0, 0.0, 0, True
        for ppid, u, s, w in ended.values():
            if int(ppid) != me:
                user += float(u)
                system += float(s)
            if w == "-":
                waits_known = False
            else:
                wait += int(w)
        return (user, system), (wait if waits_known else None)

    def discard(self):
        try:
            os.remove(self.path)
        except OSError:
            pass


_WORKER = {"path": None, "reported": False}


def _worker_write(line):
    fd = os.open(_WORKER["path"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode())
    finally:
        os.close(fd)


def _worker_report():
    """A worker's last act: its own CPU time and run-queue wait, for the coordinator."""
    if _WORKER["reported"] or _WORKER["path"] is None:
        return
    _WORKER["reported"] = True
    wait = WAITS.stop()
    ru = resource.getrusage(resource.RUSAGE_SELF)
    _worker_write("end %d %d %.6f %.6f %s\n" % (
        os.getpid(), os.getppid(), ru.ru_utime, ru.ru_stime, "-" if wait is None else wait))


def worker_start(path):
    """Pool initializer of the process models: counts from the worker's birth and reports
    as it exits. The pools let their workers exit (a worker killed by a signal cannot
    report: then the run's CPU time and wait are left out)."""
    _WORKER["path"], _WORKER["reported"] = path, False
    WAITS.lock = threading.Lock()  # a fork copies the lock as it was
    WAITS.start(from_birth=True)
    multiprocessing.util.Finalize(None, _worker_report, exitpriority=100)
    _worker_write("start %d\n" % os.getpid())


# When the model's pool, threads or event loop were ready (see ready()); None: not yet.
_READY = [None]


def ready():
    """Called by a model once its pool, threads or event loop have started: what the window
    spent until then is its setup_s."""
    if _READY[0] is None:
        _READY[0] = time.perf_counter()


class Measurement(object):
    """One run of a model: what the last stdout line reports (see the module's docs)."""

    __slots__ = ("elapsed_s", "checksum", "setup_s", "start_ns", "user_s", "sys_s",
                 "runq_wait_s")

    def __init__(self, **fields):
        for name in self.__slots__:
            setattr(self, name, fields.get(name))

    def line(self):
        parts = ["elapsed_s=%.9f" % self.elapsed_s, "checksum=%d" % self.checksum]
        for name, form in (("setup_s", "%.9f"), ("start_ns", "%d"), ("user_s", "%.6f"),
                           ("sys_s", "%.6f"), ("runq_wait_s", "%.9f")):
            value = getattr(self, name)
            if value is not None:
                parts.append(("%s=" + form) % (name, value))
        return " ".join(parts)


# --------------------------------------------------------------------------------------------
# Models. Each takes (task, workers, tasks) and returns the checksum.
# --------------------------------------------------------------------------------------------


def total(task, results):
    """The run's checksum from the results that reached the coordinator: their sum, or for
    data kernels the sum of the CRC-32s of the bytes received."""
    if task.returns_data:
        return sum(map(zlib.crc32, results)) & MASK
    return sum(results) & MASK


def run_sequential(task, workers, n):
    ready()
    if task.returns_data:
        return total(task, (task(i) for i in range(n)))
    checksum = 0
    for i in range(n):
        checksum += task(i)
    return checksum & MASK


def run_threading(task, workers, n):
    if task.returns_data:
        return _threading_data(task, workers, n)
    jobs = queue.Queue()
    for i in range(n):
        jobs.put(i)
    for _ in range(workers):
        jobs.put(None)  # one stop marker per thread
    lock = threading.Lock()
    partial_sums = []
    errors = []

    def worker():
        subtotal = 0
        while True:
            i = jobs.get()
            if i is None:
                break
            if errors:
                continue  # a task failed: drain the queue without doing more work
            try:
                subtotal += task(i)
            except BaseException as e:
                with lock:
                    errors.append(e)
        with lock:
            partial_sums.append(subtotal)

    threads = [
        threading.Thread(target=worker, name="kernel-worker-%d" % w) for w in range(workers)
    ]
    for t in threads:
        t.start()
    ready()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return sum(partial_sums) & MASK


def _threading_data(task, workers, n):
    """threading for data kernels: each worker puts one result per task on a bounded queue
    (None for a failed or skipped task) and the main thread checksums what arrives."""
    jobs = queue.Queue()
    for i in range(n):
        jobs.put(i)
    for _ in range(workers):
        jobs.put(None)
    results = queue.Queue(maxsize=workers)
    errors = []

    def worker():
        while True:
            i = jobs.get()
            if i is None:
                return
            value = None
            if not errors:
                try:
                    value = task(i)
                except BaseException as e:
                    errors.append(e)
            results.put(value)

    threads = [
        threading.Thread(target=worker, name="kernel-worker-%d" % w) for w in range(workers)
    ]
    for t in threads:
        t.start()
    ready()
    checksum = 0
    for _ in range(n):
        value = results.get()
        if value is not None:
            checksum += zlib.crc32(value)
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return checksum & MASK


def _mp():
    return _MP_CONTEXT or multiprocessing


def run_multiprocessing(task, workers, n, reports):
    with _mp().Pool(workers, initializer=worker_start, initargs=(reports.path,)) as pool:
        ready()
        results = pool.map(task, range(n))
        # Let the workers exit, rather than the SIGTERM of `with`'s terminate(), so that each
        # reports its own CPU time as it goes (the time this takes stays in the run).
        pool.close()
        pool.join()
    return total(task, results)


async def _asyncio_main(task, workers, n):
    ready()
    jobs = asyncio.Queue()  # created inside the running loop (required on 3.8/3.9)
    for i in range(n):
        jobs.put_nowait(i)
    for _ in range(workers):
        jobs.put_nowait(None)

    async def worker(slot):
        _SLOT.set("slot%d" % slot)  # each worker is its own asyncio task, with its own context
        subtotal = 0
        while True:
            i = await jobs.get()
            if i is None:
                return subtotal
            result = await task.run_async(i)
            # One thread: the worker coroutine hands the bytes to the loop's own checksum.
            subtotal += zlib.crc32(result) if task.returns_data else result

    partial_sums = await asyncio.gather(*[worker(k) for k in range(workers)])
    return sum(partial_sums) & MASK


def run_asyncio(task, workers, n):
    return asyncio.run(_asyncio_main(task, workers, n))


def run_threadpool(task, workers, n):
    # Its threads start on demand, as tasks are submitted: setup_s is the constructor only.
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as executor:
        ready()
        return total(task, executor.map(task, range(n)))


def pool_chunksize(n, workers):
    """The chunk size multiprocessing.Pool.map picks by default: ceil(n / (4 * workers))."""
    chunks, extra = divmod(n, 4 * workers)
    return max(1, chunks + (1 if extra else 0))


def run_processpool(task, workers, n, reports):
    # Its processes start when the first tasks are submitted: setup_s is the constructor only.
    executor = concurrent.futures.ProcessPoolExecutor(
        max_workers=workers, mp_context=_mp(), initializer=worker_start,
        initargs=(reports.path,))
    with executor:
        ready()
        results = executor.map(task, range(n), chunksize=pool_chunksize(n, workers))
        return total(task, results)


def run_dummy(task, workers, n):
    with multiprocessing.dummy.Pool(workers) as pool:
        ready()
        results = pool.map(task, range(n))
    return total(task, results)


async def _to_thread_main(task, workers, n):
    loop = asyncio.get_running_loop()
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as executor:
        ready()
        results = await asyncio.gather(
            *[loop.run_in_executor(executor, task, i) for i in range(n)]
        )
    return total(task, results)


def run_to_thread(task, workers, n):
    return asyncio.run(_to_thread_main(task, workers, n))


RUNNERS = {
    "sequential": run_sequential,
    "threading": run_threading,
    "multiprocessing": run_multiprocessing,
    "asyncio": run_asyncio,
    "threadpool": run_threadpool,
    "processpool": run_processpool,
    "dummy": run_dummy,
    "to_thread": run_to_thread,
}


# Models whose workers are processes: they take a WorkerReports.
PROCESS_MODELS = ("multiprocessing", "processpool")


def run_benchmark(model, kernel, workers, tasks, params, function=None):
    """Runs one measurement and returns its Measurement. Raises on task failure. With
    `function` (a target, see --function) the user's function is the kernel: the coordinator
    imports it before the window starts.

    The window is what ``elapsed_s`` times: the model's run, its pool, threads or processes
    started and stopped inside it. CPU time is getrusage's of this process (every thread)
    and of the children it reaped inside the window, plus what worker processes that are
    not its children reported; run-queue wait is summed over the threads (see Waits) and
    reported by every worker process. A field that cannot be had is left out of the line."""
    params = dict(params)
    folder = None
    if kernel == "file":
        folder = tempfile.mkdtemp(prefix="parabench-py-file-")
        params["dir"] = folder
    if kernel == "http":
        _enough_descriptors(workers)
    reports = None
    try:
        if function is not None:
            load_function(function)
            task = FunctionTask(function, params)
        else:
            task = Task(kernel, params)
        runner = RUNNERS[model]
        args = (task, workers, tasks)
        if model in PROCESS_MODELS:
            reports = WorkerReports()
            args += (reports,)
        _READY[0] = None
        WAITS.start()
        self0 = resource.getrusage(resource.RUSAGE_SELF)
        kids0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        start_ns = time.monotonic_ns()
        start = time.perf_counter()
        try:
            checksum = runner(*args)
        finally:
            end = time.perf_counter()
            self1 = resource.getrusage(resource.RUSAGE_SELF)
            kids1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            wait_ns = WAITS.stop()
        user = self1.ru_utime - self0.ru_utime + kids1.ru_utime - kids0.ru_utime
        system = self1.ru_stime - self0.ru_stime + kids1.ru_stime - kids0.ru_stime
        if reports is not None:
            cpu, workers_wait = reports.read()
            if cpu is None:
                user = system = None
            else:
                user, system = user + cpu[0], system + cpu[1]
            if workers_wait is None:
                wait_ns = None
            elif wait_ns is not None:
                wait_ns += workers_wait
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        if reports is not None:
            reports.discard()
    return Measurement(
        elapsed_s=end - start,
        checksum=checksum,
        setup_s=(_READY[0] if _READY[0] is not None else end) - start,
        start_ns=start_ns,
        user_s=user,
        sys_s=system,
        runq_wait_s=None if wait_ns is None else wait_ns / 1e9,
    )


def _enough_descriptors(workers):
    """Raises the soft limit on open files for http runs with many connections in flight (a
    socket each), as far as the hard limit allows."""
    want = 2 * workers + 64
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < want:
        target = want if hard == resource.RLIM_INFINITY else min(want, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError):
            pass


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def build_parser():
    parser = argparse.ArgumentParser(
        prog="kernels.py",
        description="Run N tasks of a kernel with W workers under a CPython concurrency "
        "model; the last stdout line is `elapsed_s=<float> checksum=<int>`.",
        epilog="Exit status: 0 ok, 1 a task failed, 2 bad arguments.",
    )
    parser.add_argument("--model", choices=MODELS, help="concurrency model")
    parser.add_argument("--kernel", choices=KERNELS, help="what each task does")
    parser.add_argument("--workers", type=int, metavar="W", help="worker count (>= 1)")
    parser.add_argument("--tasks", type=int, metavar="N", help="task count (>= 1)")
    for name, (default, low, high) in sorted(PARAM_BOUNDS.items()):
        flags = ["--" + name.replace("_", "-")]
        if "_" in name:
            flags.append("--" + name)
        parser.add_argument(
            *flags,
            dest=name,
            type=int,
            default=default,
            metavar="INT",
            help="%s (%d-%d, default %d)" % (PARAM_HELP[name], low, high, default),
        )
    parser.add_argument("--url", help="http kernel: the loopback URL to GET")
    parser.add_argument(
        "--function",
        metavar="TARGET",
        help="run your own function instead of a kernel: FILE.py:NAME or MODULE:NAME, "
        "called as NAME(index, **params) once per task",
    )
    parser.add_argument(
        "--params-json",
        metavar="JSON",
        default="{}",
        help="with --function or --check-function: the keyword arguments, a JSON object",
    )
    parser.add_argument(
        "--check-function",
        metavar="TARGET",
        help="check that TARGET can be called with --params-json (a file is parsed, not run; "
        "a module is imported) and print one JSON line: {\"ok\": true} or what is wrong",
    )
    parser.add_argument(
        "--self-test", action="store_true", help="check every kernel under every model"
    )
    return parser


def loopback_problem(url):
    """None when url is an http:// URL on a loopback host, else what is wrong with it."""
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # raises ValueError for a malformed port
    except ValueError as e:
        return "bad URL %r: %s" % (url, e)
    if parts.scheme != "http":
        return "only http:// URLs are supported, got %r" % url
    host = parts.hostname
    if not host:
        return "no host in URL %r" % url
    if host == "localhost":
        return None
    try:
        if ipaddress.ip_address(host).is_loopback:
            return None
    except ValueError:
        pass
    return "refusing %r: the http kernel only talks to loopback addresses such as 127.0.0.1" % url


def validated(parser, args):
    """Checks the arguments (parser.error exits with status 2) and returns the run's settings."""
    if args.function is not None:
        if args.kernel is not None:
            parser.error("give --kernel or --function, not both")
        if ":" not in args.function:
            parser.error("--function takes FILE.py:NAME or MODULE:NAME, got %r" % args.function)
        args.kernel = "function"
    for name in ("model", "kernel", "workers", "tasks"):
        if getattr(args, name) is None:
            parser.error("--%s is required (or use --self-test)" % name)
    if args.workers < 1:
        parser.error("--workers must be at least 1, got %d" % args.workers)
    if args.tasks < 1:
        parser.error("--tasks must be at least 1, got %d" % args.tasks)
    if args.function is not None:
        return args.model, None, args.workers, args.tasks, params_json(parser, args)
    params = {}
    for name, (default, low, high) in PARAM_BOUNDS.items():
        value = getattr(args, name)
        if not low <= value <= high:
            parser.error(
                "--%s must be between %d and %d, got %d"
                % (name.replace("_", "-"), low, high, value)
            )
        params[name] = value
    if args.kernel == "http":
        if not args.url:
            parser.error("the http kernel needs --url")
        problem = loopback_problem(args.url)
        if problem:
            parser.error(problem)
        params["url"] = args.url
    return args.model, args.kernel, args.workers, args.tasks, params


def params_json(parser, args):
    import json

    try:
        params = json.loads(args.params_json)
    except ValueError as e:
        parser.error("--params-json is not JSON: %s" % e)
    if not isinstance(params, dict):
        parser.error("--params-json must be a JSON object of keyword arguments")
    return params


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.self_test:
        return self_test()
    if args.check_function is not None:
        import json

        problem = check_function(args.check_function, params_json(parser, args))
        print(json.dumps(problem or {"ok": True}), flush=True)
        return 0
    model, kernel, workers, tasks, params = validated(parser, args)
    try:
        measured = run_benchmark(model, kernel, workers, tasks, params, args.function)
    except Exception as e:
        sys.stdout.flush()
        if args.function is not None:
            print("%s" % e, file=sys.stderr)  # names the function, the task and the frame
        else:
            print("kernels.py: %s/%s failed: %s" % (model, kernel, e), file=sys.stderr)
        return 1
    if args.function is not None:
        sys.stdout.write("\n")  # the user's function may have printed half a line
    print(measured.line(), flush=True)
    return 0


# --------------------------------------------------------------------------------------------
# Self-test
# --------------------------------------------------------------------------------------------


def start_test_server(body_bytes, delay_s):
    """A ThreadingHTTPServer on 127.0.0.1 (port picked by the OS) in a background thread."""
    import http.server

    class _TestHandler(http.server.BaseHTTPRequestHandler):
        """Serves body_bytes bytes after delay_s on any path; /missing answers 404 and
        /chunked sends the same body with chunked transfer encoding."""

        protocol_version = "HTTP/1.1"
        body = b"x" * body_bytes
        delay = delay_s

        def do_GET(self):
            if self.path.startswith("/missing"):
                self.send_error(404)
                return
            time.sleep(self.delay)
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            if self.path.startswith("/chunked"):
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for at in range(0, len(self.body), 1000):
                    piece = self.body[at : at + 1000]
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                self.wfile.write(b"0\r\n\r\n")
            else:
                self.send_header("Content-Length", str(len(self.body)))
                self.end_headers()
                self.wfile.write(self.body)
            self.close_connection = True

        def log_message(self, format, *args):
            pass

    class Server(http.server.ThreadingHTTPServer):
        request_queue_size = 128
        daemon_threads = True

    server = Server(("127.0.0.1", 0), _TestHandler)
    thread = threading.Thread(target=server.serve_forever, name="test-http", daemon=True)
    thread.start()
    return server, "http://127.0.0.1:%d/" % server.server_address[1]


def _closed_loopback_port():
    import socket

    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port




# A module of user functions for the self-test (written to a temporary file). The line of
# `1 // x` is USER_FIXTURE_HELPER_LINE.
USER_FUNCTION_FIXTURE = """import asyncio


def helper(x):
    return 1 // x


def times(index, k):
    return index * k


async def waits(index, ms=1):
    await asyncio.sleep(ms / 1000)
    return index


def nothing(index):
    return None


def flag(index):
    return index == 1 or index == 2


def divides(index):
    return helper(index - 3)


def text(index):
    return "abc"


def noindex():
    return 0


alias = times
"""
USER_FIXTURE_HELPER_LINE = 5


def check_http_response(report):
    """The shared response reader, fed whole and byte by byte."""
    body = b"x" * 300
    plain = b"HTTP/1.1 200 OK\r\nContent-Length: 300\r\n\r\n" + body
    chunked = (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
               b"64;ext=1\r\n" + body[:100] + b"\r\nc8\r\n" + body[100:] + b"\r\n0\r\n"
               b"Trailer: x\r\n\r\n")
    interim = b"HTTP/1.1 100 Continue\r\n\r\n" + plain
    for name, raw in (("content-length", plain), ("chunked", chunked), ("interim 100", interim)):
        for step in (len(raw), 1, 7):
            r = HttpResponse("u")
            done = [r.feed(raw[i:i + step]) for i in range(0, len(raw), step)]
            report(done[-1] and not any(done[:-1]) and r.received == 300,
                   "http response %s in pieces of %d bytes" % (name, step),
                   "done %s, %d bytes" % (done[-3:], r.received))
    r = HttpResponse("u")
    r.feed(b"HTTP/1.0 200 OK\r\nServer: x\r\n\r\nabc")
    r.feed(b"de")
    r.eof()
    report(r.received == 5, "http body ended by the server's close", "%d bytes" % r.received)
    for name, raw in (("404", b"HTTP/1.1 404 Not Found\r\n\r\n"),
                      ("redirect", b"HTTP/1.1 302 Found\r\nLocation: http://x/\r\n\r\n"),
                      ("garbage", b"SSH-2.0-OpenSSH\r\n\r\n")):
        try:
            HttpResponse("u").feed(raw)
            report(False, "http %s fails the task" % name, "no error")
        except KernelError as e:
            report(True, "http %s fails the task" % name, str(e))
    r = HttpResponse("u")
    r.feed(plain[:60])
    try:
        r.eof()
        report(False, "http close inside a counted body fails", "no error")
    except KernelError:
        report(True, "http close inside a counted body fails")


def check_window_accounting(report):
    """CPU time and run-queue wait cover the window, worker processes included."""
    work = {"limit": 20000}
    # The loop's CPU time, the least of three: this VM's CPUs can run at half speed for a
    # while, which makes a single measurement of CPU time up to twice too long.
    cpu_alone = min(m.user_s + m.sys_s
                    for m in (run_benchmark("sequential", "primes", 1, 6, work) for _ in range(3)))
    methods = [m for m in ("fork", "spawn", "forkserver")
               if m in multiprocessing.get_all_start_methods()]
    global _MP_CONTEXT
    for method in methods:
        _MP_CONTEXT = multiprocessing.get_context(method)
        try:
            for model in PROCESS_MODELS:
                m = run_benchmark(model, "primes", 2, 6, work)
                cpu = (m.user_s or 0) + (m.sys_s or 0)
                # The work runs in the workers; without them the coordinator's CPU is a few ms
                # (the loop's is about 40 ms), so half the loop's tells them apart on a host
                # whose speed moved between the two measurements.
                report(m.user_s is not None and cpu > 0.5 * cpu_alone,
                       "%s (%s): the workers' CPU time is counted" % (model, method),
                       "%.3f s CPU vs %.3f s for the loop" % (cpu, cpu_alone))
                report(m.runq_wait_s is not None or not WAITS.enabled
                       or _wait_ns("/proc/thread-self/schedstat") is None,
                       "%s (%s): run-queue wait reported" % (model, method))
        finally:
            _MP_CONTEXT = None
    m = run_benchmark("asyncio", "sleep", 4, 8, {"ms": 20})
    cpu = m.user_s + m.sys_s
    report(cpu < 0.25 * m.elapsed_s, "asyncio sleeping: CPU time well below elapsed time",
           "%.4f s CPU in %.3f s" % (cpu, m.elapsed_s))
    m = run_benchmark("threading", "spin", 3, 6, {"iters": 20000})
    report(m.runq_wait_s is not None or _wait_ns("/proc/thread-self/schedstat") is None,
           "threading: run-queue wait summed over its threads")
    report(0 <= m.setup_s <= m.elapsed_s, "setup_s lies inside the window",
           "%.6f of %.6f s" % (m.setup_s, m.elapsed_s))


def self_test():
    import re
    import subprocess

    started = time.perf_counter()
    counts = [0, 0]  # passed, failed

    def report(ok, what, detail=""):
        counts[0 if ok else 1] += 1
        print("%s %s%s" % ("ok  " if ok else "FAIL", what, (": " + detail) if detail else ""),
              flush=True)

    def check_equal(what, got, want):
        report(got == want, what, "" if got == want else "got %r, expected %r" % (got, want))

    def check_fails(what, fn):
        try:
            fn()
        except Exception as e:
            report(True, what, "failed as expected (%s)" % type(e).__name__)
        else:
            report(False, what, "expected an error, got none")

    def run(model, kernel, workers, tasks, params):
        return run_benchmark(model, kernel, workers, tasks, params).checksum

    # Values worked out without the kernels. Spin: three LCG steps from 0, written out.
    x1 = (0 * LCG_MUL + LCG_INC) % 2 ** 64
    x2 = (x1 * LCG_MUL + LCG_INC) % 2 ** 64
    x3 = (x2 * LCG_MUL + LCG_INC) % 2 ** 64
    check_equal("spin by hand: 3 steps from 0, top 32 bits", x3 >> 32, 2599843874)
    check_equal("primes below 10", count_primes(10), 4)
    check_equal("primes below 100", count_primes(100), 25)
    check_equal("is_prime agrees with count_primes below 1000",
                sum(1 for n in range(1000) if is_prime(n)), count_primes(1000))
    # File, 300 bytes from index 0: bytes 0..255 (sum 32640), then 0..43 (sum 946).
    check_equal("file pattern sum, 300 bytes, index 0", sum(file_pattern(0, 300)), 32640 + 946)
    check_equal("file pattern byte k is (index + k) % 256",
                list(file_pattern(7, 600)), [(7 + k) % 256 for k in range(600)])
    check_equal("pool chunk size like Pool.map", [pool_chunksize(16, 2), pool_chunksize(17, 2),
                                                  pool_chunksize(1, 3)], [2, 3, 1])

    check_http_response(report)
    http_bytes = 3000
    server, url = start_test_server(http_bytes, 0.002)
    before = set(os.listdir(tempfile.gettempdir()))
    try:
        # (kernel, params, tasks, expected checksum or None = whatever sequential gives)
        cases = [
            ("primes", {"limit": 10000}, 1, 1229),
            ("primes", {"limit": 2000}, 5, 5 * 303),
            ("spin", {"iters": 3}, 1, 2599843874),
            ("spin", {"iters": 1000}, 5, None),
            ("alloc", {"size": 3}, 2, 27),  # per task 9 + 9 * index: 9 + 18
            ("alloc", {"size": 40}, 4, None),
            ("sleep", {"ms": 1}, 4, 4),
            ("noop", {}, 10, 45),
            # crc32(bytes(range(10))), as parabench's payload kernel computes it.
            ("payload", {"bytes": 10}, 1, 1164760902),
            ("payload", {"bytes": 70000}, 5, None),
            ("file", {"bytes": 300}, 1, 33586),
            ("file", {"bytes": 5000}, 4, None),
            ("http", {"url": url, "delay_ms": 2}, 4, 4 * http_bytes),
        ]
        for kernel, params, tasks, expected in cases:
            label = "%s %s N=%d" % (
                kernel,
                " ".join("%s=%s" % kv for kv in sorted(params.items()) if kv[0] != "url"),
                tasks,
            )
            try:
                reference = run("sequential", kernel, 1, tasks, params)
            except Exception as e:
                report(False, "sequential %s" % label, "raised %s" % e)
                continue
            if expected is not None:
                check_equal("sequential %s = %d" % (label, expected), reference, expected)
            for model in MODELS:
                if model == "sequential":
                    continue
                for workers in (1, 3):
                    what = "%-15s W=%d %s" % (model, workers, label)
                    try:
                        check_equal(what, run(model, kernel, workers, tasks, params), reference)
                    except Exception as e:
                        report(False, what, "raised %s" % e)

        # HTTP details: chunked bodies, error statuses, refused connections.
        for model in ("sequential", "asyncio"):
            check_equal("%s http chunked body" % model,
                        run(model, "http", 2, 2, {"url": url + "chunked", "delay_ms": 0}),
                        2 * http_bytes)
        for model in ("sequential", "threading", "asyncio", "processpool", "to_thread"):
            check_fails("%s http 404 is an error" % model,
                        lambda m=model: run(m, "http", 2, 3, {"url": url + "missing"}))
        dead = "http://127.0.0.1:%d/" % _closed_loopback_port()
        for model in ("sequential", "asyncio", "multiprocessing"):
            check_fails("%s http refused connection is an error" % model,
                        lambda m=model: run(m, "http", 2, 2, {"url": dead}))

        # Spawned children must be able to import this file.
        global _MP_CONTEXT
        if "spawn" in multiprocessing.get_all_start_methods():
            _MP_CONTEXT = multiprocessing.get_context("spawn")
            try:
                for model in ("multiprocessing", "processpool"):
                    check_equal("%s with the spawn start method" % model,
                                run(model, "primes", 2, 4, {"limit": 2000}), 4 * 303)
            finally:
                _MP_CONTEXT = None
        check_window_accounting(report)
    finally:
        server.shutdown()
        server.server_close()
    leftovers = sorted(n for n in set(os.listdir(tempfile.gettempdir())) - before
                       if n.startswith("parabench-py-file-"))
    check_equal("file kernel left no temporary folders", leftovers, [])

    # The user's own function (--function): every model, plain and async, failures.
    folder = tempfile.mkdtemp(prefix="parabench-py-function-")
    try:
        path = os.path.join(folder, "userwork.py")
        with open(path, "w") as f:
            f.write(USER_FUNCTION_FIXTURE)
        target = lambda name: "%s:%s" % (path, name)  # noqa: E731
        for name, params, tasks, expected in [
            ("times", {"k": 3}, 5, 3 * 10),
            ("waits", {"ms": 1}, 4, 6),
            ("nothing", {}, 3, 0),
            ("flag", {}, 3, 2),  # True counts as 1
        ]:
            for model in MODELS:
                for workers in (1, 3):
                    what = "function %-15s W=%d %s" % (model, workers, name)
                    try:
                        got = run_benchmark(model, None, workers, tasks, params,
                                            target(name)).checksum
                        check_equal(what, got, expected)
                    except Exception as e:
                        report(False, what, "raised %s" % e)
        for model in ("sequential", "threading", "multiprocessing", "asyncio", "processpool"):
            for name, want in [
                ("divides", "ZeroDivisionError: integer division or modulo by zero "
                            "(%s:%d in helper)" % (shown_path(path), USER_FIXTURE_HELPER_LINE)),
                ("text", "returned str 'abc': return an int"),
                ("missing", "defines no `missing`"),
            ]:
                try:
                    run_benchmark(model, None, 2, 5, {}, target(name))
                    report(False, "function %s %s fails" % (model, name), "no error")
                except Exception as e:
                    report(want in str(e), "function %s %s fails and says why" % (model, name),
                           str(e))
        for name, params, problem in [
            ("times", {"k": 1}, None),
            ("times", {"k": 1, "j": 2}, "param"),
            ("times", {}, "signature"),
            ("waits", {"ms": 1}, None),
            ("alias", {"k": 1}, None),
            ("missing", {}, "name"),
            ("noindex", {}, "signature"),
        ]:
            got = check_function(target(name), params)
            check_equal("check_function %s %s" % (name, sorted(params)),
                        got and got["problem"], problem)
        check_equal("check_function json:loads (a module)",
                    check_function("json:loads", {}), None)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    # The command line, as parabench runs it.
    me = [sys.executable, os.path.abspath(__file__)]

    def cli(*extra, env=None):
        return subprocess.run(me + list(extra), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True, timeout=60, env=env)

    base = ["--workers", "2", "--tasks", "10"]
    done = cli("--model", "threading", "--kernel", "noop", *base)
    last = done.stdout.rstrip("\n").split("\n")[-1]
    shape = re.match(r"^elapsed_s=[0-9]+\.[0-9]+ checksum=45 setup_s=[0-9]+\.[0-9]+ "
                     r"start_ns=[0-9]+ user_s=[0-9.]+ sys_s=[0-9.]+( runq_wait_s=[0-9.]+)?$",
                     last) is not None
    report(done.returncode == 0 and shape and done.stdout.endswith(last + "\n"),
           "cli prints `elapsed_s=<float> checksum=45 setup_s=... start_ns=... user_s=... "
           "sys_s=... [runq_wait_s=...]` as its last line", repr(done.stdout[-200:]))
    for extra, why in [
        (["--model", "nope", "--kernel", "noop"] + base, "unknown model"),
        (["--model", "threading", "--kernel", "noop", "--workers", "0", "--tasks", "3"],
         "zero workers"),
        (["--model", "threading", "--kernel", "primes", "--limit", "1"] + base, "limit below 2"),
        (["--model", "sequential", "--kernel", "http"] + base, "http without --url"),
        (["--model", "sequential", "--kernel", "http", "--url", "http://192.0.2.1/"] + base,
         "http to a non-loopback host"),
        (["--kernel", "noop"] + base, "missing --model"),
    ]:
        done = cli(*extra)
        report(done.returncode == 2 and "elapsed_s=" not in done.stdout and done.stderr.strip(),
               "cli exits 2 on bad arguments (%s)" % why, "exit %d" % done.returncode)
    done = cli("--model", "asyncio", "--kernel", "http", "--url", dead, *base)
    report(done.returncode == 1 and "elapsed_s=" not in done.stdout and "failed" in done.stderr,
           "cli exits 1 without a result line when a task fails", "exit %d" % done.returncode)

    # Timeline lines: one per task, from every kind of worker.
    folder = tempfile.mkdtemp(prefix="parabench-py-timeline-")
    try:
        for model, kind in (("threading", ":"), ("multiprocessing", ":"), ("asyncio", "slot")):
            path = os.path.join(folder, model + ".txt")
            env = dict(os.environ, **{TIMELINE_ENV: path})
            done = cli("--model", model, "--kernel", "sleep", "--ms", "1", *base, env=env)
            try:
                with open(path) as f:
                    lines = [line.split() for line in f]
            except OSError:
                lines = []
            shape = all(len(f) == 4 and kind in f[0] and int(f[2]) <= int(f[3]) for f in lines)
            tasks = sorted(int(f[1]) for f in lines)
            report(done.returncode == 0 and shape and tasks == list(range(10)),
                   "%s writes one timeline line per task" % model, "%d lines" % len(lines))
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    print("self-test took %.1f s" % (time.perf_counter() - started))
    print("%d passed, %d failed" % (counts[0], counts[1]), flush=True)
    return 0 if counts[1] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
