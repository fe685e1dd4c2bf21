"""Queue.aget() and Queue.aput() wake on the queue's change, not by polling.

Every test sets the polling pauses of the old implementation to an hour
(see _no_polling()), so a wait that is not woken by the put() or get()
that it awaits runs into the test's bounded timeout and fails.
"""

import asyncio
import contextlib
import gc
import os
import select
import sys
import threading
import unittest
import weakref

from test import support
from test.support import import_helper, threading_helper

# Raise SkipTest if subinterpreters not supported.
_queues = import_helper.import_module('_interpqueues')
from concurrent import interpreters
from concurrent.interpreters import _queues as queues


TIMEOUT = support.SHORT_TIMEOUT

if sys.platform == 'win32':
    raise unittest.SkipTest('the queue signal is a POSIX file descriptor')


def _readable(fd):
    return bool(select.select([fd], [], [], 0)[0])


class TestBase(unittest.TestCase):

    def setUp(self):
        super().setUp()
        # An await that is not woken by the queue's change would sleep
        # for an hour between two tries (the polling of the old code).
        for name in ('_AWAIT_MIN_DELAY', '_AWAIT_MAX_DELAY'):
            old = getattr(queues.Queue, name)
            setattr(queues.Queue, name, 3600.0)
            self.addCleanup(setattr, queues.Queue, name, old)
        self.addCleanup(asyncio.set_event_loop_policy, None)

    def run_async(self, coro):
        return asyncio.run(asyncio.wait_for(coro, TIMEOUT))

    def new_interpreter(self):
        interp = interpreters.create()

        def close():
            # An acall() resolves its future only once its thread has
            # left the interpreter, but the call of a cancelled acall()
            # (test_cancelled_call_runs_to_its_end) has no future to
            # await: its thread may still be finishing the call, and
            # until it has, close() refuses with "interpreter running"
            # (bounded retry).
            for _ in support.sleeping_retry(support.SHORT_TIMEOUT):
                try:
                    interp.close()
                    break
                except interpreters.InterpreterError as exc:
                    if 'running' not in str(exc):
                        raise
        self.addCleanup(close)
        return interp

    @contextlib.contextmanager
    def exec_in_thread(self, interp, code):
        """Run interp.exec(code) in a thread; join it on exit."""
        errors = []

        def run():
            try:
                interp.exec(code)
            except BaseException as exc:
                errors.append(exc)

        t = threading.Thread(target=run)
        t.start()
        try:
            yield
        finally:
            t.join(TIMEOUT)
        self.assertFalse(t.is_alive())
        if errors:
            raise errors[0]

    async def until_waiting(self, task):
        # The task runs up to its first real wait within a few turns of
        # the loop (no time passes: only ready callbacks run).
        for _ in range(10):
            await asyncio.sleep(0)
        self.assertFalse(task.done())


