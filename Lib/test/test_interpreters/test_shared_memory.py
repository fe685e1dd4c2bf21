"""SharedBuffer and its atomics (a fork extension, SPEC B6).

Races between interpreters are synchronized by the atomics themselves
(wait()/notify()) or by queues, never by sleeps; every loop is bounded.
"""

import ctypes
import os
import pickle
import signal
import sys
import textwrap
import threading
import time
import unittest

from test import support
from test.support import import_helper
from test.support import script_helper
from test.support import threading_helper

# Raise SkipTest if subinterpreters not supported.
_interpreters = import_helper.import_module('_interpreters')
_interpmem = import_helper.import_module('_interpmem')
from concurrent import interpreters
from concurrent.interpreters import SharedBuffer


def address(buf):
    return ctypes.addressof(ctypes.c_char.from_buffer(buf))


def live_blocks():
    support.gc_collect()
    return _interpmem._live_counts()[0]


class SharedBufferTests(unittest.TestCase):

    def test_extension_not_in_all(self):
        self.assertNotIn('SharedBuffer', interpreters.__all__)
        self.assertNotIn('transfer', interpreters.__all__)
        self.assertIn('SharedBuffer', dir(interpreters))
        self.assertIn('transfer', dir(interpreters))

    def test_zero_filled_and_aligned(self):
        for size in (1, 7, 64, 4096, 1 << 20):
            buf = SharedBuffer(size)
            self.assertEqual(len(buf), size)
            self.assertEqual(bytes(memoryview(buf)), bytes(size))
            self.assertEqual(address(buf) % 64, 0)

    def test_bad_size(self):
        for size in (0, -1, -2**70):
            with self.assertRaises(ValueError):
                SharedBuffer(size)
        for size in (1.0, '8', None, b'x'):
            with self.assertRaises(TypeError):
                SharedBuffer(size)
        # 2**62 bytes reaches the allocator, which fails (AddressSanitizer
        # logs that as a report: only the sizes refused before it there).
        huge = (2**63, 2**100)
        if not support.check_sanitizer(address=True):
            huge = (2**62,) + huge
        for size in huge:
            with self.assertRaises(MemoryError):
                SharedBuffer(size)
        with self.assertRaises(TypeError):
            SharedBuffer()
        with self.assertRaises(TypeError):
            SharedBuffer(size=8)

    def test_buffer_protocol(self):
        buf = SharedBuffer(16)
        mv = memoryview(buf)
        self.assertFalse(mv.readonly)
        self.assertEqual(mv.nbytes, 16)
        mv[0:3] = b'abc'
        self.assertEqual(buf[0:3], b'abc')
        self.assertEqual(bytes(buf)[:3], b'abc')

    def test_items_and_slices(self):
        buf = SharedBuffer(8)
        buf[0] = 255
        buf[-1] = 1
        self.assertEqual(buf[0], 255)
        self.assertEqual(buf[7], 1)
        buf[2:5] = b'xyz'
        self.assertEqual(buf[2:5], b'xyz')
        self.assertIsInstance(buf[2:5], bytes)
        self.assertEqual(buf[::7], b'\xff\x01')
        with self.assertRaises(IndexError):
            buf[8]
        with self.assertRaises(IndexError):
            buf[8] = 0
        with self.assertRaises(ValueError):
            buf[0] = 256
        with self.assertRaises(ValueError):
            buf[0:2] = b'abc'    # no resizing
        with self.assertRaises(TypeError):
            del buf[0]
        with self.assertRaises(TypeError):
            buf['a']

    def test_repr(self):
        self.assertIn('size=8', repr(SharedBuffer(8)))

    def test_memory_follows_views(self):
        before = live_blocks()
        buf = SharedBuffer(32)
        mv = memoryview(buf)
        del buf
        support.gc_collect()
        self.assertEqual(live_blocks(), before + 1)
        mv[0] = 1
        del mv
        support.gc_collect()
        self.assertEqual(live_blocks(), before)

    def test_pickle_in_process(self):
        buf = SharedBuffer(8)
        data = pickle.dumps(buf)
        copy = pickle.loads(data)
        copy[0] = 42
        self.assertEqual(buf[0], 42)
        self.assertEqual(address(copy), address(buf))
        # A pickle is a one-shot hold.
        with self.assertRaisesRegex(RuntimeError, 'already loaded'):
            pickle.loads(data)
        with self.assertRaises(RuntimeError):
            _interpmem._rebuild_buffer(-1)


