"""The state that makes Queue.aget() and Queue.aput() cheap (issue 17).

- One timer per event loop serves every await that has a timeout (see
  _LoopSignal._wake_by()): it is set for the earliest deadline and is not
  cancelled when an await ends sooner, so these tests check that each
  await still ends at its own deadline, and not at another's.
- put() and get() write the signals of the awaiting loops after the
  queue's mutex is released, holding a reference to each signal until
  the write is done (at most a few per change; more are written under
  the mutex).
- _Signal.watch() tells whether the queue has an item (or room) as the
  watch begins: an await whose first try failed tries again only then.
"""

import asyncio
import gc
import os
import sys
import threading
import time
import unittest

from test import support
from test.support import import_helper, threading_helper

# Raise SkipTest if subinterpreters not supported.
_queues = import_helper.import_module('_interpqueues')
from concurrent import interpreters
from concurrent.interpreters import _queues as queues

# The base class and helpers of the aget()/aput() tests (which skip the
# module where the queue signal does not exist).
from .test_queue_asyncio import TIMEOUT, TestBase as _AsyncTestBase, _readable


# A deadline that no test reaches.
LONG = support.LONG_TIMEOUT


def _wait_until_asleep(native_id, timeout):
    # Return True once the thread sleeps, False if it does not within
    # timeout seconds (bounded busy loop over its /proc state).
    path = f'/proc/self/task/{native_id}/stat'
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open(path) as f:
            stat = f.read()
        # The state follows the command name, which is in parentheses.
        if stat.rpartition(')')[2].split()[0] in ('S', 'D'):
            return True
    return False


class TestBase(_AsyncTestBase):

    def signal_of_running_loop(self):
        return queues._LoopSignal.of(asyncio.get_running_loop())