class AgetTests(TestBase):

    def test_wakes_on_put_from_thread(self):
        queue = interpreters.create_queue()

        async def main():
            getter = asyncio.create_task(queue.aget())
            await self.until_waiting(getter)
            t = threading.Thread(target=queue.put, args=('item',))
            t.start()
            try:
                return await getter
            finally:
                t.join()

        self.assertEqual(self.run_async(main()), 'item')

    def test_wakes_on_put_from_other_interpreter(self):
        queue = interpreters.create_queue()
        ready = interpreters.create_queue()
        interp = self.new_interpreter()
        interp.prepare_main(queue=queue, ready=ready)

        async def main():
            getter = asyncio.create_task(queue.aget())
            await self.until_waiting(getter)
            # The putter's interpreter has its own GIL: the wake-up
            # crosses as a write to the loop's file descriptor.
            ready.put(None)
            return await getter

        with self.exec_in_thread(interp, dedent_code("""
                ready.get(timeout=%r)
                queue.put(('from', 'sub'))
                """ % TIMEOUT)):
            result = self.run_async(main())
        self.assertEqual(result, ('from', 'sub'))

    def test_loops_in_two_interpreters(self):
        # Ping-pong between two event loops, one per interpreter.
        ping = interpreters.create_queue()
        pong = interpreters.create_queue()
        interp = self.new_interpreter()
        interp.prepare_main(ping=ping, pong=pong)
        code = dedent_code("""
            import asyncio
            async def echo():
                while (item := await ping.aget(timeout=%r)) is not None:
                    await pong.aput(item + 1)
            asyncio.run(echo())
            """ % TIMEOUT)

        async def main():
            total = 0
            for i in range(50):
                await ping.aput(i)
                total += await pong.aget()
            await ping.aput(None)
            return total

        with self.exec_in_thread(interp, code):
            total = self.run_async(main())
        self.assertEqual(total, sum(range(1, 51)))

    def test_many_awaits_on_one_queue(self):
        queue = interpreters.create_queue()

        async def main():
            getters = [asyncio.create_task(queue.aget()) for _ in range(5)]
            for task in getters:
                await self.until_waiting(task)
            for i in range(5):
                queue.put(i)
            return sorted(await asyncio.gather(*getters))

        self.assertEqual(self.run_async(main()), list(range(5)))

    def test_awaits_on_two_queues_of_one_loop(self):
        q1 = interpreters.create_queue()
        q2 = interpreters.create_queue()

        async def main():
            g1 = asyncio.create_task(q1.aget())
            g2 = asyncio.create_task(q2.aget())
            await self.until_waiting(g1)
            await self.until_waiting(g2)
            q2.put('two')
            self.assertEqual(await g2, 'two')
            self.assertFalse(g1.done())
            q1.put('one')
            return await g1

        self.assertEqual(self.run_async(main()), 'one')

    def test_item_already_there(self):
        queue = interpreters.create_queue()
        queue.put(1)

        async def main():
            return await queue.aget(timeout=0)

        self.assertEqual(self.run_async(main()), 1)

    def test_timeout(self):
        queue = interpreters.create_queue()

        async def main():
            loop = asyncio.get_running_loop()
            start = loop.time()
            with self.assertRaises(interpreters.QueueEmpty):
                await queue.aget(timeout=0.05)
            return loop.time() - start

        elapsed = self.run_async(main())
        self.assertGreaterEqual(elapsed, 0.04)

    def test_timeout_zero(self):
        queue = interpreters.create_queue()

        async def main():
            await queue.aget(timeout=0)

        with self.assertRaises(interpreters.QueueEmpty):
            self.run_async(main())

    def test_bad_timeout(self):
        queue = interpreters.create_queue()

        async def main(timeout):
            await queue.aget(timeout=timeout)

        with self.assertRaisesRegex(ValueError, 'non-negative'):
            self.run_async(main(-1))
        with self.assertRaises(TypeError):
            self.run_async(main([]))

    def test_cancelled_leaves_nothing_registered(self):
        queue = interpreters.create_queue()

        async def main():
            getter = asyncio.create_task(queue.aget())
            await self.until_waiting(getter)
            getter.cancel()
            with self.assertRaises(asyncio.CancelledError):
                await getter
            signal = queues._LoopSignal.of(asyncio.get_running_loop())
            fd = signal._signal.fileno()
            signal._signal.clear()
            # The queue no longer signals this loop.
            queue.put('kept')
            self.assertFalse(_readable(fd))
            return queue.get_nowait()

        self.assertEqual(self.run_async(main()), 'kept')

    def test_timed_out_leaves_nothing_registered(self):
        queue = interpreters.create_queue()

        async def main():
            with self.assertRaises(interpreters.QueueEmpty):
                await queue.aget(timeout=0.01)
            signal = queues._LoopSignal.of(asyncio.get_running_loop())
            fd = signal._signal.fileno()
            signal._signal.clear()
            queue.put('kept')
            self.assertFalse(_readable(fd))
            self.assertEqual(signal._waiters, set())

        self.run_async(main())
        self.assertEqual(queue.get_nowait(), 'kept')

    def test_queue_destroyed_while_awaiting(self):
        queue = interpreters.create_queue()
        qid = queue.id

        async def main():
            getter = asyncio.create_task(queue.aget())
            await self.until_waiting(getter)
            t = threading.Thread(target=_queues.destroy, args=(qid,))
            t.start()
            try:
                with self.assertRaises(queues.QueueNotFoundError):
                    await getter
            finally:
                t.join()

        self.run_async(main())

    @threading_helper.requires_working_threading()
    def test_queue_destroyed_while_putting(self):
        # Destroying the queue races with puts that signal the loop and
        # with the await that unwatches it: no crash, no hang.
        for _ in range(20):
            queue = interpreters.create_queue()
            qid = queue.id
            barrier = threading.Barrier(2)

            def put_then_destroy():
                barrier.wait(TIMEOUT)
                for i in range(10):
                    queue.put(i)
                _queues.destroy(qid)

            async def main():
                t = threading.Thread(target=put_then_destroy)
                t.start()
                try:
                    barrier.wait(TIMEOUT)
                    while True:
                        try:
                            await queue.aget()
                        except queues.QueueNotFoundError:
                            break
                finally:
                    t.join()

            self.run_async(main())

    def test_loop_closed_while_awaiting(self):
        # A loop closed with an await pending: the putter of another
        # interpreter still signals the (unread) descriptor, safely.
        queue = interpreters.create_queue()
        interp = self.new_interpreter()
        interp.prepare_main(queue=queue)
        loop = asyncio.new_event_loop()
        # The pending task is reported when it is collected: keep the
        # report out of the test's output, and check it.
        reports = []
        loop.set_exception_handler(
            lambda loop, context: reports.append(context['message']))
        try:
            getter = loop.create_task(queue.aget())
            for _ in range(10):
                loop.run_until_complete(asyncio.sleep(0))
            self.assertFalse(getter.done())
        finally:
            loop.close()
        interp.exec('for i in range(3): queue.put(i)')
        del getter, loop
        gc.collect()
        self.assertEqual(reports, ['Task was destroyed but it is pending!'])
        interp.exec('queue.put(3)')
        self.assertEqual([queue.get_nowait() for _ in range(4)],
                         [0, 1, 2, 3])
        # Nothing keeps the closed loop, its pending await and the queue
        # alive.
        qid = queue.id
        del queue
        interp.prepare_main(queue=None)
        gc.collect()
        self.assertNotIn(qid, [q.id for q in queues.list_all()])

    def test_signal_outlives_its_loop(self):
        # The loop and its signal object are gone while a queue still
        # watches the signal: the queue keeps the descriptor open, so a
        # put() never writes a closed (or reused) descriptor.
        queue = interpreters.create_queue()
        signal = _queues._Signal()
        fd = signal.fileno()
        signal.watch(queue.id)
        signal.close()
        with self.assertRaisesRegex(ValueError, 'closed'):
            signal.fileno()
        queue.put(1)
        self.assertTrue(_readable(fd))
        del signal
        queue.put(2)
        os.fstat(fd)  # still open
        _queues.destroy(queue.id)
        with self.assertRaises(OSError):
            os.fstat(fd)


