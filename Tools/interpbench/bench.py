#!/usr/bin/env python3
"""Measure multiple interpreters against the fork's performance targets.

The rows are the "Performance targets" table of the fork's specification.
The script uses only the public API of CPython 3.14 (concurrent.interpreters
and concurrent.futures), so the same file runs unchanged on CPython 3.14 and
on the fork; --compare runs it in a second Python and prints both columns.

Method: like timeit, each timed row first calibrates a loop count (growing
it until one run takes at least --min-time seconds, which also warms up), then
times that loop --repeat times and reports the best run (the smallest time,
or the highest rate).  The median is kept in the JSON output as well.

Usage:
    bench.py [--quick] [--rows ROW,...] [--json FILE] [--compare PYTHON]
"""

import argparse
import contextlib
import datetime
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import threading
import time

try:
    from concurrent import interpreters
except ImportError as exc:          # an interpreter without PEP 734
    interpreters = None
    _IMPORT_ERROR = f'{type(exc).__name__}: {exc}'
import concurrent.futures

# Timeout, in seconds, of every wait on another interpreter or thread, so
# that a broken implementation gives an error row instead of a hang.
TIMEOUT = 30.0

# The number of workers of the executor rows (fixed by the specification).
POOL_WORKERS = 2

MODES = {
    # min_time: seconds one timed run lasts at least; repeat: timed runs;
    # rss_n: interpreters created for the RSS row; cpu_time: seconds of
    # one CPU-bound work unit.
    'default': dict(min_time=0.4, repeat=7, rss_n=20, cpu_time=1.0,
                    cpu_repeat=4),
    'quick': dict(min_time=0.15, repeat=5, rss_n=10, cpu_time=0.3,
                  cpu_repeat=3),
    # Only checks that every row runs; its numbers mean nothing.
    'tiny': dict(min_time=0.0, repeat=1, rss_n=2, cpu_time=0.0,
                 cpu_repeat=1),
}


class Unavailable(Exception):
    """The Python being measured cannot run this row."""


class Row:
    """One row of the table: what is measured and its target."""

    def __init__(self, key, label, unit, func, *, target=None,
                 higher_is_better=False, spec314=''):
        self.key = key
        self.label = label
        self.unit = unit
        self.func = func
        self.target = target
        self.higher_is_better = higher_is_better
        self.spec314 = spec314

    def met(self, value):
        if value is None or self.target is None:
            return None
        if self.higher_is_better:
            return value >= self.target
        return value <= self.target


# ---------------------------------------------------------------------------
# Measuring helpers

def _measure(timer, cfg, *, max_number=10_000_000):
    """Time timer(number) like timeit; return (number, [seconds, ...]).

    The loop count grows from 1 until one run takes at least
    cfg['min_time']; these calibration runs are the warm-up.
    """
    number = 1
    while True:
        elapsed = timer(number)
        if elapsed >= cfg['min_time'] or number >= max_number:
            break
        if elapsed < 0.002:
            number *= 10
        else:
            # Aim 20% above min_time, growing at least twofold.
            number = max(number * 2,
                         int(number * cfg['min_time'] * 1.2 / elapsed))
        number = min(number, max_number)
    times = [timer(number) for _ in range(cfg['repeat'])]
    return number, times


def _per_op(number, times, scale):
    """Result of a latency row: best and median time per operation."""
    best = min(times) / number * scale
    median = statistics.median(times) / number * scale
    return dict(value=best, median=median, number=number,
                repeats=[t / number * scale for t in times])


def _per_second(number, times):
    """Result of a throughput row: best and median operations per second."""
    rates = [number / t for t in times]
    return dict(value=max(rates), median=statistics.median(rates),
                number=number, repeats=rates)


def _need_interpreters():
    if interpreters is None:
        raise Unavailable(f'no concurrent.interpreters ({_IMPORT_ERROR})')


class _ExecThread(threading.Thread):
    """Run interp.exec(code) in a thread of the main interpreter.

    The exception it raises, if any, is kept in self.error.
    """

    def __init__(self, interp, code, barrier=None):
        super().__init__(daemon=True)
        self.interp = interp
        self.code = code
        self.barrier = barrier
        self.error = None

    def run(self):
        try:
            if self.barrier is not None:
                self.barrier.wait(TIMEOUT)
            self.interp.exec(self.code)
        except BaseException as exc:
            self.error = exc


def _close_all(interps):
    for interp in interps:
        try:
            interp.close()
        except Exception:
            pass


def _echo(x):
    """The callable of the call() row: it depends on nothing but x."""
    return x


# ---------------------------------------------------------------------------
# The rows

def bench_call(cfg):
    _need_interpreters()
    interp = interpreters.create()
    try:
        call = interp.call
        f = _echo
        if call(f, 1) != 1:
            raise RuntimeError('interp.call(f, 1) did not return 1')

        def timer(number):
            t0 = time.perf_counter()
            for _ in range(number):
                call(f, 1)
            return time.perf_counter() - t0
        return _per_op(*_measure(timer, cfg), 1e6)
    finally:
        interp.close()


