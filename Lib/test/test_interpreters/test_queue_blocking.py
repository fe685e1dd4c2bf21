"""Tests for queues that block without polling (a fork extension).

Queue.get() and Queue.put() wait on the queue itself: they wake up when
another thread, in any interpreter, adds or takes an item, when the
queue is destroyed, or when a signal arrives.  The speed of the wake-up
is measured by the benchmark, not here.
"""

import _thread
import math
import os
import signal
import threading
import time
import unittest
from textwrap import dedent

from test import support
from test.support import import_helper, threading_helper
# Raise SkipTest if subinterpreters not supported.
_queues = import_helper.import_module('_interpqueues')
from concurrent import interpreters
from concurrent.interpreters import _queues as queues


# Long enough that a test never gets there unless the wake-up is lost.
LONG = support.LONG_TIMEOUT


class TestBase(unittest.TestCase):

    def tearDown(self):
        for qid, _, _ in _queues.list_all():
            try:
                _queues.destroy(qid)
            except Exception:
                pass

    def run_in_thread(self, func, *args):
        """Start a thread calling func; return (thread, results).

        "results" gets ('ok', value) or ('error', exception).
        """
        results = []

        def target():
            try:
                results.append(('ok', func(*args)))
            except BaseException as exc:
                results.append(('error', exc))

        t = threading.Thread(target=target)
        t.start()
        self.addCleanup(threading_helper.join_thread, t)
        return t, results

    def wait_for_waiters(self, thread):
        # Give the thread time to block; the test is correct either way,
        # it then just does not exercise the wake-up.
        for _ in range(100):
            if not thread.is_alive():
                break
            time.sleep(0.01)


class GetTests(TestBase):

    def test_wakes_on_put_from_another_interpreter(self):
        queue = queues.create()
        interp = interpreters.create()
        interp.prepare_main(queue=queue)
        t = threading.Thread(target=interp.exec, args=(dedent("""
            import time
            time.sleep(0.1)
            queue.put('spam')
            """),))
        t.start()
        try:
            self.assertEqual(queue.get(timeout=LONG), 'spam')
        finally:
            t.join()

    def test_wakes_in_subinterpreter(self):
        queue = queues.create()
        results = queues.create()
        interp = interpreters.create()
        interp.prepare_main(queue=queue, results=results)
        t = threading.Thread(target=interp.exec,
                             args=("results.put(queue.get() * 2)",))
        t.start()
        try:
            self.wait_for_waiters(t)
            queue.put(21)
            self.assertEqual(results.get(timeout=LONG), 42)
        finally:
            t.join()

    def test_no_timeout_waits_for_item(self):
        queue = queues.create()
        t, results = self.run_in_thread(queue.get)
        self.wait_for_waiters(t)
        queue.put(1)
        t.join()
        self.assertEqual(results, [('ok', 1)])

    def test_timeout_raises_queue_empty(self):
        queue = queues.create()
        with self.assertRaisesRegex(queues.QueueEmpty,
                                    rf'^queue {queue.id} is empty$'):
            queue.get(timeout=0.05)

    def test_float_timeout_not_cut_short(self):
        queue = queues.create()
        for timeout in (0.001, 0.05, 0.25):
            with self.subTest(timeout=timeout):
                start = time.monotonic()
                with self.assertRaises(queues.QueueEmpty):
                    queue.get(timeout=timeout)
                self.assertGreaterEqual(time.monotonic() - start, timeout)

    def test_zero_timeout(self):
        queue = queues.create()
        with self.assertRaises(queues.QueueEmpty):
            queue.get(timeout=0)
        queue.put(1)
        self.assertEqual(queue.get(timeout=0), 1)

    def test_huge_timeout(self):
        queue = queues.create()
        queue.put(1)
        self.assertEqual(queue.get(timeout=1e300), 1)
        queue.put(2)
        self.assertEqual(_queues.get(queue.id, block=True, timeout=1e300),
                         (2, None))

    def test_get_nowait(self):
        queue = queues.create()
        with self.assertRaisesRegex(queues.QueueEmpty,
                                    rf'^queue {queue.id} is empty$'):
            queue.get_nowait()
        with self.assertRaises(queues.QueueEmpty):
            queue.get(block=False, timeout=LONG)
        queue.put(1)
        self.assertEqual(queue.get_nowait(), 1)

    def test_items_keep_their_order(self):
        queue = queues.create(3)
        interp = interpreters.create()
        interp.prepare_main(queue=queue)
        n = 2000
        t = threading.Thread(target=interp.exec, args=(dedent(f"""
            for i in range({n}):
                queue.put(i)
            queue.put(None)
            """),))
        t.start()
        try:
            received = []
            while (item := queue.get(timeout=LONG)) is not None:
                received.append(item)
        finally:
            t.join()
        self.assertEqual(received, list(range(n)))

    def test_every_waiter_gets_an_item(self):
        queue = queues.create()
        threads = [self.run_in_thread(queue.get, True, LONG)
                   for _ in range(4)]
        for t, _ in threads:
            self.wait_for_waiters(t)
        for i in range(4):
            queue.put(i)
        received = []
        for t, results in threads:
            t.join()
            [(status, value)] = results
            self.assertEqual(status, 'ok')
            received.append(value)
        self.assertEqual(sorted(received), [0, 1, 2, 3])

    def test_unbound_item(self):
        # A blocking get() resolves the item of a destroyed interpreter
        # like get_nowait() does.
        queue = queues.create()
        interp = interpreters.create()
        interp.prepare_main(queue=queue)
        interp.exec(dedent("""
            from concurrent.interpreters import _queues
            queue.put(object())
            queue.put(object(), unbounditems=_queues.UNBOUND_ERROR)
            """))
        interp.close()
        self.assertIs(queue.get(timeout=LONG), queues.UNBOUND)
        with self.assertRaises(queues.ItemInterpreterDestroyed):
            queue.get(timeout=LONG)
        with self.assertRaises(queues.QueueEmpty):
            queue.get(timeout=0.01)