class SharedTimerTests(TestBase):

    def test_shorter_deadline_after_longer(self):
        # The timer, set for a far deadline, is moved to a nearer one.
        queue = interpreters.create_queue()

        async def main():
            loop = asyncio.get_running_loop()
            far = asyncio.create_task(queue.aget(timeout=LONG))
            await self.until_waiting(far)
            start = loop.time()
            with self.assertRaises(interpreters.QueueEmpty):
                await queue.aget(timeout=0.05)
            elapsed = loop.time() - start
            # The far await is still waiting, and still gets its item.
            self.assertFalse(far.done())
            queue.put('far')
            return elapsed, await far

        elapsed, item = self.run_async(main())
        self.assertGreaterEqual(elapsed, 0.04)
        self.assertEqual(item, 'far')

    def test_longer_deadline_after_shorter(self):
        # When the timer fires for the nearer deadline, the await with
        # the farther one goes on waiting, and the timer is set anew for
        # it.
        queue = interpreters.create_queue()

        async def main():
            near = asyncio.create_task(queue.aget(timeout=0.02))
            far = asyncio.create_task(queue.aget(timeout=LONG))
            await self.until_waiting(near)
            await self.until_waiting(far)
            with self.assertRaises(interpreters.QueueEmpty):
                await near
            self.assertFalse(far.done())
            signal = self.signal_of_running_loop()
            # The far await set the timer for its own deadline.
            self.assertIsNotNone(signal._timer)
            self.assertGreater(signal._timer_end - time.monotonic(),
                               LONG / 2)
            queue.put('far')
            return await far

        self.assertEqual(self.run_async(main()), 'far')

    def test_await_without_timeout_outlives_the_timer(self):
        # An await without a deadline goes on waiting while the timer
        # serves the deadlines of others.
        queue = interpreters.create_queue()
        other = interpreters.create_queue()

        async def main():
            forever = asyncio.create_task(queue.aget())
            await self.until_waiting(forever)
            for _ in range(3):
                with self.assertRaises(interpreters.QueueEmpty):
                    await other.aget(timeout=0.01)
            self.assertFalse(forever.done())
            queue.put('kept')
            return await forever

        self.assertEqual(self.run_async(main()), 'kept')

    def test_timer_wakes_only_the_awaits_due(self):
        # The awaits without a deadline, or with a later one, are not
        # woken (they would try their queue again) when the timer fires
        # for another await's deadline.
        queue = interpreters.create_queue()
        later = interpreters.create_queue()
        other = interpreters.create_queue()
        tries = {queue.id: 0, later.id: 0}

        def counting(q):
            real = q.get_nowait

            def get_nowait():
                tries[q.id] += 1
                return real()
            q.get_nowait = get_nowait
            self.addCleanup(vars(q).pop, 'get_nowait', None)

        counting(queue)
        counting(later)

        async def main():
            forever = asyncio.create_task(queue.aget())
            far = asyncio.create_task(later.aget(timeout=LONG))
            await self.until_waiting(forever)
            await self.until_waiting(far)
            before = dict(tries)
            for _ in range(3):
                with self.assertRaises(interpreters.QueueEmpty):
                    await other.aget(timeout=0.01)
            self.assertEqual(tries, before)
            queue.put('kept')
            later.put('later')
            return await forever, await far

        self.assertEqual(self.run_async(main()), ('kept', 'later'))

    def test_stale_timer_does_not_delay_a_nearer_deadline(self):
        # An await with a far deadline ends at once (its item comes);
        # its timer stays, and a later await with a near deadline still
        # times out on time, not at the far deadline (run_async() would
        # fail with TimeoutError first).
        queue = interpreters.create_queue()

        async def main():
            far = asyncio.create_task(queue.aget(timeout=LONG))
            await self.until_waiting(far)
            queue.put(1)
            self.assertEqual(await far, 1)
            signal = self.signal_of_running_loop()
            self.assertEqual(signal._waiters, set())
            self.assertIsNotNone(signal._timer)
            loop = asyncio.get_running_loop()
            start = loop.time()
            with self.assertRaises(interpreters.QueueEmpty):
                await queue.aget(timeout=0.02)
            return loop.time() - start

        elapsed = self.run_async(main())
        self.assertGreaterEqual(elapsed, 0.015)
        self.assertLess(elapsed, LONG / 2)

    def test_timer_firing_with_no_await_left(self):
        queue = interpreters.create_queue()

        async def main():
            loop = asyncio.get_running_loop()
            getter = asyncio.create_task(queue.aget(timeout=0.02))
            await self.until_waiting(getter)
            queue.put('early')
            self.assertEqual(await getter, 'early')
            signal = self.signal_of_running_loop()
            timer = signal._timer
            self.assertIsNotNone(timer)
            # Let the timer fire: it finds no await, and is dropped.
            fired = loop.create_future()
            loop.call_at(timer.when() + 0.001, fired.set_result, None)
            await fired
            self.assertIsNone(signal._timer)
            # The next await with a deadline sets a new one.
            with self.assertRaises(interpreters.QueueEmpty):
                await queue.aget(timeout=0.01)

        self.run_async(main())

    def test_aput_deadline_after_aget_deadline(self):
        # aput() and aget() of one loop share the timer too.
        full = interpreters.create_queue(maxsize=1)
        full.put(0)
        empty = interpreters.create_queue()

        async def main():
            getter = asyncio.create_task(empty.aget(timeout=LONG))
            await self.until_waiting(getter)
            with self.assertRaises(interpreters.QueueFull):
                await full.aput(1, timeout=0.02)
            self.assertEqual(full.qsize(), 1)
            empty.put('got')
            return await getter

        self.assertEqual(self.run_async(main()), 'got')

    def test_cancelled_await_with_deadline(self):
        queue = interpreters.create_queue()

        async def main():
            getter = asyncio.create_task(queue.aget(timeout=LONG))
            await self.until_waiting(getter)
            getter.cancel()
            with self.assertRaises(asyncio.CancelledError):
                await getter
            signal = self.signal_of_running_loop()
            self.assertEqual(signal._waiters, set())
            fd = signal._signal.fileno()
            signal._signal.clear()
            # Nothing watches the queue any more.
            queue.put('kept')
            self.assertFalse(_readable(fd))
            # And a later await with a near deadline times out on time.
            with self.assertRaises(interpreters.QueueEmpty):
                await interpreters.create_queue().aget(timeout=0.01)
            return queue.get_nowait()

        self.assertEqual(self.run_async(main()), 'kept')

    def test_deadlines_of_many_awaits(self):
        # Many awaits with deadlines in no particular order: each times
        # out, none before its own deadline.
        queue = interpreters.create_queue()
        timeouts = [0.05, 0.01, 0.04, 0.02, 0.03, 0.01]

        async def one(timeout):
            loop = asyncio.get_running_loop()
            start = loop.time()
            try:
                await queue.aget(timeout=timeout)
            except interpreters.QueueEmpty:
                return loop.time() - start
            return None

        async def main():
            return await asyncio.gather(*(one(t) for t in timeouts))

        elapsed = self.run_async(main())
        for timeout, took in zip(timeouts, elapsed):
            self.assertIsNotNone(took)
            # (The loop's clock and time.monotonic() are the same clock;
            # 1 ms of slack for the loop's clock resolution.)
            self.assertGreaterEqual(took, timeout - 0.001)