def bench_exec(cfg):
    _need_interpreters()
    interp = interpreters.create()
    try:
        run = interp.exec

        def timer(number):
            t0 = time.perf_counter()
            for _ in range(number):
                run('pass')
            return time.perf_counter() - t0
        return _per_op(*_measure(timer, cfg), 1e6)
    finally:
        interp.close()


# The echo loop of the ping-pong row, run in the sub-interpreter.
_ECHO_LOOP = """\
get = qin.get
put = qout.put
while True:
    item = get()
    if item is None:
        break
    put(item)
"""


@contextlib.contextmanager
def _loop_in_interpreter(code, what, stop_queue, stop_item, **shared):
    """Run code, a loop over the queues in "shared", in a new interpreter.

    The loop runs from a thread of this interpreter (see _ExecThread),
    which is yielded.  On exit stop_item goes on stop_queue to end the
    loop, the thread is joined and the interpreter closed; an error in
    the loop ("what" names it) is raised then.
    """
    interp = interpreters.create()
    thread = None
    try:
        interp.prepare_main(**shared)
        thread = _ExecThread(interp, code)
        thread.start()
        yield thread
    finally:
        if thread is not None:
            stop_queue.put(stop_item)
            thread.join(TIMEOUT)
            if thread.error is not None:
                raise RuntimeError(f'{what} failed: {thread.error!r}')
        interp.close()


def bench_pingpong(cfg):
    _need_interpreters()
    qin = interpreters.create_queue()
    qout = interpreters.create_queue()
    with _loop_in_interpreter(_ECHO_LOOP, 'echo loop', qin, None,
                              qin=qin, qout=qout) as thread:
        put = qin.put
        get = qout.get

        def timer(number):
            t0 = time.perf_counter()
            for i in range(number):
                put(i)
                try:
                    get(timeout=TIMEOUT)
                except interpreters.QueueEmpty:
                    raise RuntimeError(
                        f'no echo within {TIMEOUT:g} s: '
                        f'{thread.error!r}') from None
            return time.perf_counter() - t0
        return _per_op(*_measure(timer, cfg, max_number=1_000_000), 1e6)


# The consumer of the streaming row: takes items until None, then reports
# the end of the batch; False ends the loop.
_CONSUMER_LOOP = """\
get = items.get
while True:
    item = get()
    if item is None:
        done.put(None)
    elif item is False:
        break
"""


def bench_stream(cfg):
    _need_interpreters()
    items = interpreters.create_queue()
    done = interpreters.create_queue()
    with _loop_in_interpreter(_CONSUMER_LOOP, 'consumer', items, False,
                              items=items, done=done) as thread:
        put = items.put

        def timer(number):
            t0 = time.perf_counter()
            for i in range(number):
                put(i)
            put(None)
            try:
                done.get(timeout=TIMEOUT)
            except interpreters.QueueEmpty:
                raise RuntimeError(
                    f'consumer did not finish within {TIMEOUT:g} s: '
                    f'{thread.error!r}') from None
            return time.perf_counter() - t0
        return _per_second(*_measure(timer, cfg, max_number=20_000_000))


def bench_create(cfg):
    _need_interpreters()
    create = interpreters.create

    def timer(number):
        t0 = time.perf_counter()
        for _ in range(number):
            create().close()
        return time.perf_counter() - t0
    return _per_op(*_measure(timer, cfg, max_number=100_000), 1e3)


def _vmrss_kib():
    try:
        with open('/proc/self/status', encoding='ascii') as f:
            for line in f:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1])
    except OSError as exc:
        raise Unavailable(f'cannot read /proc/self/status: {exc}') from None
    raise Unavailable('no VmRSS in /proc/self/status')


def bench_rss(cfg):
    _need_interpreters()
    count = cfg['rss_n']
    _vmrss_kib()
    interpreters.create().close()     # warm up: imports, caches
    before = _vmrss_kib()
    interps = []
    try:
        for _ in range(count):
            interps.append(interpreters.create())
        after = _vmrss_kib()
    finally:
        _close_all(interps)
    per_interp = (after - before) / count / 1024
    return dict(value=per_interp, median=per_interp, number=count,
                repeats=[per_interp], rss_before_mib=before / 1024,
                rss_after_mib=after / 1024)


def _bench_pool(executor, cfg):
    """Throughput of executor.map(abs, ...), a trivial builtin task.

    abs is used because every executor, in every Python, can run it: the
    interpreter pool of 3.14 refuses lambdas, and a process pool must be
    able to import the task.
    """
    with executor:
        # Warm up: start every worker (thread, interpreter or process).
        list(executor.map(abs, range(-4 * POOL_WORKERS, 0), timeout=TIMEOUT))

        def timer(number):
            t0 = time.perf_counter()
            for _ in executor.map(abs, range(number), timeout=TIMEOUT):
                pass
            return time.perf_counter() - t0
        return _per_second(*_measure(timer, cfg, max_number=1_000_000))