class SharingTests(unittest.TestCase):

    def setUp(self):
        self.interp = interpreters.create()
        self.addCleanup(self.interp.close)

    def check_same(self, buf, other):
        self.assertIsInstance(other, SharedBuffer)
        self.assertEqual(address(other), address(buf))

    def test_is_shareable(self):
        self.assertTrue(interpreters.is_shareable(SharedBuffer(1)))

    def test_prepare_main(self):
        buf = SharedBuffer(8)
        self.interp.prepare_main(buf=buf)
        self.interp.exec('buf[0] = 7; buf.atomics().add(0, 1)')
        self.assertEqual(buf[0], 8)

    def test_call_argument_and_result(self):
        buf = SharedBuffer(8)
        res = self.interp.call(_set_first, buf, 3)
        self.check_same(buf, res)
        self.assertEqual(buf[0], 3)

    def test_result_created_in_other_interpreter(self):
        res = self.interp.call(_new_buffer, 16)
        self.assertEqual(len(res), 16)
        self.assertEqual(res[0], 9)

    def test_queue(self):
        buf = SharedBuffer(8)
        queue = interpreters.create_queue()
        queue.put(buf)
        self.interp.prepare_main(queue=queue)
        self.interp.exec('queue.get()[1] = 5')
        self.assertEqual(buf[1], 5)

    def test_channel(self):
        buf = SharedBuffer(8)
        channel = interpreters.Channel()
        channel.send(buf)
        res = self.interp.call(_recv_and_set, channel, 2, 6)
        self.assertEqual(buf[2], 6)
        self.check_same(buf, res)

    def test_in_pickled_container(self):
        buf = SharedBuffer(8)
        queue = interpreters.create_queue()
        queue.put([buf, {'b': buf}])
        self.interp.prepare_main(queue=queue)
        self.interp.exec(textwrap.dedent('''
            l = queue.get()
            l[0][3] = 1
            l[1]['b'][4] = 2
            '''))
        self.assertEqual(buf[3:5], b'\x01\x02')
        res = self.interp.call(_first_of, [buf, 'x'])
        self.check_same(buf, res)

    def test_closure(self):
        buf = SharedBuffer(8)

        def set_in_closure(value):
            buf[0] = value
            return buf[0]

        self.assertEqual(self.interp.call(set_in_closure, 13), 13)
        self.assertEqual(buf[0], 13)

    def test_executor_task(self):
        from concurrent.futures import InterpreterPoolExecutor
        buf = SharedBuffer(8)
        with InterpreterPoolExecutor(max_workers=1) as executor:
            res = executor.submit(_set_first, buf, 11).result(
                timeout=support.SHORT_TIMEOUT)
        self.assertEqual(buf[0], 11)
        self.check_same(buf, res)

    def test_outlives_creator(self):
        before = live_blocks()
        interp = interpreters.create()
        interp.exec(textwrap.dedent('''
            from concurrent.interpreters import SharedBuffer
            b = SharedBuffer(1024)
            b[0:5] = b'hello'
            '''))
        buf = interp.call(_get_main_attr, 'b')
        interp.close()
        self.assertEqual(buf[0:5], b'hello')
        buf[5] = 33
        self.assertEqual(live_blocks(), before + 1)
        del buf
        self.assertEqual(live_blocks(), before)

    def test_view_outlives_creator(self):
        before = live_blocks()
        interp = interpreters.create()
        mv = memoryview(interp.call(_new_buffer, 100))
        interp.close()
        self.assertEqual(mv[0], 9)
        mv.release()
        support.gc_collect()
        self.assertEqual(live_blocks(), before)


# Functions run in other interpreters (module level, so they are
# pickled by reference).

def _set_first(buf, value):
    buf[0] = value
    return buf


def _new_buffer(size):
    from concurrent.interpreters import SharedBuffer
    buf = SharedBuffer(size)
    buf[0] = 9
    return buf


def _recv_and_set(channel, index, value):
    buf = channel.recv(timeout=10)
    buf[index] = value
    return buf


def _first_of(seq):
    return seq[0]


def _get_main_attr(name):
    import __main__
    return getattr(__main__, name)