class PutTests(TestBase):

    def test_wakes_on_get_from_another_interpreter(self):
        queue = queues.create(1)
        queue.put('first')
        interp = interpreters.create()
        interp.prepare_main(queue=queue)
        t = threading.Thread(target=interp.exec, args=(dedent("""
            import time
            time.sleep(0.1)
            assert queue.get() == 'first'
            """),))
        t.start()
        try:
            queue.put('second', timeout=LONG)
        finally:
            t.join()
        self.assertEqual(queue.get_nowait(), 'second')

    def test_timeout_raises_queue_full(self):
        queue = queues.create(1)
        queue.put(1)
        start = time.monotonic()
        with self.assertRaisesRegex(queues.QueueFull,
                                    rf'^queue {queue.id} is full$'):
            queue.put(2, timeout=0.05)
        self.assertGreaterEqual(time.monotonic() - start, 0.05)
        # The item that timed out was not added.
        self.assertEqual(queue.qsize(), 1)
        self.assertEqual(queue.get_nowait(), 1)
        with self.assertRaises(queues.QueueEmpty):
            queue.get_nowait()

    def test_put_nowait(self):
        queue = queues.create(1)
        queue.put_nowait(1)
        with self.assertRaisesRegex(queues.QueueFull,
                                    rf'^queue {queue.id} is full$'):
            queue.put_nowait(2)
        with self.assertRaises(queues.QueueFull):
            queue.put(2, block=False, timeout=LONG)

    def test_wakes_when_unbound_item_removed(self):
        # An item put with UNBOUND_REMOVE goes away with its interpreter,
        # which makes room for a blocked put().
        queue = queues.create(1)
        interp = interpreters.create()
        interp.prepare_main(queue=queue)
        interp.exec(dedent("""
            from concurrent.interpreters import _queues
            queue.put('doomed', unbounditems=_queues.UNBOUND_REMOVE)
            """))
        self.assertTrue(queue.full())
        t, results = self.run_in_thread(queue.put, 'spam', True, LONG)
        self.wait_for_waiters(t)
        interp.close()
        t.join()
        self.assertEqual(results, [('ok', None)])
        self.assertEqual(queue.get_nowait(), 'spam')

    def test_unshareable_object_not_added(self):
        queue = queues.create(1)
        queue.put(1)
        with self.assertRaises(interpreters.NotShareableError):
            queue.put(threading.Lock(), timeout=LONG)
        self.assertEqual(queue.qsize(), 1)