def bench_pool_interp(cfg):
    try:
        cls = concurrent.futures.InterpreterPoolExecutor
    except AttributeError:
        raise Unavailable(
            'no concurrent.futures.InterpreterPoolExecutor') from None
    return _bench_pool(cls(max_workers=POOL_WORKERS), cfg)


def bench_pool_thread(cfg):
    return _bench_pool(
        concurrent.futures.ThreadPoolExecutor(max_workers=POOL_WORKERS), cfg)


def bench_pool_process(cfg):
    import multiprocessing
    try:
        context = multiprocessing.get_context('forkserver')
    except ValueError as exc:
        raise Unavailable(f'no forkserver start method: {exc}') from None
    return _bench_pool(
        concurrent.futures.ProcessPoolExecutor(max_workers=POOL_WORKERS,
                                               mp_context=context), cfg)


# One work unit of the CPU-bound row: pure Python, no shared state.
_CPU_WORK = """\
def _work(n):
    total = 0
    for i in range(n):
        total += i * i
    return total
_work({n})
"""


def _run_parallel(interps, code):
    """Run code in every interpreter at once; return the elapsed time."""
    barrier = threading.Barrier(len(interps) + 1)
    threads = [_ExecThread(interp, code, barrier) for interp in interps]
    for thread in threads:
        thread.start()
    barrier.wait(TIMEOUT)
    t0 = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - t0
    for thread in threads:
        if thread.error is not None:
            raise RuntimeError(f'worker failed: {thread.error!r}')
    return elapsed


def bench_cpu(cfg):
    _need_interpreters()
    count = cfg['cpu_n']
    interps = []
    try:
        for _ in range(count):
            interps.append(interpreters.create())
        # Calibrate the work unit to last about cfg['cpu_time'] seconds.
        n = 1000
        while True:
            code = _CPU_WORK.format(n=n)
            t0 = time.perf_counter()
            interps[0].exec(code)
            elapsed = time.perf_counter() - t0
            if elapsed >= cfg['cpu_time'] / 4 or n >= 10**9:
                break
            n *= 4
        if cfg['cpu_time'] > 0:
            n = max(1000, int(n * cfg['cpu_time'] / elapsed))
        code = _CPU_WORK.format(n=n)
        serial = []
        parallel = []
        for _ in range(cfg['cpu_repeat']):
            t0 = time.perf_counter()
            for interp in interps:
                interp.exec(code)
            serial.append(time.perf_counter() - t0)
            parallel.append(_run_parallel(interps, code))
        speedups = [s / p for s, p in zip(serial, parallel)]
        return dict(value=min(serial) / min(parallel),
                    median=statistics.median(speedups), number=n,
                    repeats=speedups, serial_s=serial, parallel_s=parallel,
                    interpreters=count, cpu_count=os.cpu_count())
    finally:
        _close_all(interps)


# --- issue 17: asyncio rows (fork extensions: n/a on CPython 3.14) -----------

# The echo loop of the asyncio ping-pong row, run in the sub-interpreter.
_AECHO_LOOP = """\
import asyncio
async def _echo():
    while True:
        item = await qin.aget()
        if item is None:
            break
        await qout.aput(item)
asyncio.run(_echo())
"""


def bench_apingpong(cfg):
    """`await q.aget()` ping-pong between event loops in two interpreters."""
    _need_interpreters()
    import asyncio
    qin = interpreters.create_queue()
    qout = interpreters.create_queue()
    if not hasattr(qin, 'aget'):
        raise Unavailable('no Queue.aget() (an extension of the fork)')
    with _loop_in_interpreter(_AECHO_LOOP, 'asyncio echo loop', qin, None,
                              qin=qin, qout=qout) as thread:
        loop = asyncio.new_event_loop()
        try:
            async def run(number):
                t0 = time.perf_counter()
                for i in range(number):
                    await qin.aput(i)
                    try:
                        await qout.aget(timeout=TIMEOUT)
                    except interpreters.QueueEmpty:
                        raise RuntimeError(
                            f'no echo within {TIMEOUT:g} s: '
                            f'{thread.error!r}') from None
                return time.perf_counter() - t0

            def timer(number):
                return loop.run_until_complete(run(number))
            return _per_op(*_measure(timer, cfg, max_number=100_000), 1e6)
        finally:
            loop.close()


# issue 17: pool and calls -- the submit() row of the interpreter pool and
# the call() row whose argument and result go the pickle path in 3.14.

# The list of the call_list row: 100 small ints.
_CALL_LIST = list(range(100))


def bench_call_list(cfg):
    _need_interpreters()
    interp = interpreters.create()
    try:
        call = interp.call
        f = _echo
        arg = _CALL_LIST
        res = call(f, arg)
        if res != arg or type(res) is not list or res is arg:
            raise RuntimeError('interp.call(f, list) did not return an '
                               'equal list')

        def timer(number):
            t0 = time.perf_counter()
            for _ in range(number):
                call(f, arg)
            return time.perf_counter() - t0
        return _per_op(*_measure(timer, cfg, max_number=1_000_000), 1e6)
    finally:
        interp.close()


# The submit() row sends tasks in windows of this many, then waits for
# their results, as a producer that keeps a bounded backlog does.
_SUBMIT_WINDOW = 1000