class AtomicsTests(unittest.TestCase):

    def test_formats(self):
        buf = SharedBuffer(20)
        q = buf.atomics()
        self.assertEqual(q.format, 'q')
        self.assertEqual(len(q), 2)
        i = buf.atomics('i')
        self.assertEqual(i.format, 'i')
        self.assertEqual(len(i), 5)
        self.assertIs(i.buffer, buf)
        self.assertEqual(len(buf.atomics(format='q')), 2)
        self.assertEqual(len(SharedBuffer(7).atomics()), 0)
        for fmt in ('Q', 'd', '', 'qq', 'b'):
            with self.assertRaises(ValueError):
                buf.atomics(fmt)
        with self.assertRaises(TypeError):
            buf.atomics(1)
        with self.assertRaises(TypeError):
            type(q)()

    def test_memory_layout(self):
        buf = SharedBuffer(16)
        a = buf.atomics()
        a.store(1, -2)
        self.assertEqual(memoryview(buf).cast('q')[1], -2)
        b = buf.atomics('i')
        b.store(0, 0x01020304)
        self.assertEqual(memoryview(buf).cast('i')[0], 0x01020304)

    def test_atomics_keep_buffer(self):
        before = live_blocks()
        a = SharedBuffer(8).atomics()
        a.store(0, 5)
        support.gc_collect()
        self.assertEqual(a.load(0), 5)
        del a
        support.gc_collect()
        self.assertEqual(live_blocks(), before)

    def check_methods(self, fmt, bits):
        a = SharedBuffer(16).atomics(fmt)
        lo, hi = -2**(bits - 1), 2**(bits - 1) - 1
        self.assertEqual(a.load(0), 0)
        self.assertEqual(a.store(0, 10), 10)
        self.assertEqual(a.add(0, 5), 10)
        self.assertEqual(a.sub(0, 3), 15)
        self.assertEqual(a.load(0), 12)
        self.assertEqual(a.and_(0, 0b1010), 12)
        self.assertEqual(a.or_(0, 0b0101), 8)
        self.assertEqual(a.xor(0, 0b1111), 13)
        self.assertEqual(a.load(0), 2)
        self.assertEqual(a.exchange(0, 7), 2)
        self.assertEqual(a.compare_exchange(0, 7, 8), 7)    # swapped
        self.assertEqual(a.compare_exchange(0, 7, 9), 8)    # not swapped
        self.assertEqual(a.load(0), 8)
        self.assertEqual(a.load(1), 0)
        # Full range, and wrap-around arithmetic.
        a.store(1, hi)
        self.assertEqual(a.add(1, 1), hi)
        self.assertEqual(a.load(1), lo)
        self.assertEqual(a.sub(1, 1), lo)
        self.assertEqual(a.load(1), hi)
        a.store(1, -1)
        self.assertEqual(a.and_(1, lo), -1)
        self.assertEqual(a.load(1), lo)
        # Values that do not fit.
        for name, args in [('store', (0, hi + 1)), ('store', (0, lo - 1)),
                           ('add', (0, hi + 1)), ('sub', (0, lo - 1)),
                           ('and_', (0, 2**bits)), ('or_', (0, 2**200)),
                           ('xor', (0, -2**200)), ('exchange', (0, hi + 1)),
                           ('compare_exchange', (0, hi + 1, 0)),
                           ('compare_exchange', (0, 0, lo - 1)),
                           ('wait', (0, hi + 1))]:
            with self.subTest(name=name, args=args):
                with self.assertRaises(OverflowError):
                    getattr(a, name)(*args)
        self.assertEqual(a.load(0), 8)
        # Indexes.
        n = len(a)
        for name, args in [('load', ()), ('store', (1,)), ('add', (1,)),
                           ('sub', (1,)), ('and_', (1,)), ('or_', (1,)),
                           ('xor', (1,)), ('exchange', (1,)),
                           ('compare_exchange', (0, 1)), ('wait', (0,)),
                           ('notify', ())]:
            for index in (n, -1, 2**40):
                with self.subTest(name=name, index=index):
                    with self.assertRaises(IndexError):
                        getattr(a, name)(index, *args)
            with self.assertRaises(OverflowError):
                getattr(a, name)(2**70, *args)
            with self.assertRaises(TypeError):
                getattr(a, name)('0', *args)
        with self.assertRaises(TypeError):
            a.store(0, 1.5)
        with self.assertRaises(TypeError):
            a.add(0, '1')

    def test_methods_q(self):
        self.check_methods('q', 64)

    def test_methods_i(self):
        self.check_methods('i', 32)

    def test_wait_not_equal_and_timeout(self):
        a = SharedBuffer(8).atomics()
        a.store(0, 1)
        self.assertEqual(a.wait(0, 0), 'not-equal')
        self.assertEqual(a.wait(0, 2, timeout=10), 'not-equal')
        self.assertEqual(a.wait(0, 1, timeout=0), 'timed-out')
        start = time.monotonic()
        self.assertEqual(a.wait(0, 1, timeout=0.05), 'timed-out')
        self.assertGreaterEqual(time.monotonic() - start, 0.04)
        self.assertEqual(a.wait(0, 1, 0.001), 'timed-out')
        self.assertEqual(a.wait(0, 0, timeout=float('inf')), 'not-equal')
        with self.assertRaises(OverflowError):
            a.wait(0, 1, timeout=1e300)
        for bad in (-1, -0.5, float('nan')):
            with self.assertRaises(ValueError):
                a.wait(0, 1, timeout=bad)
        with self.assertRaises(TypeError):
            a.wait(0, 1, timeout='1')

    def test_notify_without_waiters(self):
        a = SharedBuffer(8).atomics()
        self.assertEqual(a.notify(0), 0)
        self.assertEqual(a.notify(0, 5), 0)
        self.assertEqual(a.notify(0, count=0), 0)
        with self.assertRaises(ValueError):
            a.notify(0, -1)
        with self.assertRaises(TypeError):
            a.notify(0, 1.0)

    def test_notify_counts_threads(self):
        buf = SharedBuffer(8)
        a = buf.atomics()
        nthreads = 3
        results = []

        def waiter():
            results.append(a.wait(0, 0, timeout=support.SHORT_TIMEOUT))

        threads = [threading.Thread(target=waiter) for _ in range(nthreads)]
        with threading_helper.start_threads(threads):
            woken = 0
            deadline = time.monotonic() + support.SHORT_TIMEOUT
            # A thread counts once it is parked; notify(count=1) wakes one.
            while woken < nthreads and time.monotonic() < deadline:
                n = a.notify(0, 1)
                self.assertIn(n, (0, 1))
                woken += n
        self.assertEqual(woken, nthreads)
        self.assertEqual(results, ['ok'] * nthreads)

    def test_notify_all(self):
        a = SharedBuffer(8).atomics()
        started = threading.Barrier(3)
        results = []

        def waiter():
            started.wait()
            results.append(a.wait(0, 0, timeout=support.SHORT_TIMEOUT))

        threads = [threading.Thread(target=waiter) for _ in range(2)]
        with threading_helper.start_threads(threads):
            started.wait()
            woken = 0
            deadline = time.monotonic() + support.SHORT_TIMEOUT
            while woken < 2 and time.monotonic() < deadline:
                woken += a.notify(0)
        self.assertEqual(woken, 2)
        self.assertEqual(results, ['ok', 'ok'])

    def test_wait_interrupted_by_signal(self):
        # Ctrl-C (SIGINT) interrupts a wait() without a timeout in the
        # main thread; signals are re-sent until the wait is over, since
        # one may come before the thread parks.  The child sets Python's
        # SIGINT handler: it may inherit SIGINT ignored (a process started
        # in the background by a shell without job control).
        script = textwrap.dedent('''
            import os, signal, threading
            from concurrent.interpreters import SharedBuffer
            signal.signal(signal.SIGINT, signal.default_int_handler)
            a = SharedBuffer(8).atomics()
            done = threading.Event()
            def interrupt():
                for _ in range(1000):
                    if done.wait(0.05):
                        return
                    signal.pthread_kill(threading.main_thread().ident,
                                        signal.SIGINT)
            t = threading.Thread(target=interrupt)
            t.start()
            try:
                a.wait(0, 0)
            except KeyboardInterrupt:
                print('interrupted')
            finally:
                done.set()
                t.join()
            ''')
        rc, out, err = script_helper.assert_python_ok('-c', script)
        self.assertEqual(out.strip(), b'interrupted')

    def test_signal_handler_keeps_waiting(self):
        # A signal whose handler does not raise: the wait goes on until
        # its timeout.
        script = textwrap.dedent('''
            import signal, threading, time
            from concurrent.interpreters import SharedBuffer
            a = SharedBuffer(8).atomics()
            seen = []
            signal.signal(signal.SIGUSR1, lambda *args: seen.append(1))
            t = threading.Thread(target=lambda: [
                signal.pthread_kill(threading.main_thread().ident,
                                    signal.SIGUSR1)
                for _ in range(3)])
            start = time.monotonic()
            t.start()
            res = a.wait(0, 0, timeout=0.5)
            t.join()
            print(res, time.monotonic() - start >= 0.45, bool(seen))
            ''')
        rc, out, err = script_helper.assert_python_ok('-c', script)
        self.assertEqual(out.split(), [b'timed-out', b'True', b'True'])