class FirstTryTests(TestBase):
    # aget() and aput() try once before anything else; the timeout is
    # still checked first, as before.

    def test_bad_timeout_with_item_there(self):
        queue = interpreters.create_queue()
        queue.put('kept')

        async def main(timeout):
            await queue.aget(timeout=timeout)

        with self.assertRaisesRegex(ValueError, 'non-negative'):
            self.run_async(main(-1))
        with self.assertRaises(TypeError):
            self.run_async(main([]))
        self.assertEqual(queue.get_nowait(), 'kept')

    def test_bad_timeout_with_room(self):
        queue = interpreters.create_queue()

        async def main(timeout):
            await queue.aput('not added', timeout=timeout)

        with self.assertRaisesRegex(ValueError, 'non-negative'):
            self.run_async(main(-1))
        with self.assertRaises(TypeError):
            self.run_async(main([]))
        self.assertTrue(queue.empty())

    def test_no_running_loop(self):
        # Without a running loop, an await that must wait raises as
        # before; one that need not wait does not need a loop.
        queue = interpreters.create_queue()
        coro = queue.aget()
        with self.assertRaisesRegex(RuntimeError, 'no running event loop'):
            coro.send(None)
        queue.put(1)
        coro = queue.aget()
        with self.assertRaises(StopIteration) as cm:
            coro.send(None)
        self.assertEqual(cm.exception.value, 1)

    def test_queue_destroyed_before_the_first_try(self):
        queue = interpreters.create_queue()
        _queues.destroy(queue.id)

        async def main():
            with self.assertRaises(queues.QueueNotFoundError):
                await queue.aget()
            with self.assertRaises(queues.QueueNotFoundError):
                await queue.aput(1)

        self.run_async(main())


class WatchResultTests(TestBase):
    # _Signal.watch() tells whether the queue has what the watch waits
    # for already; an await then tries again before it parks.

    def test_watch_result(self):
        signal = _queues._Signal()
        self.addCleanup(signal.close)
        queue = interpreters.create_queue(maxsize=1)
        unbounded = interpreters.create_queue()
        watches = []

        def watch(q, put=False):
            watches.append((q.id, put))
            return signal.watch(q.id, put)

        self.assertIs(watch(queue), False)
        self.assertIs(watch(queue, put=True), True)
        self.assertIs(watch(unbounded, put=True), True)
        queue.put(1)
        unbounded.put(1)
        self.assertIs(watch(queue), True)
        self.assertIs(watch(queue, put=True), False)
        self.assertIs(watch(unbounded, put=True), True)
        self.assertIs(watch(unbounded), True)
        for qid, put in watches:
            signal.unwatch(qid, put)

    @threading_helper.requires_working_threading()
    def test_item_added_between_first_try_and_watch(self):
        # The item comes after aget()'s first try and before its watch:
        # nothing signals the loop, so the await must find it by itself
        # (watch() says it is there) or it would wait forever.
        queue = interpreters.create_queue()
        real_get_nowait = queue.get_nowait
        tries = []

        def get_nowait():
            tries.append(None)
            try:
                return real_get_nowait()
            except interpreters.QueueEmpty:
                if len(tries) == 1:
                    t = threading.Thread(target=queue.put, args=('late',))
                    t.start()
                    threading_helper.join_thread(t)
                raise

        queue.get_nowait = get_nowait
        self.addCleanup(vars(queue).pop, 'get_nowait', None)

        async def main():
            return await queue.aget()

        self.assertEqual(self.run_async(main()), 'late')
        self.assertEqual(len(tries), 2)