def bench_pool_submit(cfg):
    try:
        cls = concurrent.futures.InterpreterPoolExecutor
    except AttributeError:
        raise Unavailable(
            'no concurrent.futures.InterpreterPoolExecutor') from None
    with cls(max_workers=POOL_WORKERS) as executor:
        submit = executor.submit
        # Warm up: start every worker.
        list(executor.map(abs, range(-4 * POOL_WORKERS, 0), timeout=TIMEOUT))

        def timer(number):
            t0 = time.perf_counter()
            for start in range(0, number, _SUBMIT_WINDOW):
                futures = [submit(abs, i) for i in
                           range(start, min(start + _SUBMIT_WINDOW, number))]
                for future in futures:
                    future.result(timeout=TIMEOUT)
            return time.perf_counter() - t0
        return _per_second(*_measure(timer, cfg, max_number=1_000_000))


def _issue17_rows():
    return [
        Row('apingpong', 'await q.aget() ping-pong, two event loops', 'us',
            bench_apingpong, target=50, spec314='n/a'),
        Row('pool_submit',
            f'InterpreterPoolExecutor.submit(), {POOL_WORKERS} workers',
            'tasks/s', bench_pool_submit, target=100e3,
            higher_is_better=True),
        Row('call_list', 'interp.call(f, list of 100 ints) round trip',
            'us', bench_call_list, target=60, spec314='~180'),
    ]


# ---------------------------------------------------------------------------
# Issue 15: shared memory and transfer() (SPEC B6, B7), fork extensions:
# on a Python without them these rows are unavailable.

def _need_shared_memory():
    _need_interpreters()
    try:
        return interpreters.SharedBuffer, interpreters.transfer
    except AttributeError:
        raise Unavailable('no SharedBuffer/transfer() (fork extensions)')


# The far end of the transfer rows: sends back what it gets, moved again
# (or copied, for the plain row).
_BOUNCE_LOOP = """\
from concurrent.interpreters import transfer
get = qin.get
put = qout.put
while True:
    item = get()
    if item is None:
        break
    put(transfer(item) if moved else item)
"""

TRANSFER_SIZE = 100 * 1000 * 1000


def _bounce(cfg, moved, max_number):
    qin = interpreters.create_queue()
    qout = interpreters.create_queue()
    data = bytearray(TRANSFER_SIZE)
    with _loop_in_interpreter(_BOUNCE_LOOP, 'bounce loop', qin, None,
                              qin=qin, qout=qout, moved=moved) as thread:
        transfer = interpreters.transfer

        def timer(number):
            nonlocal data
            t0 = time.perf_counter()
            for _ in range(number):
                qin.put(transfer(data) if moved else data)
                try:
                    data = qout.get(timeout=TIMEOUT)
                except interpreters.QueueEmpty:
                    raise RuntimeError(
                        f'nothing back within {TIMEOUT:g} s: '
                        f'{thread.error!r}') from None
            return time.perf_counter() - t0
        # A round trip is two hand-offs.
        result = _per_op(*_measure(timer, cfg, max_number=max_number), 0.5e6)
    if len(data) != TRANSFER_SIZE:
        raise RuntimeError(f'got {len(data)} bytes back')
    return result


def bench_transfer(cfg):
    _need_shared_memory()
    result = _bounce(cfg, True, 1_000_000)
    # The same through pickling (a copy each way), measured with fewer
    # runs: each takes tens of milliseconds.
    copy_cfg = dict(cfg, repeat=min(cfg['repeat'], 3),
                    min_time=min(cfg['min_time'], 0.2))
    copy = _bounce(copy_cfg, False, 100)
    result.update(copy_us=copy['value'],
                  speedup=copy['value'] / result['value'])
    return result


_ADD_LOOP = """\
add = buf.atomics().add
for _ in range(number):
    add(0, 1)
"""


def bench_atomics_add(cfg):
    SharedBuffer, _ = _need_shared_memory()
    buf = SharedBuffer(64)
    interps = [interpreters.create() for _ in range(2)]
    try:
        for interp in interps:
            interp.prepare_main(buf=buf)

        def timer(number):
            code = f'number = {number}\n' + _ADD_LOOP
            barrier = threading.Barrier(len(interps) + 1)
            threads = [_ExecThread(interp, code, barrier)
                       for interp in interps]
            for t in threads:
                t.start()
            before = buf.atomics().load(0)
            barrier.wait(TIMEOUT)
            t0 = time.perf_counter()
            for t in threads:
                t.join(TIMEOUT)
            elapsed = time.perf_counter() - t0
            for t in threads:
                if t.error is not None:
                    raise RuntimeError(f'add loop failed: {t.error!r}')
            got = buf.atomics().load(0) - before
            if got != len(interps) * number:
                raise RuntimeError(f'counter off: {got}')
            return elapsed
        number, times = _measure(timer, cfg, max_number=100_000_000)
        return _per_second(number * len(interps), times)
    finally:
        _close_all(interps)