def _run_in_thread(interp, code):
    """Run code in interp in a new thread; return (thread, errors)."""
    errors = []

    def run():
        try:
            interp.exec(code)
        except BaseException as exc:
            errors.append(exc)

    t = threading.Thread(target=run)
    t.start()
    return t, errors


class RaceTests(unittest.TestCase):

    def setUp(self):
        self.interps = [interpreters.create() for _ in range(2)]
        for interp in self.interps:
            self.addCleanup(interp.close)

    def run_in_each(self, code, timeout=support.SHORT_TIMEOUT):
        # Run code in every interpreter at once, each from a thread, and
        # check that each ended in time without an error.
        running = [_run_in_thread(interp, code) for interp in self.interps]
        for t, errors in running:
            t.join(timeout)
            self.assertFalse(t.is_alive())
            self.assertEqual(errors, [])

    def test_counter_from_two_interpreters(self):
        # Element 0: the counter; element 1: a start gate, so that both
        # interpreters really run at the same time.
        buf = SharedBuffer(16)
        a = buf.atomics()
        n = 100_000
        code = textwrap.dedent(f'''
            a = buf.atomics()
            a.add(1, 1)
            a.notify(1)
            while a.load(1) < 2:
                a.wait(1, 1, timeout=0.1)
            add = a.add
            for _ in range({n}):
                add(0, 1)
            ''')
        for interp in self.interps:
            interp.prepare_main(buf=buf)
        self.run_in_each(code)
        self.assertEqual(a.load(0), 2 * n)

    def test_counter_32_bit(self):
        buf = SharedBuffer(8)
        n = 20_000
        code = textwrap.dedent(f'''
            a = buf.atomics('i')
            for _ in range({n}):
                a.sub(0, 1)
            ''')
        for interp in self.interps:
            interp.prepare_main(buf=buf)
        self.run_in_each(code)
        self.assertEqual(buf.atomics('i').load(0), -2 * n)

    def test_compare_exchange_lock(self):
        # A spin lock built on compare_exchange() protects plain writes.
        buf = SharedBuffer(64)
        n = 2_000
        code = textwrap.dedent(f'''
            a = buf.atomics()
            mv = memoryview(buf).cast('q')
            for _ in range({n}):
                for _ in range(10_000_000):
                    if a.compare_exchange(0, 0, 1) == 0:
                        break
                    a.wait(0, 1, timeout=0.01)
                else:
                    raise RuntimeError('lock not acquired')
                mv[1] = mv[1] + 1           # plain read-modify-write
                a.store(0, 0)
                a.notify(0, 1)
            ''')
        for interp in self.interps:
            interp.prepare_main(buf=buf)
        self.run_in_each(code, support.LONG_TIMEOUT)
        self.assertEqual(memoryview(buf).cast('q')[1], 2 * n)

    def test_wait_notify_ping_pong(self):
        # Element 0 is the turn: even for the main thread, odd for the
        # other interpreter, which waits for its turn and passes it back.
        buf = SharedBuffer(8)
        a = buf.atomics()
        rounds = 200
        code = textwrap.dedent(f'''
            a = buf.atomics()
            for i in range({rounds}):
                turn = 2 * i + 1
                for _ in range(1000):
                    if a.load(0) == turn:
                        break
                    a.wait(0, turn - 1, timeout={support.SHORT_TIMEOUT})
                else:
                    raise RuntimeError('no turn')
                a.store(0, turn + 1)
                a.notify(0)
            ''')
        interp = self.interps[0]
        interp.prepare_main(buf=buf)
        t, errors = _run_in_thread(interp, code)
        try:
            for i in range(rounds):
                turn = 2 * i
                for _ in range(1000):
                    if a.load(0) == turn:
                        break
                    res = a.wait(0, turn - 1, timeout=support.SHORT_TIMEOUT)
                    self.assertNotEqual(res, 'timed-out')
                else:
                    self.fail('no turn')
                a.store(0, turn + 1)
                a.notify(0)
        finally:
            t.join(support.SHORT_TIMEOUT)
        self.assertEqual(errors, [])
        self.assertEqual(a.load(0), 2 * rounds)

    def test_publication_through_store_load(self):
        # The writer fills plain bytes, then stores the flag; a reader
        # that loads the flag set sees all the bytes.
        size = 1 << 16
        buf = SharedBuffer(64 + size)
        a = buf.atomics()
        code = textwrap.dedent(f'''
            mv = memoryview(buf)
            a = buf.atomics()
            for gen in range(1, 21):
                for _ in range(1000):           # the reader's ack
                    if a.load(1) == gen - 1:
                        break
                    a.wait(1, gen - 2, timeout=0.1)
                else:
                    raise RuntimeError('no ack')
                mv[64:] = bytes([gen]) * {size}
                a.store(0, gen)
                a.notify(0)
            ''')
        interp = self.interps[0]
        interp.prepare_main(buf=buf)
        t, errors = _run_in_thread(interp, code)
        mv = memoryview(buf)
        try:
            deadline = time.monotonic() + support.SHORT_TIMEOUT
            for gen in range(1, 21):
                while a.load(0) != gen:
                    self.assertLess(time.monotonic(), deadline)
                    a.wait(0, gen - 1, timeout=0.1)
                self.assertEqual(bytes(mv[64:]), bytes([gen]) * size)
                a.store(1, gen)
                a.notify(1)
        finally:
            t.join(support.SHORT_TIMEOUT)
        self.assertEqual(errors, [])

    def test_racing_plain_writes(self):
        # Racing plain writes give some mix of the bytes written, never a
        # crash nor a write outside the racing range.
        buf = SharedBuffer(256)
        code = textwrap.dedent('''
            mv = memoryview(buf)
            for _ in range(2000):
                mv[64:128] = bytes([value]) * 64
            ''')
        for value, interp in enumerate(self.interps, 1):
            interp.prepare_main(buf=buf, value=value)
        self.run_in_each(code)
        data = bytes(memoryview(buf))
        self.assertEqual(data[:64] + data[128:], bytes(192))
        self.assertLessEqual(set(data[64:128]), {1, 2})

    def test_close_while_waiting(self):
        # A wait() in another interpreter's thread keeps the buffer alive
        # while the main interpreter drops every reference to it.
        before = live_blocks()
        buf = SharedBuffer(8)
        interp = self.interps[0]
        interp.prepare_main(buf=buf)
        t, errors = _run_in_thread(interp, textwrap.dedent('''
            a = buf.atomics()
            del buf
            a.store(0, 1)
            a.notify(0)
            res = a.wait(0, 1, timeout=10)
            assert res == 'ok', res
            '''))
        a = buf.atomics()
        del buf
        try:
            for _ in range(1000):
                if a.load(0) == 1:
                    break
                a.wait(0, 0, timeout=0.1)
            deadline = time.monotonic() + support.SHORT_TIMEOUT
            while a.notify(0) == 0:
                self.assertLess(time.monotonic(), deadline)
        finally:
            t.join(support.SHORT_TIMEOUT)
        self.assertEqual(errors, [])
        interp.exec('del a')
        del a
        self.assertEqual(live_blocks(), before)