class DeferredWriteTests(unittest.TestCase):
    # The low-level side: the signals a put() or get() writes once the
    # queue's mutex is released.

    def make_signals(self, n, qid, put=False):
        signals = []
        for _ in range(n):
            signal = _queues._Signal()
            self.addCleanup(signal.close)
            signal.watch(qid, put)
            self.addCleanup(signal.unwatch, qid, put)
            signals.append(signal)
        return signals

    def test_many_loops_await_one_item(self):
        # More signals than one change writes after the mutex: the rest
        # are written under it.  Every one becomes readable, once.
        queue = interpreters.create_queue()
        signals = self.make_signals(10, queue.id)
        fds = [s.fileno() for s in signals]
        self.assertFalse(any(map(_readable, fds)))
        queue.put(1)
        self.assertTrue(all(map(_readable, fds)))
        for signal in signals:
            signal.clear()
        self.assertFalse(any(map(_readable, fds)))
        queue.put(2)
        self.assertTrue(all(map(_readable, fds)))

    def test_many_loops_await_room(self):
        queue = interpreters.create_queue(maxsize=1)
        queue.put(0)
        signals = self.make_signals(7, queue.id, put=True)
        fds = [s.fileno() for s in signals]
        self.assertFalse(any(map(_readable, fds)))
        queue.get()
        self.assertTrue(all(map(_readable, fds)))

    def test_some_signalled_already(self):
        # Signals already readable are not written again; the others
        # are, however many there are.
        queue = interpreters.create_queue()
        signals = self.make_signals(9, queue.id)
        fds = [s.fileno() for s in signals]
        queue.put(1)
        for signal in signals[::2]:
            signal.clear()
        queue.put(2)
        self.assertTrue(all(map(_readable, fds)))

    @threading_helper.requires_working_threading()
    @unittest.skipUnless(os.path.exists(f'/proc/self/task/{os.getpid()}'),
                         'needs /proc/self/task')
    def test_blocked_get_signals_awaiting_putters(self):
        # A get() that waits for its item, and takes it when woken,
        # writes the signals of the loops awaiting room (after its
        # mutex, too).  The put() comes once the getter's thread is
        # about to call get() (a profile hook tells) and then sleeps:
        # it sleeps in the get(), which released its GIL, spun, and
        # waits for the item.
        for _ in range(5):
            queue = interpreters.create_queue(maxsize=1)
            signal, = self.make_signals(1, queue.id, put=True)
            fd = signal.fileno()
            calling = threading.Event()
            results = []
            get = queue.get

            def hook(frame, event, arg):
                # The C call that waits: Queue.get() itself, or the
                # low-level get() that a Queue.get() in Python makes.
                if (event == 'c_call'
                        and getattr(arg, '__name__', None) == 'get'):
                    calling.set()

            def getter():
                sys.setprofile(hook)
                try:
                    item = get(timeout=TIMEOUT)
                finally:
                    sys.setprofile(None)
                results.append(item)

            t = threading.Thread(target=getter)
            t.start()
            try:
                self.assertTrue(calling.wait(TIMEOUT))
                self.assertTrue(_wait_until_asleep(t.native_id, TIMEOUT))
                queue.put('item')
            finally:
                threading_helper.join_thread(t)
            self.assertEqual(results, ['item'])
            self.assertTrue(_readable(fd))

    @threading_helper.requires_working_threading()
    def test_signal_dropped_while_a_put_writes_it(self):
        # The last watch of a signal goes (unwatch(), close()) while a
        # put() of another thread signals it: the descriptor stays open
        # until that write is done, then closes.  No crash, no write to
        # a closed descriptor, no descriptor left open.
        for i in range(50):
            queue = interpreters.create_queue()
            signal = _queues._Signal()
            fd = signal.fileno()
            signal.watch(queue.id)
            barrier = threading.Barrier(2)

            def putter():
                barrier.wait(TIMEOUT)
                queue.put(i)

            t = threading.Thread(target=putter)
            t.start()
            try:
                barrier.wait(TIMEOUT)
                signal.unwatch(queue.id)
                signal.close()
                del signal
            finally:
                threading_helper.join_thread(t)
            # Both are done: nothing holds the descriptor any more.
            with self.assertRaises(OSError):
                os.fstat(fd)
            self.assertEqual(queue.get_nowait(), i)

    @threading_helper.requires_working_threading()
    def test_queue_destroyed_while_puts_signal_many_loops(self):
        # Destroying a queue drops its watches while puts of another
        # thread hold references to the signals they are writing.
        for _ in range(20):
            queue = interpreters.create_queue()
            qid = queue.id
            signals = [_queues._Signal() for _ in range(6)]
            for signal in signals:
                signal.watch(qid)
            barrier = threading.Barrier(2)

            def putter():
                barrier.wait(TIMEOUT)
                for j in range(20):
                    try:
                        _queues.put(qid, j, 1, 1)
                    except queues.QueueNotFoundError:
                        break
                    for signal in signals:
                        signal.clear()

            t = threading.Thread(target=putter)
            t.start()
            try:
                barrier.wait(TIMEOUT)
                _queues.destroy(qid)
            finally:
                threading_helper.join_thread(t)
            fds = [s.fileno() for s in signals]
            # A destroyed queue makes every signal readable.
            self.assertTrue(all(map(_readable, fds)))
            for signal in signals:
                signal.close()
            del signals, signal
            gc.collect()
            for fd in fds:
                with self.assertRaises(OSError):
                    os.fstat(fd)


if __name__ == '__main__':
    unittest.main()