# The far end of the wait/notify ping-pong: element 0 is the turn, odd
# for this loop, even for the caller; -1 ends the loop.
_PONG_LOOP = """\
a = buf.atomics()
turn = 1
while True:
    v = a.load(0)
    if v < 0:
        break
    if v < turn:
        a.wait(0, v, timeout=30)
        continue
    a.store(0, turn + 1)
    a.notify(0)
    turn += 2
"""


def bench_atomics_pingpong(cfg):
    SharedBuffer, _ = _need_shared_memory()
    buf = SharedBuffer(64)
    a = buf.atomics()
    interp = interpreters.create()
    thread = None
    try:
        interp.prepare_main(buf=buf)
        thread = _ExecThread(interp, _PONG_LOOP)
        thread.start()
        turn = 1

        def timer(number):
            nonlocal turn
            load, store, wait, notify = a.load, a.store, a.wait, a.notify
            t0 = time.perf_counter()
            for _ in range(number):
                store(0, turn)
                notify(0)
                while (v := load(0)) != turn + 1:
                    if wait(0, v, TIMEOUT) == 'timed-out':
                        raise RuntimeError(
                            f'no pong within {TIMEOUT:g} s: '
                            f'{thread.error!r}')
                turn += 2
            return time.perf_counter() - t0
        return _per_op(*_measure(timer, cfg, max_number=1_000_000), 1e6)
    finally:
        if thread is not None:
            a.store(0, -1)
            a.notify(0)
            thread.join(TIMEOUT)
        interp.close()


def _memory_rows():
    return [
        Row('transfer', '100 MB bytearray by transfer() through a queue',
            'us', bench_transfer, target=50, spec314='n/a'),
        Row('atomics_add', 'atomics.add() from 2 interpreters, total',
            'ops/s', bench_atomics_add, target=5e6, higher_is_better=True,
            spec314='n/a'),
        Row('atomics_pingpong', 'atomics wait()/notify() ping-pong', 'us',
            bench_atomics_pingpong, target=10, spec314='n/a'),
    ]
# End of issue 15's rows.


def make_rows(cpu_n=2):
    """Return the rows of the table, in order."""
    # The targets are round two's (issue 17; SPEC "Performance targets").
    cpu_target = 1.95 if cpu_n == 2 else 0.975 * cpu_n
    return [
        Row('call', 'interp.call(f, 1) round trip', 'us', bench_call,
            target=1, spec314='~145'),
        Row('exec', 'interp.exec("pass") round trip', 'us', bench_exec,
            target=1, spec314='~150'),
        Row('pingpong', 'Queue ping-pong, two interpreters', 'us',
            bench_pingpong, target=1, spec314='~10,000'),
        Row('stream', 'Queue streaming put->get', 'items/s', bench_stream,
            target=5e6, higher_is_better=True, spec314='~1 M'),
        Row('create', 'create() + close()', 'ms', bench_create,
            target=1, spec314='~8.5'),
        Row('rss', 'RSS per idle interpreter', 'MiB', bench_rss,
            target=0.5, spec314='~2.4'),
        Row('pool_interp', f'InterpreterPoolExecutor, {POOL_WORKERS} workers',
            'tasks/s', bench_pool_interp, target=250e3,
            higher_is_better=True, spec314='~25 k'),
        Row('pool_thread', f'ThreadPoolExecutor, {POOL_WORKERS} workers',
            'tasks/s', bench_pool_thread, higher_is_better=True),
        Row('pool_process', f'ProcessPoolExecutor, {POOL_WORKERS} workers',
            'tasks/s', bench_pool_process, higher_is_better=True),
        Row('cpu', f'{cpu_n} CPU-bound interpreters, speedup', 'x',
            bench_cpu, target=cpu_target, higher_is_better=True,
            spec314='1.2-2.0' if cpu_n == 2 else ''),
    ] + _issue17_rows() + _sync_rows() + _memory_rows()

# ---------------------------------------------------------------------------
# issue 14: the synchronization primitives of concurrent.interpreters (SPEC
# B5).  They are the fork's own (CPython 3.14 has none: the rows say so
# there), so each row also measures threading's primitive, in threads of
# one interpreter, for reference (the "threading_*" fields of the JSON).

def _need_sync():
    _need_interpreters()
    if not hasattr(interpreters, 'Lock'):
        raise Unavailable('no concurrent.interpreters.Lock (a fork '
                          'extension)')


def _time_acquire_release(lock, cfg):
    acquire = lock.acquire
    release = lock.release

    def timer(number):
        t0 = time.perf_counter()
        for _ in range(number):
            acquire()
            release()
        return time.perf_counter() - t0
    return _per_op(*_measure(timer, cfg), 1e9)


def bench_sync_lock(cfg):
    _need_sync()
    mine = _time_acquire_release(interpreters.Lock(), cfg)
    ref = _time_acquire_release(threading.Lock(), cfg)
    return dict(value=mine['value'] / ref['value'],
                median=mine['median'] / ref['median'],
                number=mine['number'], repeats=mine['repeats'],
                lock_ns=mine['value'], threading_ns=ref['value'])