class DestroyTests(TestBase):

    def check_destroyed_while_waiting(self, func, *args):
        t, results = self.run_in_thread(func, *args)
        self.wait_for_waiters(t)
        qid = args[0]
        _queues.destroy(qid)
        t.join()
        [(status, exc)] = results
        self.assertEqual(status, 'error')
        self.assertIsInstance(exc, queues.QueueNotFoundError)
        self.assertEqual(str(exc), f'queue {qid} not found')

    def test_get_without_timeout(self):
        qid = _queues.create(0)
        def get(qid):
            return _queues.get(qid, block=True)
        self.check_destroyed_while_waiting(get, qid)

    def test_get_with_timeout(self):
        qid = _queues.create(0)
        def get(qid):
            return _queues.get(qid, block=True, timeout=LONG)
        self.check_destroyed_while_waiting(get, qid)

    def test_put(self):
        qid = _queues.create(1)
        _queues.put(qid, 1)
        def put(qid):
            return _queues.put(qid, 2, block=True)
        self.check_destroyed_while_waiting(put, qid)

    def test_wait_in_subinterpreter(self):
        qid = _queues.create(0)
        interp = interpreters.create()
        t = threading.Thread(target=interp.exec, args=(dedent(f"""
            import _interpqueues
            try:
                _interpqueues.get({qid}, block=True)
            except _interpqueues.QueueNotFoundError:
                pass
            else:
                raise AssertionError('not woken')
            """),))
        t.start()
        self.wait_for_waiters(t)
        _queues.destroy(qid)
        t.join()
        interp.close()


class LowLevelTests(TestBase):

    def test_get_wait(self):
        qid = _queues.create(0)
        t, results = self.run_in_thread(
            lambda: _queues.get(qid, block=True))
        self.wait_for_waiters(t)
        _queues.put(qid, 'spam')
        t.join()
        self.assertEqual(results, [('ok', ('spam', None))])

    def test_does_not_block_by_default(self):
        qid = _queues.create(1)
        with self.assertRaises(queues.QueueEmpty):
            _queues.get(qid)
        with self.assertRaises(queues.QueueEmpty):
            _queues.get(qid, timeout=LONG)
        _queues.put(qid, 1)
        with self.assertRaises(queues.QueueFull):
            _queues.put(qid, 2)
        with self.assertRaises(queues.QueueFull):
            _queues.put(qid, 2, timeout=LONG)

    def test_unknown_queue(self):
        with self.assertRaisesRegex(queues.QueueNotFoundError,
                                    '^queue 1000000 not found$'):
            _queues.get(1_000_000, block=True)
        with self.assertRaisesRegex(queues.QueueNotFoundError,
                                    '^queue 1000000 not found$'):
            _queues.put(1_000_000, 1, block=True, timeout=1.0)

    def test_bad_timeout(self):
        qid = _queues.create(1)
        _queues.put(qid, 1)
        for timeout, exctype, msg in [
            (-1, ValueError, 'timeout value must be non-negative'),
            (-0.5, ValueError, 'timeout value must be non-negative'),
            (math.nan, ValueError, 'timeout value must not be NaN'),
            ('1', TypeError, 'must be real number, not str'),
            (1j, TypeError, 'must be real number, not complex'),
        ]:
            with self.subTest(timeout=timeout):
                with self.assertRaisesRegex(exctype, msg):
                    _queues.get(qid, block=True, timeout=timeout)
                with self.assertRaisesRegex(exctype, msg):
                    _queues.put(qid, 2, block=True, timeout=timeout)
        # Nothing was taken or added.
        self.assertEqual(_queues.get_count(qid), 1)

    def test_arguments(self):
        # Every way of passing the optional arguments.
        qid = _queues.create(0)
        _queues.put(qid, 1, 3)
        _queues.put(qid, 2, 3, 1)
        _queues.put(qid, 3, fallback=1)
        _queues.put(qid, 4, timeout=1.0)
        _queues.put(qid, 5, 3, block=True)
        _queues.put(qid=qid, obj=6, unboundop=3, fallback=1, block=False,
                    timeout=None)
        self.assertEqual(_queues.get(qid), (1, None))
        self.assertEqual(_queues.get(qid, timeout=1.0), (2, None))
        self.assertEqual(_queues.get(qid, block=True), (3, None))
        self.assertEqual(_queues.get(qid, block=1, timeout=1.0), (4, None))
        self.assertEqual(_queues.get(qid=qid), (5, None))
        self.assertEqual(_queues.get(qid, block=False, timeout=None),
                         (6, None))
        with self.assertRaisesRegex(TypeError, r"missing required argument"):
            _queues.put(qid)
        with self.assertRaisesRegex(TypeError, r"missing required argument"):
            _queues.get()
        with self.assertRaises(TypeError):
            _queues.put(qid, 1, 3.0)
        with self.assertRaises(TypeError):
            _queues.get(qid, spam=1)
        with self.assertRaises(TypeError):
            _queues.put(qid, 1, qid=qid)
        with self.assertRaisesRegex(ValueError, 'unsupported unboundop'):
            _queues.put(qid, 1, 42)
        self.assertEqual(_queues.get_count(qid), 0)

    def test_block_is_keyword_only(self):
        qid = _queues.create(0)
        with self.assertRaises(TypeError):
            _queues.get(qid, True)
        with self.assertRaises(TypeError):
            _queues.put(qid, 1, -1, -1, True)

    def test_high_level_bad_timeout(self):
        queue = queues.create(1)
        with self.assertRaisesRegex(ValueError,
                                    'timeout value must be non-negative'):
            queue.get(timeout=-1)
        with self.assertRaisesRegex(ValueError, 'must not be NaN'):
            queue.get(timeout=math.nan)
        with self.assertRaises(TypeError):
            queue.get(timeout=[])
        queue.put(1)
        with self.assertRaisesRegex(ValueError,
                                    'timeout value must be non-negative'):
            queue.put(2, timeout=-1)