class AputTests(TestBase):

    def test_wakes_when_room_is_made(self):
        queue = interpreters.create_queue(maxsize=1)
        queue.put('first')

        async def main():
            putter = asyncio.create_task(queue.aput('second'))
            await self.until_waiting(putter)
            t = threading.Thread(target=queue.get)
            t.start()
            try:
                await putter
            finally:
                t.join()
            return queue.get_nowait()

        self.assertEqual(self.run_async(main()), 'second')

    def test_wakes_on_get_in_other_interpreter(self):
        queue = interpreters.create_queue(maxsize=1)
        queue.put('first')
        interp = self.new_interpreter()
        interp.prepare_main(queue=queue)

        async def main():
            putter = asyncio.create_task(queue.aput('second'))
            await self.until_waiting(putter)
            await asyncio.to_thread(interp.exec, 'assert queue.get() == "first"')
            await putter
            return queue.get_nowait()

        self.assertEqual(self.run_async(main()), 'second')

    def test_timeout(self):
        queue = interpreters.create_queue(maxsize=1)
        queue.put(1)

        async def main():
            await queue.aput(2, timeout=0.02)

        with self.assertRaises(interpreters.QueueFull):
            self.run_async(main())
        self.assertEqual(queue.qsize(), 1)

    def test_cancelled_adds_nothing(self):
        queue = interpreters.create_queue(maxsize=1)
        queue.put(1)

        async def main():
            putter = asyncio.create_task(queue.aput(2))
            await self.until_waiting(putter)
            putter.cancel()
            with self.assertRaises(asyncio.CancelledError):
                await putter
            signal = queues._LoopSignal.of(asyncio.get_running_loop())
            fd = signal._signal.fileno()
            signal._signal.clear()
            self.assertEqual(queue.get_nowait(), 1)
            self.assertFalse(_readable(fd))
            self.assertTrue(queue.empty())

        self.run_async(main())