# The partner loops of the hand-off rows: run in another interpreter (with
# the primitives of concurrent.interpreters) or in a thread (threading's).
# "counts" gives the number of rounds of each timed run; None ends it.
_SYNC_LOOPS = {
    'lock': """\
while (n := counts.get()) is not None:
    for _ in range(n):
        if not ping.acquire(timeout=TIMEOUT):
            raise RuntimeError('no hand-off')
        pong.release()
""",
    'event': """\
while (n := counts.get()) is not None:
    for _ in range(n):
        if not ping.wait(TIMEOUT):
            raise RuntimeError('no ping')
        ping.clear()
        pong.set()
""",
    'barrier': """\
while (n := counts.get()) is not None:
    for _ in range(n):
        ping.wait(TIMEOUT)
""",
}


def _sync_side(kind, ping, pong):
    """This side's loop of the hand-off row "kind": timer(number)."""
    if kind == 'lock':
        release = ping.release
        acquire = pong.acquire

        def one():
            release()
            if not acquire(timeout=TIMEOUT):
                raise RuntimeError('no hand-off back')
    elif kind == 'event':
        set_ = ping.set
        wait = pong.wait
        clear = pong.clear

        def one():
            set_()
            if not wait(TIMEOUT):
                raise RuntimeError('no pong')
            clear()
    else:
        wait = ping.wait

        def one():
            wait(TIMEOUT)
    return one


def _sync_prims(mod, kind):
    if kind == 'lock':
        ping, pong = mod.Lock(), mod.Lock()
        ping.acquire()
        pong.acquire()
    elif kind == 'event':
        ping, pong = mod.Event(), mod.Event()
    else:
        ping = pong = mod.Barrier(2)
    return ping, pong


def _time_sync_handoff(kind, cfg, *, in_interpreter, scale):
    import queue
    mod = interpreters if in_interpreter else threading
    ping, pong = _sync_prims(mod, kind)
    if in_interpreter:
        counts = interpreters.create_queue()
        ctx = _loop_in_interpreter(_SYNC_LOOPS[kind], f'{kind} loop',
                                   counts, None, counts=counts, ping=ping,
                                   pong=pong, TIMEOUT=TIMEOUT)
    else:
        counts = queue.Queue()
        ctx = _loop_in_thread(_SYNC_LOOPS[kind], counts, ping=ping,
                              pong=pong, TIMEOUT=TIMEOUT)
    with ctx:
        one = _sync_side(kind, ping, pong)

        def timer(number):
            counts.put(number)
            t0 = time.perf_counter()
            for _ in range(number):
                one()
            return time.perf_counter() - t0
        return _per_op(*_measure(timer, cfg, max_number=1_000_000), scale)


@contextlib.contextmanager
def _loop_in_thread(code, counts, **shared):
    """Run code (a loop over "counts") in a thread of this interpreter."""
    errors = []

    def run():
        try:
            exec(code, dict(shared, counts=counts))
        except BaseException as exc:
            errors.append(exc)
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield thread
    finally:
        counts.put(None)
        thread.join(TIMEOUT)
        if errors:
            raise RuntimeError(f'loop failed: {errors[0]!r}')


def _bench_sync_handoff(kind, cfg, scale):
    _need_sync()
    mine = _time_sync_handoff(kind, cfg, in_interpreter=True, scale=scale)
    ref = _time_sync_handoff(kind, cfg, in_interpreter=False, scale=scale)
    mine['threading'] = ref['value']
    return mine


def bench_sync_handoff(cfg):
    # One timed round is two hand-offs (there and back).
    return _bench_sync_handoff('lock', cfg, 1e6 / 2)


def bench_sync_event(cfg):
    return _bench_sync_handoff('event', cfg, 1e6)


def bench_sync_barrier(cfg):
    # Milliseconds per 10,000 rounds.
    return _bench_sync_handoff('barrier', cfg, 1e3 * 10_000)


def _sync_rows():
    return [
        Row('sync_lock', 'Lock acquire+release, vs threading.Lock', 'x',
            bench_sync_lock, target=1.5, spec314='n/a'),
        Row('sync_handoff', 'Lock hand-off, two interpreters', 'us',
            bench_sync_handoff, target=5, spec314='n/a'),
        Row('sync_event', 'Event ping-pong, two interpreters', 'us',
            bench_sync_event, target=10, spec314='n/a'),
        Row('sync_barrier', 'Barrier, 2 interpreters x 10,000 rounds', 'ms',
            bench_sync_barrier, spec314='n/a'),
    ]


# end of issue 14's block
# ---------------------------------------------------------------------------


ROW_KEYS = [row.key for row in make_rows()]


# ---------------------------------------------------------------------------
# Running, reporting

def run_row(row, cfg):
    """Measure one row; never raise for a failure of the measured Python."""
    start = time.perf_counter()
    try:
        result = row.func(cfg)
    except Unavailable as exc:
        result = dict(value=None, error=str(exc))
    except Exception as exc:
        msg = str(exc).strip().splitlines()
        msg = f'{type(exc).__name__}: {msg[0]}' if msg else type(exc).__name__
        result = dict(value=None, error=msg[:200])
    result.setdefault('error', None)
    result.update(label=row.label, unit=row.unit, target=row.target,
                  higher_is_better=row.higher_is_better,
                  spec314=row.spec314, met=row.met(result['value']),
                  seconds=round(time.perf_counter() - start, 2))
    return result