@unittest.skipUnless(hasattr(signal, 'pthread_kill'), 'needs pthread_kill')
class SignalTests(TestBase):

    def interrupt_after(self, delay, func):
        t = threading.Timer(delay, func)
        t.start()
        self.addCleanup(t.join)

    def test_keyboard_interrupt(self):
        # interrupt_main() sets the flag without a real signal: only the
        # periodic check sees it.  It does nothing while SIGINT is
        # ignored, as it is in a process started in the background by a
        # shell without job control: the test sets Python's handler.
        old = signal.signal(signal.SIGINT, signal.default_int_handler)
        self.addCleanup(signal.signal, signal.SIGINT, old)
        queue = queues.create()
        self.interrupt_after(0.1, _thread.interrupt_main)
        with self.assertRaises(KeyboardInterrupt):
            queue.get(timeout=support.LONG_TIMEOUT)

    def test_signal_handler_exception(self):
        class Interrupted(Exception):
            pass

        def handler(signum, frame):
            raise Interrupted

        old = signal.signal(signal.SIGUSR1, handler)
        self.addCleanup(signal.signal, signal.SIGUSR1, old)
        queue = queues.create(1)
        main = threading.get_ident()
        self.interrupt_after(
            0.1, lambda: signal.pthread_kill(main, signal.SIGUSR1))
        with self.assertRaises(Interrupted):
            queue.get(timeout=LONG)
        queue.put(1)
        self.interrupt_after(
            0.1, lambda: signal.pthread_kill(main, signal.SIGUSR1))
        with self.assertRaises(Interrupted):
            queue.put(2)
        self.assertEqual(queue.qsize(), 1)

    def test_wait_goes_on_after_handler(self):
        calls = []

        def handler(signum, frame):
            calls.append(signum)
            queue.put('spam')

        old = signal.signal(signal.SIGUSR1, handler)
        self.addCleanup(signal.signal, signal.SIGUSR1, old)
        queue = queues.create()
        main = threading.get_ident()
        self.interrupt_after(
            0.1, lambda: signal.pthread_kill(main, signal.SIGUSR1))
        self.assertEqual(queue.get(timeout=LONG), 'spam')
        self.assertEqual(calls, [signal.SIGUSR1])


if __name__ == '__main__':
    unittest.main()