def _add(a, b):
    return a + b


def _rendezvous(mine, other, timeout):
    # Runs in an interpreter: both calls must run at the same time.
    mine.put(None)
    other.get(timeout=timeout)
    return 'met'


def _report_when_released(started, release, done, timeout):
    started.put(None)
    release.get(timeout=timeout)
    done.put('ended')


class AcallTests(TestBase):

    def count_thread_starts(self):
        starts = []
        orig = threading.Thread.start

        def start(thread):
            starts.append(thread.name)
            return orig(thread)

        threading.Thread.start = start
        self.addCleanup(setattr, threading.Thread, 'start', orig)
        return starts

    def test_threads_are_reused(self):
        interp = self.new_interpreter()
        starts = self.count_thread_starts()

        async def main():
            return [await interp.acall(_add, i, 1) for i in range(20)]

        self.assertEqual(self.run_async(main()), list(range(1, 21)))
        # One thread takes the calls one after another (a second one
        # only if the first gave up waiting on a very slow machine).
        self.assertLess(len(starts), 10, starts)

    def test_reused_after_exception(self):
        interp = self.new_interpreter()
        starts = self.count_thread_starts()

        async def main():
            for _ in range(5):
                with self.assertRaises(interpreters.ExecutionFailed):
                    await interp.acall(int, 'spam')
            return await interp.acall(_add, 1, 2)

        self.assertEqual(self.run_async(main()), 3)
        self.assertLess(len(starts), 6, starts)

    def test_concurrent_calls_run_at_once(self):
        # Each call waits for the other: they must run in two threads.
        interp1 = self.new_interpreter()
        interp2 = self.new_interpreter()
        q1 = interpreters.create_queue()
        q2 = interpreters.create_queue()

        async def main():
            return await asyncio.gather(
                interp1.acall(_rendezvous, q1, q2, TIMEOUT),
                interp2.acall(_rendezvous, q2, q1, TIMEOUT))

        self.assertEqual(self.run_async(main()), ['met', 'met'])

    def test_cancelled_call_runs_to_its_end(self):
        interp = self.new_interpreter()
        started = interpreters.create_queue()
        release = interpreters.create_queue()
        done = interpreters.create_queue()

        async def main():
            call = asyncio.ensure_future(
                interp.acall(_report_when_released, started, release, done,
                             TIMEOUT))
            await started.aget()
            call.cancel()
            with self.assertRaises(asyncio.CancelledError):
                await call
            release.put(None)
            # The call goes on after the cancellation and ends normally.
            return await done.aget()

        self.assertEqual(self.run_async(main()), 'ended')