def run_all(rows, cfg, progress=None):
    """Measure the rows; return the results as a JSON-ready dict."""
    start = time.perf_counter()
    results = {}
    for row in rows:
        if progress:
            print(f'bench: {row.key} ...', file=progress, flush=True)
        results[row.key] = run_row(row, cfg)
    return dict(
        python=dict(version=platform.python_version(),
                    implementation=platform.python_implementation(),
                    full_version=sys.version,
                    executable=sys.executable),
        machine=dict(platform=platform.platform(),
                     machine=platform.machine(),
                     node=platform.node(),
                     cpu_count=os.cpu_count(),
                     loadavg=_loadavg()),
        date=datetime.datetime.now(datetime.timezone.utc).isoformat(
            timespec='seconds'),
        mode=cfg['mode'],
        method=(f"best of {cfg['repeat']} runs of at least "
                f"{cfg['min_time']:g} s each after calibration"),
        seconds=round(time.perf_counter() - start, 1),
        results=results,
    )


def _loadavg():
    try:
        return list(os.getloadavg())
    except OSError:
        return None


def fmt_value(value, unit):
    if value is None:
        return '-'
    if unit in ('items/s', 'tasks/s'):
        if value >= 1e6:
            return f'{value / 1e6:.2f} M'
        if value >= 1e3:
            return f'{value / 1e3:.1f} k'
        return f'{value:.0f}'
    if value >= 100:
        return f'{value:,.0f}'
    if value >= 10:
        return f'{value:.1f}'
    return f'{value:.2f}'


def fmt_target(result):
    if result['target'] is None:
        return ''
    op = '>=' if result['higher_is_better'] else '<='
    return f"{op} {fmt_value(result['target'], result['unit'])}"


def fmt_met(result):
    met = result['met']
    return '' if met is None else ('yes' if met else 'NO')


def ratio(mine, other):
    """How many times better mine is than other (> 1: mine is better)."""
    a, b = mine['value'], other['value']
    if a is None or b is None or a <= 0 or b <= 0:
        return None
    return a / b if mine['higher_is_better'] else b / a


def _name(report):
    return f"Python {report['python']['version']}"


def format_table(report, other=None):
    """Return the table of one report, or of two side by side.

    A row that could not run shows "n/a [N]"; note N below the table
    gives the reason.
    """
    notes = []

    def cell(res):
        if res['value'] is None:
            notes.append(res['error'])
            return f'n/a [{len(notes)}]'
        return fmt_value(res['value'], res['unit'])

    header = ['benchmark', 'unit', _name(report)]
    if other is not None:
        header += [_name(other), 'ratio']
    header += ['target', 'met', '3.14 (SPEC)']
    lines = []
    for key, res in report['results'].items():
        line = [res['label'], res['unit'], cell(res)]
        if other is not None:
            ores = other['results'].get(key)
            if ores is None:
                line += ['(not run)', '']
            else:
                r = ratio(res, ores)
                line += [cell(ores), '' if r is None else f'{r:.2f}x']
        line += [fmt_target(res), fmt_met(res), res['spec314']]
        lines.append(line)
    widths = [max(len(row[i]) for row in [header] + lines)
              for i in range(len(header))]

    def fmt(row):
        cells = [c.ljust(w) if i < 2 else c.rjust(w)
                 for i, (c, w) in enumerate(zip(row, widths))]
        return '  '.join(cells).rstrip()
    out = [fmt(header), fmt(['-' * w for w in widths])]
    out += [fmt(line) for line in lines]
    out.append('')
    for i, note in enumerate(notes, 1):
        out.append(f'[{i}] {note}')
    for rep in [report] + ([other] if other is not None else []):
        m = rep['machine']
        load = ', '.join(f'{x:.2f}' for x in m['loadavg'] or [])
        out.append(f"{_name(rep)}: {rep['python']['executable']}; "
                   f"{m['machine']}, {m['cpu_count']} CPUs, load {load}; "
                   f"{rep['date']}; {rep['mode']} mode, {rep['seconds']} s")
    out.append(f"Method: {report['method']}; the best value is shown.")
    for rep in [report] + ([other] if other is not None else []):
        m = rep['machine']
        if m['loadavg'] and m['cpu_count'] \
                and m['loadavg'][0] >= 0.5 * m['cpu_count']:
            out.append(f"Warning: load average {m['loadavg'][0]:.2f} on "
                       f"{m['cpu_count']} CPUs when {_name(rep)} started: "
                       f"other processes share the CPUs, so the numbers "
                       f"(the CPU-bound speedup most) are noisy.")
    if other is not None:
        out.append('ratio: how many times better the first column is '
                   '(> 1: the first Python is better).')
    return '\n'.join(out)