DOC = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'Doc',
                   'library', 'concurrent.interpreters.memory.rst')


def doc_examples(text):
    """Yield (code, expected output) for each literal block that a
    "prints::" block follows."""
    blocks = []     # (introducing paragraph, block text)
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].rstrip().endswith('::') and not lines[i].startswith(' '):
            intro = lines[i]
            j = i + 1
            body = []
            while j < len(lines) and (not lines[j].strip()
                                      or lines[j].startswith('   ')):
                body.append(lines[j][3:])
                j += 1
            blocks.append((intro, textwrap.dedent('\n'.join(body)).strip()))
            i = j
        else:
            i += 1
    for (_, code), (intro, output) in zip(blocks, blocks[1:]):
        if intro.strip() == 'prints::':
            yield code, output


class DocExamplesTests(unittest.TestCase):
    """The examples of the memory model page run and print what it says."""

    def test_examples(self):
        if not os.path.exists(DOC):
            self.skipTest('no Doc directory')
        with open(DOC, encoding='utf-8') as f:
            examples = list(doc_examples(f.read()))
        self.assertEqual(len(examples), 4)
        for code, expected in examples:
            with self.subTest(example=code.splitlines()[-1]):
                rc, out, err = script_helper.assert_python_ok('-c', code)
                self.assertEqual(out.decode().strip(), expected)


if __name__ == '__main__':
    unittest.main()