class AsyncioModuleLifetimeTests(unittest.TestCase):
    # Each interpreter has its own _asyncio module.  An await of a C
    # future leaves its iterator in the module's free list, which held a
    # reference to the iterator type, the type one to the module: the
    # module of a closed interpreter was never freed (upstream 3.13.5;
    # patch asyncio-futureiter-freelist), which -R showed as a leak of
    # every test that ran an event loop in a subinterpreter.

    def test_module_with_free_iterators_is_freed(self):
        module = import_helper.import_fresh_module('_asyncio')
        # new_event_loop() makes the default policy: drop it, as
        # TestBase does.
        self.addCleanup(asyncio.set_event_loop_policy, None)
        loop = asyncio.new_event_loop()
        self.addCleanup(loop.close)
        future = module.Future(loop=loop)
        iterators = [iter(future) for _ in range(3)]
        del iterators           # into the module's free list
        # A free iterator is reused, and freed again.
        next_it = iter(future)
        self.assertIs(type(next_it), type(iter(future)))
        del next_it, future
        ref = weakref.ref(module)
        del module
        support.gc_collect()
        self.assertIsNone(ref())

    @unittest.skipUnless(hasattr(sys, 'gettotalrefcount'),
                         'needs a debug build (sys.gettotalrefcount)')
    def test_awaits_in_subinterpreters_leak_nothing(self):
        # The same through interpreters that await C futures: what a
        # closed interpreter leaves behind counts in the total of
        # references (the module and its types were about 1,300).
        code = dedent_code("""
            import asyncio
            async def main():
                loop = asyncio.get_running_loop()
                future = loop.create_future()
                loop.call_soon(future.set_result, 42)
                return await future
            assert asyncio.run(main()) == 42
            """)

        def run_once():
            interp = interpreters.create()
            interp.exec(code)
            interp.close()
            support.gc_collect()

        run_once()
        before = sys.gettotalrefcount()
        for _ in range(3):
            run_once()
        self.assertLess(sys.gettotalrefcount() - before, 3 * 100)


class QueueBaseTests(unittest.TestCase):
    # put() and get() are in C (_interpqueues._QueueBase): they keep the
    # behaviour of the Python methods they replace.

    def test_signatures_and_docs(self):
        import inspect
        Queue = queues.Queue
        self.assertEqual(str(inspect.signature(Queue.put)),
                         '(self, /, obj, block=True, timeout=None, *, '
                         'unbounditems=None)')
        self.assertEqual(str(inspect.signature(Queue.put_nowait)),
                         '(self, /, obj, *, unbounditems=None)')
        self.assertEqual(str(inspect.signature(Queue.get)),
                         '(self, /, block=True, timeout=None)')
        self.assertEqual(str(inspect.signature(Queue.get_nowait)),
                         '(self, /)')
        for name in ('put', 'put_nowait', 'get', 'get_nowait'):
            self.assertTrue(getattr(Queue, name).__doc__)

    def test_arguments(self):
        queue = interpreters.create_queue()
        queue.put(obj=1, block=True, timeout=1.5, unbounditems=None)
        queue.put(2, False)
        queue.put(3, True, 1)
        queue.put_nowait(obj=4, unbounditems=queues.UNBOUND_REMOVE)
        self.assertEqual(queue.get(True, 1.5), 1)
        self.assertEqual(queue.get(block=False), 2)
        self.assertEqual(queue.get(timeout=1), 3)
        self.assertEqual(queue.get_nowait(), 4)
        # A timeout is anything float() takes, as before.
        queue.put(5, timeout='1.5')
        self.assertEqual(queue.get(timeout='0.5'), 5)
        # Without blocking, the timeout is not looked at.
        with self.assertRaises(interpreters.QueueEmpty):
            queue.get(False, 'spam')

    def test_bad_arguments(self):
        queue = interpreters.create_queue()
        with self.assertRaises(TypeError):
            queue.put()
        with self.assertRaises(TypeError):
            queue.put(1, True, None, None)
        with self.assertRaises(TypeError):
            queue.put(1, spam=1)
        with self.assertRaises(TypeError):
            queue.get(True, None, None)
        with self.assertRaises(TypeError):
            queue.get_nowait(1)
        with self.assertRaises(TypeError):
            queue.get_nowait(block=False)
        with self.assertRaisesRegex(ValueError, 'non-negative'):
            queue.get(timeout=-1)
        with self.assertRaisesRegex(ValueError, 'non-negative'):
            queue.put(1, timeout=-0.5)
        with self.assertRaisesRegex(ValueError, 'NaN'):
            queue.get(timeout=float('nan'))
        with self.assertRaises(ValueError):
            queue.get(timeout='spam')
        with self.assertRaises(TypeError):
            queue.get(timeout=object())
        with self.assertRaises(NotImplementedError):
            queue.put(1, unbounditems='spam')
        with self.assertRaises(TypeError):
            _queues._QueueBase.get(object())
        self.assertTrue(queue.empty())

    def test_subclass_overrides(self):
        calls = []

        class MyQueue(queues.Queue):
            def put_nowait(self, obj, *, unbounditems=None):
                calls.append(('put_nowait', obj, unbounditems))
                super().put_nowait(obj, unbounditems=unbounditems)

            def get_nowait(self):
                calls.append('get_nowait')
                return super().get_nowait()

        queue = interpreters.create_queue()
        # (Queue.__new__() gives the one Queue object of the id.)
        mine = object.__new__(MyQueue)
        mine._id = queue.id
        mine._unbound = queue._unbound
        _queues.bind(queue.id)
        mine.put(1, block=False)
        mine.put(2)
        self.assertEqual(mine.get(block=False), 1)
        self.assertEqual(mine.get(), 2)
        self.assertEqual(calls, [('put_nowait', 1, None), 'get_nowait'])
        self.assertEqual(repr(mine), f'MyQueue({queue.id})')

    def test_unbound_items(self):
        queue = interpreters.create_queue()
        interp = interpreters.create()
        interp.prepare_main(queue=queue)
        interp.exec(dedent_code("""
            from concurrent.interpreters import _queues as queues
            queue.put(1, unbounditems=queues.UNBOUND)
            queue.put(2, unbounditems=queues.UNBOUND_ERROR)
            queue.put(3, unbounditems=queues.UNBOUND_REMOVE)
            """))
        interp.close()
        self.assertIs(queue.get_nowait(), queues.UNBOUND)
        with self.assertRaises(queues.ItemInterpreterDestroyed):
            queue.get(timeout=1)
        self.assertTrue(queue.empty())