def compare_command(command):
    """Split the --compare command; exit with a message if it is unusable."""
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise SystemExit(f'bench.py: error: --compare {command!r}: {exc}')
    if not argv:
        raise SystemExit('bench.py: error: --compare needs a command')
    if shutil.which(argv[0]) is None:
        raise SystemExit(f'bench.py: error: --compare {command!r}: '
                         f'command not found: {argv[0]}')
    return argv


def run_compare(command, args, mine):
    """Run this script under another Python command; return its report."""
    argv = compare_command(command)
    argv += [os.path.abspath(__file__), '--json', '-',
             '--mode', mine['mode'], '--cpu-n', str(args.cpu_n),
             '--rows', ','.join(mine['results'])]
    if args.min_time is not None:
        argv += ['--min-time', str(args.min_time)]
    if args.repeat is not None:
        argv += ['--repeat', str(args.repeat)]
    print(f'bench: running {shlex.join(argv)}', file=sys.stderr, flush=True)
    try:
        proc = subprocess.run(argv, stdout=subprocess.PIPE,
                              encoding='utf-8', errors='replace')
    except OSError as exc:
        raise SystemExit(f'bench.py: error: --compare {command!r}: '
                         f'cannot run: {exc}')
    if proc.returncode != 0:
        raise SystemExit(f'bench.py: error: --compare {command!r}: '
                         f'exited with status {proc.returncode}')
    out = proc.stdout
    try:
        return json.loads(out[out.index('{'):])
    except ValueError:
        raise SystemExit(f'bench.py: error: --compare {command!r}: '
                         f'no JSON report on its standard output: '
                         f'{out[:200]!r}')


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog='bench.py',
        description='Benchmark multiple interpreters (concurrent.'
                    'interpreters) against the fork\'s performance targets.')
    parser.add_argument('--quick', dest='mode', action='store_const',
                        const='quick', default='default',
                        help='a short run (~15 s)')
    parser.add_argument('--mode', choices=sorted(MODES), default='default',
                        help='default (~1 min), quick (~15 s) or tiny '
                             '(for tests: checks that every row runs)')
    parser.add_argument('--rows', default=None, metavar='ROW,...',
                        help='run only these rows; one of: '
                             + ', '.join(ROW_KEYS))
    parser.add_argument('--cpu-n', type=int, default=2, metavar='N',
                        help='interpreters of the CPU-bound row (default 2)')
    parser.add_argument('--min-time', type=float, default=None,
                        metavar='SECONDS',
                        help='least duration of one timed run')
    parser.add_argument('--repeat', type=int, default=None, metavar='N',
                        help='timed runs per row; the best is reported')
    parser.add_argument('--json', metavar='FILE', default=None,
                        help="write the results as JSON to FILE ('-': to "
                             "standard output, instead of the table)")
    parser.add_argument('--compare', metavar='PYTHON', default=None,
                        help='also run this script under the PYTHON command '
                             '(e.g. python3.14, or the ref314 wrapper) and '
                             'show both columns and their ratio')
    args = parser.parse_args(argv)
    if args.cpu_n < 1:
        parser.error(f'--cpu-n must be at least 1, got {args.cpu_n}')
    if args.repeat is not None and args.repeat < 1:
        parser.error(f'--repeat must be at least 1, got {args.repeat}')
    if args.min_time is not None and args.min_time < 0:
        parser.error(f'--min-time must not be negative, got {args.min_time}')
    rows = make_rows(args.cpu_n)
    if args.rows is not None:
        wanted = [key.strip() for key in args.rows.split(',') if key.strip()]
        known = {row.key: row for row in rows}
        for key in wanted:
            if key not in known:
                parser.error(f'unknown row {key!r} in --rows; choose from '
                             + ', '.join(ROW_KEYS))
        if not wanted:
            parser.error('--rows names no row')
        rows = [known[key] for key in wanted]
    cfg = dict(MODES[args.mode], mode=args.mode, cpu_n=args.cpu_n)
    if args.min_time is not None:
        cfg['min_time'] = args.min_time
    if args.repeat is not None:
        cfg['repeat'] = args.repeat
    return args, rows, cfg


def main(argv=None):
    args, rows, cfg = parse_args(sys.argv[1:] if argv is None else argv)
    # Check the output file and the other Python before measuring.
    json_file = None
    if args.json is not None and args.json != '-':
        try:
            json_file = open(args.json, 'w', encoding='utf-8')
        except OSError as exc:
            raise SystemExit(f'bench.py: error: --json {args.json}: '
                             f'cannot write: {exc.strerror}')
    if args.compare is not None:
        compare_command(args.compare)
    report = run_all(rows, cfg, progress=sys.stderr)
    other = None
    if args.compare is not None:
        other = run_compare(args.compare, args, report)
        report['compare'] = other
    text = json.dumps(report, indent=2) + '\n'
    if args.json == '-':
        # The report is the output; --compare reads it from here.
        sys.stdout.write(text)
        return
    if json_file is not None:
        with json_file:
            json_file.write(text)
    print(format_table(report, other))


if __name__ == '__main__':
    main()