class SignalTests(unittest.TestCase):
    # The low-level signal: bad input gives a clear exception.

    def test_bad_arguments(self):
        signal = _queues._Signal()
        self.addCleanup(signal.close)
        with self.assertRaises(TypeError):
            _queues._Signal(1)
        with self.assertRaises(TypeError):
            signal.watch('spam')
        with self.assertRaises(TypeError):
            signal.watch()
        with self.assertRaises(_queues.QueueNotFoundError):
            signal.watch(2**40)
        # Unwatching what is gone (or was never watched) does nothing.
        signal.unwatch(2**40)
        queue = interpreters.create_queue()
        signal.unwatch(queue.id)
        signal.unwatch(queue.id, put=True)

    def test_closed(self):
        signal = _queues._Signal()
        signal.close()
        signal.close()
        queue = interpreters.create_queue()
        for meth in (signal.fileno, signal.clear,
                     lambda: signal.watch(queue.id)):
            with self.assertRaisesRegex(ValueError, 'the signal is closed'):
                meth()
        signal.unwatch(queue.id)

    def test_readable_once_per_clear(self):
        queue = interpreters.create_queue()
        signal = _queues._Signal()
        self.addCleanup(signal.close)
        fd = signal.fileno()
        signal.watch(queue.id)
        self.addCleanup(signal.unwatch, queue.id)
        self.assertFalse(_readable(fd))
        queue.put(1)
        queue.put(2)
        self.assertTrue(_readable(fd))
        signal.clear()
        self.assertFalse(_readable(fd))
        # get() does not signal a getter's watch.
        queue.get()
        self.assertFalse(_readable(fd))
        queue.put(3)
        self.assertTrue(_readable(fd))


def dedent_code(code):
    import textwrap
    return textwrap.dedent(code)


if __name__ == '__main__':
    unittest.main()
