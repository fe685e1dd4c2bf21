"""Tests for the synchronization primitives of concurrent.interpreters.

Lock, RLock, Event, Semaphore, BoundedSemaphore, Condition and Barrier
are fork extensions (the _interpsync module): the threading primitives,
seen by every interpreter.  Most tests run the same code against
threading, so that a difference in behaviour shows up as a failure.
Threads wait for each other on events and barriers, never on sleeps.
"""

import contextlib
import gc
import os
import pickle
import signal
import threading
import time
import unittest
from concurrent.futures import InterpreterPoolExecutor
from textwrap import dedent

from test import support
from test.support import import_helper, threading_helper
# Raise SkipTest if subinterpreters not supported.
_interpsync = import_helper.import_module('_interpsync')
from concurrent import interpreters
from concurrent.interpreters import _sync


LONG = support.LONG_TIMEOUT
SHORT = support.SHORT_TIMEOUT

KINDS = ['Lock', 'RLock', 'Event', 'Semaphore', 'BoundedSemaphore',
         'Condition', 'Barrier']


def make(kind, mod=interpreters):
    if kind == 'Barrier':
        return mod.Barrier(2)
    return getattr(mod, kind)()


def run_threads(funcs):
    """Run each callable in a thread; return their results in order.

    An exception in a thread is raised again here.
    """
    results = [None] * len(funcs)
    errors = []

    def target(i, func):
        try:
            results[i] = func()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=target, args=(i, f))
               for i, f in enumerate(funcs)]
    with threading_helper.start_threads(threads):
        pass
    if errors:
        raise errors[0]
    return results


class TestBase(unittest.TestCase):

    def new_interp(self):
        interp = interpreters.create()
        self.addCleanup(self.close_interp, interp)
        return interp

    @staticmethod
    def close_interp(interp):
        try:
            interp.close()
        except interpreters.InterpreterNotFoundError:
            pass

    def check_same_error(self, func):
        # func(mod) must raise the same error for both modules.
        with self.assertRaises(Exception) as cm1:
            func(threading)
        with self.assertRaises(Exception) as cm2:
            func(interpreters)
        self.assertIs(type(cm2.exception), type(cm1.exception))
        self.assertEqual(str(cm2.exception), str(cm1.exception))


class ExportTests(TestBase):

    def test_names(self):
        for name in KINDS:
            with self.subTest(name):
                cls = getattr(interpreters, name)
                self.assertIs(cls, getattr(_interpsync, name))
                self.assertIs(cls, getattr(_sync, name))
                self.assertNotIn(name, interpreters.__all__)
                self.assertIn(name, dir(interpreters))
                self.assertEqual(cls.__module__, 'concurrent.interpreters')
                self.assertTrue(cls.__doc__)
        self.assertIs(_sync.BrokenBarrierError, threading.BrokenBarrierError)

    def test_not_subclassable(self):
        for name in KINDS:
            with self.subTest(name):
                with self.assertRaises(TypeError):
                    type('X', (getattr(interpreters, name),), {})

    def test_shareable(self):
        for name in KINDS:
            with self.subTest(name):
                self.assertTrue(interpreters.is_shareable(make(name)))


class LockTests(TestBase):
    """Lock and RLock, compared with threading's."""

    def test_acquire_release(self):
        for kind in ('Lock', 'RLock'):
            with self.subTest(kind):
                lock = make(kind)
                self.assertFalse(lock.locked())
                self.assertIs(lock.acquire(), True)
                self.assertTrue(lock.locked())
                lock.release()
                self.assertFalse(lock.locked())
                self.assertIs(lock.acquire(False), True)
                lock.release()
                self.assertIs(lock.acquire(blocking=True, timeout=0.01), True)
                lock.release()
                with lock as entered:
                    self.assertIs(entered, True)
                    self.assertTrue(lock.locked())
                self.assertFalse(lock.locked())

    def test_lock_not_reentrant(self):
        lock = interpreters.Lock()
        lock.acquire()
        self.assertIs(lock.acquire(False), False)
        self.assertIs(lock.acquire(timeout=0.01), False)
        lock.release()

    def test_bad_arguments(self):
        for kind in ('Lock', 'RLock'):
            with self.subTest(kind):
                self.check_same_error(
                    lambda mod: getattr(mod, kind)().acquire(False, 1))
                self.check_same_error(
                    lambda mod: getattr(mod, kind)().acquire(timeout=-2))
                self.check_same_error(
                    lambda mod: getattr(mod, kind)().acquire(timeout=1e300))
                with self.assertRaises(TypeError):
                    make(kind).acquire(timeout='1')
                with self.assertRaises(TypeError):
                    make(kind).acquire(1, 2, 3)
                with self.assertRaises(TypeError):
                    getattr(interpreters, kind)(1)

    def test_release_unlocked(self):
        self.check_same_error(lambda mod: mod.Lock().release())
        self.check_same_error(lambda mod: mod.RLock().release())
        lock = interpreters.Lock()
        with self.assertRaisesRegex(RuntimeError, '^release unlocked lock$'):
            with lock:
                lock.release()

    def test_rlock_recursion(self):
        for mod in (threading, interpreters):
            with self.subTest(mod.__name__):
                rlock = mod.RLock()
                for _ in range(5):
                    rlock.acquire()
                for _ in range(5):
                    self.assertTrue(rlock._is_owned())
                    rlock.release()
                self.assertFalse(rlock._is_owned())
                with self.assertRaises(RuntimeError):
                    rlock.release()

    def test_rlock_other_thread_cannot_release(self):
        for mod in (threading, interpreters):
            with self.subTest(mod.__name__):
                rlock = mod.RLock()
                rlock.acquire()

                def other():
                    with self.assertRaises(RuntimeError) as cm:
                        rlock.release()
                    return str(cm.exception), rlock.acquire(False)
                msg, got = run_threads([other])[0]
                self.assertEqual(msg, 'cannot release un-acquired lock')
                self.assertIs(got, False)
                rlock.release()

    def test_lock_released_by_other_thread(self):
        lock = interpreters.Lock()
        lock.acquire()
        run_threads([lock.release])
        self.assertFalse(lock.locked())

    def test_rlock_owner_is_interpreter_and_thread(self):
        # The same OS thread in another interpreter is another owner.
        rlock = interpreters.RLock()
        rlock.acquire()
        interp = self.new_interp()
        interp.prepare_main(rlock=rlock)
        interp.exec(dedent("""
            assert not rlock._is_owned()
            assert rlock.acquire(False) is False
            try:
                rlock.release()
            except RuntimeError as exc:
                assert str(exc) == 'cannot release un-acquired lock', exc
            else:
                raise AssertionError('no RuntimeError')
            """))
        rlock.release()
        interp.exec('assert rlock.acquire(False); rlock.release()')

    def test_repr(self):
        lock = interpreters.Lock()
        self.assertRegex(repr(lock), r'^<unlocked concurrent\.interpreters'
                                     r'\.Lock object at 0x[0-9a-f]+>$')
        with lock:
            self.assertRegex(repr(lock), r'^<locked ')
        rlock = interpreters.RLock()
        self.assertRegex(repr(rlock), r'^<unlocked concurrent\.interpreters'
                                      r'\.RLock object owner=0 interp=-1 '
                                      r'count=0 at 0x[0-9a-f]+>$')
        with rlock, rlock:
            self.assertRegex(
                repr(rlock),
                rf'^<locked .* owner={threading.get_ident()} interp=0 '
                rf'count=2 at ')

    def test_timeout_honoured(self):
        lock = interpreters.Lock()
        lock.acquire()
        t0 = time.monotonic()
        self.assertFalse(lock.acquire(timeout=0.05))
        self.assertGreaterEqual(time.monotonic() - t0, 0.04)
        lock.release()

    def test_contention(self):
        # Many threads of two interpreters increment a counter kept in a
        # one-slot queue: without mutual exclusion get_nowait() would
        # find it empty.
        lock = interpreters.Lock()
        cell = interpreters.create_queue(1)
        cell.put(0)
        n, threads = 2000, 4
        interps = [self.new_interp() for _ in range(threads // 2)]
        for interp in interps:
            interp.prepare_main(lock=lock, cell=cell, n=n)

        def in_interp(interp):
            interp.exec(dedent("""
                for _ in range(n):
                    with lock:
                        cell.put_nowait(cell.get_nowait() + 1)
                """))

        def here():
            for _ in range(n):
                with lock:
                    cell.put_nowait(cell.get_nowait() + 1)
        run_threads([here] * (threads // 2)
                    + [lambda i=i: in_interp(i) for i in interps])
        self.assertEqual(cell.get_nowait(), n * threads)


class EventTests(TestBase):

    def test_basic(self):
        for mod in (threading, interpreters):
            with self.subTest(mod.__name__):
                event = mod.Event()
                self.assertFalse(event.is_set())
                self.assertIs(event.wait(0), False)
                self.assertIs(event.wait(-1), False)
                self.assertIs(event.wait(0.01), False)
                self.assertIsNone(event.set())
                self.assertTrue(event.is_set())
                self.assertIs(event.wait(), True)
                self.assertIs(event.wait(0), True)
                event.clear()
                self.assertFalse(event.is_set())
                self.assertRegex(repr(event), r': unset>$')
                event.set()
                self.assertRegex(repr(event), r': set>$')

    def test_repr(self):
        self.assertRegex(repr(interpreters.Event()),
                         r'^<concurrent\.interpreters\.Event at 0x[0-9a-f]+:'
                         r' unset>$')

    def test_wait_across_interpreters(self):
        event = interpreters.Event()
        ready = interpreters.Event()
        interp = self.new_interp()
        interp.prepare_main(event=event, ready=ready, LONG=LONG)

        def waiter():
            interp.exec('ready.set(); assert event.wait(LONG)')
        t = threading.Thread(target=waiter)
        t.start()
        self.assertTrue(ready.wait(LONG))
        event.set()
        t.join(LONG)
        self.assertFalse(t.is_alive())

    def test_bad_timeout(self):
        with self.assertRaises(TypeError):
            interpreters.Event().wait('1')
        with self.assertRaises(OverflowError):
            interpreters.Event().wait(1e300)
        self.assertIs(interpreters.Event().wait(float('nan')), False)


class SemaphoreTests(TestBase):

    def test_basic(self):
        for mod in (threading, interpreters):
            for kind in ('Semaphore', 'BoundedSemaphore'):
                with self.subTest(mod=mod.__name__, kind=kind):
                    sem = getattr(mod, kind)(2)
                    self.assertIs(sem.acquire(), True)
                    self.assertIs(sem.acquire(False), True)
                    self.assertIs(sem.acquire(False), False)
                    self.assertIs(sem.acquire(timeout=0.01), False)
                    self.assertIs(sem.acquire(timeout=-1), False)
                    sem.release(2)
                    with sem as entered:
                        self.assertIs(entered, True)
                        self.assertEqual(sem._value, 1)
                    self.assertEqual(sem._value, 2)

    def test_errors(self):
        for kind in ('Semaphore', 'BoundedSemaphore'):
            with self.subTest(kind):
                self.check_same_error(lambda mod: getattr(mod, kind)(-1))
                self.check_same_error(
                    lambda mod: getattr(mod, kind)().release(0))
                self.check_same_error(
                    lambda mod: getattr(mod, kind)().acquire(False, 1))
        self.check_same_error(lambda mod: mod.BoundedSemaphore(1).release())
        bsem = interpreters.BoundedSemaphore(2)
        bsem.acquire()
        with self.assertRaises(ValueError):
            bsem.release(2)
        bsem.release()
        self.assertEqual(bsem._value, 2)
        with self.assertRaises(TypeError):
            interpreters.Semaphore('1')

    def test_repr(self):
        self.assertRegex(repr(interpreters.Semaphore(3)),
                         r'^<concurrent\.interpreters\.Semaphore at '
                         r'0x[0-9a-f]+: value=3>$')
        self.assertRegex(repr(interpreters.BoundedSemaphore(3)),
                         r'^<concurrent\.interpreters\.BoundedSemaphore at '
                         r'0x[0-9a-f]+: value=3/3>$')

    def test_release_wakes_across_interpreters(self):
        sem = interpreters.Semaphore(0)
        ready = interpreters.Event()
        interp = self.new_interp()
        interp.prepare_main(sem=sem, ready=ready, LONG=LONG)

        def waiter():
            interp.exec('ready.set(); assert sem.acquire(timeout=LONG)')
        t = threading.Thread(target=waiter)
        t.start()
        self.assertTrue(ready.wait(LONG))
        sem.release()
        t.join(LONG)
        self.assertFalse(t.is_alive())
        self.assertEqual(sem._value, 0)


class ConditionTests(TestBase):

    def test_lock_argument(self):
        for lock in (interpreters.Lock(), interpreters.RLock()):
            cond = interpreters.Condition(lock)
            self.assertIs(cond._lock, lock)
        self.assertIsInstance(interpreters.Condition()._lock,
                              interpreters.RLock)
        for bad in (threading.Lock(), threading.RLock(), 1, object()):
            with self.subTest(bad=bad):
                with self.assertRaisesRegex(TypeError, 'Lock or RLock'):
                    interpreters.Condition(bad)

    def test_not_held(self):
        for mod in (threading, interpreters):
            for lock in (mod.Lock, mod.RLock):
                with self.subTest(mod=mod.__name__, lock=lock):
                    cond = mod.Condition(lock())
                    with self.assertRaisesRegex(
                            RuntimeError, '^cannot wait on un-acquired lock$'):
                        cond.wait(0)
                    with self.assertRaisesRegex(
                            RuntimeError, '^cannot wait on un-acquired lock$'):
                        cond.wait_for(lambda: False, 0)
                    with self.assertRaisesRegex(
                            RuntimeError,
                            '^cannot notify on un-acquired lock$'):
                        cond.notify()
                    with self.assertRaisesRegex(
                            RuntimeError,
                            '^cannot notify on un-acquired lock$'):
                        cond.notify_all()

    def test_wait_timeout_and_reacquire(self):
        for mod in (threading, interpreters):
            with self.subTest(mod.__name__):
                cond = mod.Condition()
                with cond, cond:
                    self.assertIs(cond.wait(0), False)
                    self.assertIs(cond.wait(0.01), False)
                    self.assertTrue(cond._is_owned())
                    # The recursion level is restored.
                    cond.release()
                    self.assertTrue(cond._is_owned())
                    cond.acquire()
                self.assertFalse(cond._is_owned())

    def test_wait_for(self):
        for mod in (threading, interpreters):
            with self.subTest(mod.__name__):
                cond = mod.Condition()
                with cond:
                    self.assertEqual(cond.wait_for(lambda: 'yes'), 'yes')
                    self.assertEqual(cond.wait_for(lambda: 0, 0), 0)
                    self.assertEqual(cond.wait_for(lambda: '', 0.01), '')
                calls = []
                with cond:
                    with self.assertRaises(ZeroDivisionError):
                        cond.wait_for(lambda: calls.append(1) or 1 / 0)
                    self.assertEqual(calls, [1])

    def test_notify_n(self):
        cond = interpreters.Condition(interpreters.Lock())
        n = 3
        entered = interpreters.create_queue()
        woken = interpreters.create_queue()

        def waiter():
            with cond:
                entered.put(None)
                ok = cond.wait(LONG)
            woken.put(ok)

        threads = [threading.Thread(target=waiter) for _ in range(n)]
        with threading_helper.start_threads(threads):
            for _ in range(n):
                entered.get(timeout=LONG)
            # A waiter releases the lock only in wait(), once it is
            # registered: with the lock, every waiter is waiting.
            for count in range(n, 0, -1):
                with cond:
                    self.assertTrue(repr(cond).endswith(f', {count})>'))
                    cond.notify(1)
                    self.assertTrue(
                        repr(cond).endswith(f', {count - 1})>'))
                self.assertIs(woken.get(timeout=LONG), True)
            with cond:
                cond.notify_all()   # nobody waits: a no-op
        self.assertTrue(woken.empty())

    def test_notify_all_across_interpreters(self):
        cond = interpreters.Condition()
        n = 2
        entered = interpreters.create_queue()
        woken = interpreters.create_queue()
        interps = [self.new_interp() for _ in range(n)]

        def waiter(interp):
            interp.prepare_main(cond=cond, entered=entered, woken=woken,
                                LONG=LONG)
            interp.exec(dedent("""
                with cond:
                    entered.put(None)
                    ok = cond.wait(LONG)
                woken.put(ok)
                """))
        threads = [threading.Thread(target=waiter, args=(i,))
                   for i in interps]
        with threading_helper.start_threads(threads):
            for _ in range(n):
                entered.get(timeout=LONG)
            with cond:
                cond.notify_all()
            self.assertEqual([woken.get(timeout=LONG) for _ in range(n)],
                             [True] * n)

    def test_repr(self):
        cond = interpreters.Condition(interpreters.Lock())
        self.assertRegex(repr(cond),
                         r'^<Condition\(<unlocked concurrent\.interpreters\.'
                         r'Lock object at 0x[0-9a-f]+>, 0\)>$')

    def test_threading_condition_on_our_rlock(self):
        # threading.Condition uses the RLock's _release_save() and
        # _acquire_restore().
        rlock = interpreters.RLock()
        cond = threading.Condition(rlock)
        with cond, cond:
            self.assertFalse(cond.wait(0.01))
            self.assertTrue(rlock._is_owned())
        self.assertFalse(rlock.locked())
        with self.assertRaises(RuntimeError):
            rlock._release_save()
        with self.assertRaises(ValueError):
            rlock._acquire_restore(0)


class BarrierTests(TestBase):

    def test_signature_and_errors(self):
        for mod in (threading, interpreters):
            with self.subTest(mod.__name__):
                with self.assertRaisesRegex(ValueError,
                                            r'^parties must be >= 1$'):
                    mod.Barrier(0)
                with self.assertRaises(TypeError):
                    mod.Barrier()
                b = mod.Barrier(3, timeout=None)
                self.assertEqual(b.parties, 3)
                self.assertEqual(b.n_waiting, 0)
                self.assertFalse(b.broken)
        with self.assertRaisesRegex(TypeError, 'action'):
            interpreters.Barrier(2, print)
        with self.assertRaisesRegex(TypeError, 'action'):
            interpreters.Barrier(2, action=print)
        with self.assertRaises(TypeError):
            interpreters.Barrier(2, timeout='1')

    def test_one_party(self):
        b = interpreters.Barrier(1)
        self.assertEqual([b.wait() for _ in range(3)], [0, 0, 0])

    def test_timeout_breaks(self):
        for mod in (threading, interpreters):
            with self.subTest(mod.__name__):
                b = mod.Barrier(2)
                with self.assertRaises(threading.BrokenBarrierError):
                    b.wait(0.01)
                self.assertTrue(b.broken)
                self.assertRegex(repr(b), r': broken>$')
                with self.assertRaises(threading.BrokenBarrierError):
                    b.wait()
                b.reset()
                self.assertFalse(b.broken)
                b = mod.Barrier(2, timeout=0.01)
                with self.assertRaises(threading.BrokenBarrierError):
                    b.wait()
                b = mod.Barrier(2)
                with self.assertRaises(threading.BrokenBarrierError):
                    b.wait(0)

    def test_abort_and_reset_wake_waiters(self):
        for action in ('abort', 'reset'):
            with self.subTest(action):
                b = interpreters.Barrier(3)
                gate = interpreters.Barrier(2)
                interp = self.new_interp()
                interp.prepare_main(b=b, gate=gate, LONG=LONG)

                def waiter():
                    interp.exec(dedent("""
                        import threading
                        gate.wait()
                        try:
                            b.wait(LONG)
                        except threading.BrokenBarrierError:
                            pass
                        else:
                            raise AssertionError('not broken')
                        """))
                t = threading.Thread(target=waiter)
                t.start()
                gate.wait(LONG)
                # Whether or not the waiter got into wait() already, it
                # gets BrokenBarrierError: abort() breaks the barrier for
                # good and reset() breaks it for the waiters it finds,
                # so wait until it waits for reset().
                if action == 'reset':
                    for _ in range(10_000):
                        if b.n_waiting:
                            break
                        time.sleep(0.001)
                    else:
                        self.fail('the waiter never waited')
                getattr(b, action)()
                t.join(LONG)
                self.assertFalse(t.is_alive())
                self.assertEqual(b.broken, action == 'abort')

    def test_rounds_across_interpreters(self):
        parties, rounds = 3, 50
        b = interpreters.Barrier(parties)
        interps = [self.new_interp() for _ in range(parties - 1)]
        for interp in interps:
            interp.prepare_main(b=b, rounds=rounds, LONG=LONG)
        out = interpreters.create_queue()

        def sub(interp):
            interp.prepare_main(out=out)
            interp.exec('out.put([b.wait(LONG) for _ in range(rounds)])')

        def here():
            out.put([b.wait(LONG) for _ in range(rounds)])
        run_threads([here] + [lambda i=i: sub(i) for i in interps])
        per_thread = [out.get_nowait() for _ in range(parties)]
        for r in range(rounds):
            self.assertEqual(sorted(p[r] for p in per_thread),
                             list(range(parties)))
        self.assertEqual(b.n_waiting, 0)

    def test_repr(self):
        self.assertRegex(repr(interpreters.Barrier(2)),
                         r'^<concurrent\.interpreters\.Barrier at '
                         r'0x[0-9a-f]+: waiters=0/2>$')


# The programs run with threading and with concurrent.interpreters.
# Each worker takes the name of the module whose primitives it uses; the
# "memory" is a queue (shared by both), used in ways that are only safe
# under the primitive tested.

def counter_worker(modname, lock, cell, n):
    for _ in range(n):
        with lock:
            cell.put_nowait(cell.get_nowait() + 1)
    return n


def producer_worker(modname, cond, items, n):
    for i in range(n):
        with cond:
            items.put_nowait(i)
            cond.notify()
    return n


def consumer_worker(modname, cond, items, n):
    total = 0
    for _ in range(n):
        with cond:
            if not cond.wait_for(lambda: not items.empty(), LONG):
                raise AssertionError('nothing produced')
            total += items.get_nowait()
    return total


def gate_worker(modname, gate, ready, n):
    ready.wait(LONG)
    return gate.wait(LONG)


def barrier_worker(modname, barrier, unused, rounds):
    return [barrier.wait(LONG) for _ in range(rounds)]


def semaphore_worker(modname, sem, lock, cell, n):
    # cell holds (inside, most inside at once).
    for _ in range(n):
        with sem:
            with lock:
                inside, most = cell.get_nowait()
                cell.put_nowait((inside + 1, max(most, inside + 1)))
            with lock:
                inside, most = cell.get_nowait()
                cell.put_nowait((inside - 1, most))
    return n


class SameResultsTests(TestBase):
    """Small programs give the same results with threading's primitives
    (threads) and with ours (threads, and threads in interpreters)."""

    MODES = [('threading', False), ('concurrent.interpreters', False),
             ('concurrent.interpreters', True)]

    def run_program(self, workers, interps, finish=None):
        """Run each (func, args) in a thread, in its own interpreter if
        "interps"; return the results, and finish() called before the
        interpreters are closed (their queue items go with them)."""
        subs = [interpreters.create() if interps else None for _ in workers]
        try:
            def runner(sub, func, args):
                if sub is not None:
                    return sub.call(func, *args)
                return func(*args)
            res = run_threads([lambda s=s, f=f, a=a: runner(s, f, a)
                               for s, (f, a) in zip(subs, workers)])
            return res, (finish() if finish else None)
        finally:
            for sub in subs:
                if sub is not None:
                    sub.close()

    def for_each_mode(self, program):
        results = {}
        for modname, interps in self.MODES:
            mod = threading if modname == 'threading' else interpreters
            with self.subTest(mod=modname, interps=interps):
                results[modname, interps] = program(mod, modname, interps)
        values = list(results.values())
        for value in values[1:]:
            self.assertEqual(value, values[0], results)
        return values[0]

    def test_counter_under_lock(self):
        def program(mod, modname, interps):
            lock = mod.Lock()
            cell = interpreters.create_queue(1)
            cell.put(0)
            return self.run_program(
                [(counter_worker, (modname, lock, cell, 500))] * 3, interps,
                cell.get_nowait)
        self.assertEqual(self.for_each_mode(program), ([500] * 3, 1500))

    def test_producer_consumer(self):
        def program(mod, modname, interps):
            cond = mod.Condition(mod.Lock())
            items = interpreters.create_queue()
            n = 300
            res, _ = self.run_program(
                [(producer_worker, (modname, cond, items, n)),
                 (consumer_worker, (modname, cond, items, n))], interps)
            return res
        self.assertEqual(self.for_each_mode(program),
                         [300, sum(range(300))])

    def test_event_start_gate(self):
        # The opener runs here, in a thread of this interpreter.
        def program_with_opener(mod, modname, interps):
            gate = mod.Event()
            n = 3
            ready = mod.Barrier(n + 1)
            out = []
            t = threading.Thread(
                target=lambda: (ready.wait(LONG), gate.set(),
                                out.append('opened')))
            t.start()
            try:
                res, _ = self.run_program(
                    [(gate_worker, (modname, gate, ready, n))] * n, interps)
            finally:
                t.join(LONG)
            return res, out
        self.assertEqual(self.for_each_mode(program_with_opener),
                         ([True] * 3, ['opened']))

    def test_barrier_rounds(self):
        def program(mod, modname, interps):
            parties, rounds = 3, 30
            barrier = mod.Barrier(parties)
            res, _ = self.run_program(
                [(barrier_worker, (modname, barrier, None, rounds))]
                * parties, interps)
            return [sorted(r[i] for r in res) for i in range(rounds)]
        self.assertEqual(self.for_each_mode(program), [[0, 1, 2]] * 30)

    def test_semaphore_limits(self):
        def program(mod, modname, interps):
            sem = mod.Semaphore(2)
            lock = mod.Lock()
            cell = interpreters.create_queue(1)
            cell.put((0, 0))
            res, (inside, most) = self.run_program(
                [(semaphore_worker, (modname, sem, lock, cell, 200))] * 4,
                interps, cell.get_nowait)
            return res, inside, most <= 2, sem._value
        self.assertEqual(self.for_each_mode(program),
                         ([200] * 4, 0, True, 2))


def _identity(x):
    return x


def _ids(obj):
    return [o._id for o in obj] if isinstance(obj, list) else obj._id


_pool_prim = None


def _pool_init(prim):
    global _pool_prim
    _pool_prim = prim


def _pool_task_initialized():
    return _pool_prim._id


def _channel_echo(ch):
    a = ch.recv()
    b, = ch.recv()
    ch.send([a, b])


def _new_lock_list():
    from concurrent import interpreters
    return [interpreters.Lock()]


class CrossingTests(TestBase):
    """Each primitive crosses by every path, bound to the same primitive."""

    def prims(self):
        return [make(kind) for kind in KINDS]

    def test_prepare_main(self):
        interp = self.new_interp()
        for prim in self.prims():
            with self.subTest(type(prim).__name__):
                interp.prepare_main(p=prim)
                self.assertEqual(interp.call(_ids, [prim]), [prim._id])
                interp.exec(f'assert type(p).__name__ == '
                            f'{type(prim).__name__!r}; assert p._id == '
                            f'{prim._id}')

    def test_call_args_and_results(self):
        interp = self.new_interp()
        for prim in self.prims():
            with self.subTest(type(prim).__name__):
                back = interp.call(_identity, prim)
                self.assertIs(type(back), type(prim))
                self.assertEqual(back._id, prim._id)
                # Inside a container: pickled.
                back = interp.call(_identity, [prim])
                self.assertEqual(back[0]._id, prim._id)
                self.assertEqual(interp.call(_ids, [prim, prim]),
                                 [prim._id, prim._id])

    def test_run_args_data_and_results(self):
        interp = self.new_interp()
        for prim in self.prims():
            with self.subTest(type(prim).__name__):
                back = interp.run(_identity, prim)
                self.assertEqual(back._id, prim._id)
                back = interp.run('return data["p"], [data["p"]]',
                                  data={'p': prim})
                self.assertEqual([back[0]._id, back[1][0]._id],
                                 [prim._id, prim._id])

    def test_result_made_in_interpreter_survives(self):
        # The list is pickled in the interpreter and its Lock object is
        # gone before the caller unpickles it.
        interp = self.new_interp()
        res = interp.call(_new_lock_list)
        self.assertIsInstance(res[0], interpreters.Lock)
        self.assertTrue(res[0].acquire(False))

    def test_closure(self):
        interp = self.new_interp()
        lock = interpreters.Lock()

        def f():
            return lock.acquire(False)
        self.assertIs(interp.call(f), True)
        self.assertTrue(lock.locked())
        lock.release()

    def test_queue(self):
        q = interpreters.create_queue()
        interp = self.new_interp()
        interp.prepare_main(q=q)
        for prim in self.prims():
            with self.subTest(type(prim).__name__):
                q.put(prim)
                q.put([prim])
                interp.exec(dedent(f"""
                    a = q.get()
                    b, = q.get()
                    assert a._id == b._id == {prim._id}
                    q.put([a])
                    """))
                self.assertEqual(q.get()[0]._id, prim._id)

    def test_pickled_in_queue_after_sender_dropped(self):
        q = interpreters.create_queue()
        lock = interpreters.Lock()
        lock_id = lock._id
        q.put([lock])
        del lock
        gc.collect()
        got, = q.get()
        self.assertEqual(got._id, lock_id)
        self.assertTrue(got.acquire(False))

    def test_channel(self):
        ch = interpreters.Channel()
        interp = self.new_interp()
        for prim in self.prims():
            with self.subTest(type(prim).__name__):
                ch.send(prim)
                ch.send([prim])
                interp.call(_channel_echo, ch)
                self.assertEqual([p._id for p in ch.recv()],
                                 [prim._id, prim._id])

    def test_lowlevel_channel(self):
        _channels = import_helper.import_module('_interpchannels')
        cid = _channels.create()
        self.addCleanup(_channels.destroy, cid)
        for prim in self.prims():
            with self.subTest(type(prim).__name__):
                _channels.send(cid, prim, blocking=False)
                got, _ = _channels.recv(cid)
                self.assertEqual(got._id, prim._id)

    def test_pool_tasks_and_initializer(self):
        lock = interpreters.Lock()
        with InterpreterPoolExecutor(1, initializer=_pool_init,
                                     initargs=(lock,)) as pool:
            self.assertEqual(pool.submit(_identity, lock).result()._id,
                             lock._id)
            self.assertEqual(pool.submit(_ids, [lock]).result(),
                             [lock._id])
            self.assertEqual(pool.submit(_pool_task_initialized).result(),
                             lock._id)

    def test_copy_and_pickle_in_one_interpreter(self):
        import copy
        for prim in self.prims():
            with self.subTest(type(prim).__name__):
                self.assertEqual(copy.copy(prim)._id, prim._id)
                self.assertEqual(copy.deepcopy(prim)._id, prim._id)
                self.assertEqual(pickle.loads(pickle.dumps(prim))._id,
                                 prim._id)

    def test_stale_pickle(self):
        lock = interpreters.Lock()
        data = pickle.dumps(lock)
        pickle.loads(data)      # drops the pickle's reference
        del lock
        gc.collect()
        with self.assertRaisesRegex(RuntimeError, 'no longer exists'):
            pickle.loads(data)
        with self.assertRaises(TypeError):
            _interpsync._rebuild('x', os.getpid())

    def test_pickle_from_another_process(self):
        lock = interpreters.Lock()
        func, (lock_id, pid) = lock.__reduce__()
        self.assertEqual(pid, os.getpid())
        # Drop the hold the __reduce__() call took.
        self.assertEqual(func(lock_id, pid)._id, lock._id)
        with self.assertRaisesRegex(RuntimeError, 'another process'):
            func(lock_id, pid + 1)


class LifetimeTests(TestBase):

    def count(self):
        gc.collect()
        return _interpsync._count()

    def test_freed_after_last_reference(self):
        before = self.count()
        interp = self.new_interp()
        prims = [make(kind) for kind in KINDS]
        interp.prepare_main(prims=prims[0], cond=prims[5])
        self.assertEqual(self.count()[0], before[0] + len(KINDS) + 1)
        del prims
        # The interpreter still holds the Lock and the Condition (and
        # the Condition its RLock).
        self.assertEqual(self.count()[0], before[0] + 3)
        interp.exec('del prims, cond')
        self.assertEqual(self.count(), before)

    def test_close_releases_holds(self):
        before = self.count()
        interp = self.new_interp()
        # A pickle made in the interpreter and never loaded.
        interp.exec(dedent("""
            import pickle
            from concurrent import interpreters
            lock = interpreters.Lock()
            data = pickle.dumps(lock)
            del lock
            """))
        self.assertEqual(self.count(), (before[0] + 1, before[1] + 1))
        interp.close()
        self.assertEqual(self.count(), before)

    def test_close_racing_use(self):
        # Closing interpreters while other threads use the same
        # primitives: nothing crashes, hangs or leaks.
        before = self.count()
        lock = interpreters.Lock()
        event = interpreters.Event()
        stop = threading.Event()
        errors = []

        def user():
            deadline = time.monotonic() + SHORT
            while not stop.is_set() and time.monotonic() < deadline:
                with lock:
                    event.set()
                    event.clear()

        def closer():
            try:
                for _ in range(20):
                    interp = interpreters.create()
                    interp.prepare_main(lock=lock, event=event)
                    interp.exec('with lock: event.set()')
                    interp.close()
            except BaseException as exc:
                errors.append(exc)
            finally:
                stop.set()
        run_threads([user, closer])
        self.assertEqual(errors, [])
        del lock, event
        self.assertEqual(self.count(), before)


class ClosedOwnerTests(TestBase):

    def test_close_releases_rlock(self):
        rlock = interpreters.RLock()
        interp = self.new_interp()
        interp.prepare_main(rlock=rlock)
        interp.exec('rlock.acquire(); rlock.acquire()')
        self.assertTrue(rlock.locked())
        self.assertFalse(rlock.acquire(False))
        interp.close()
        self.assertFalse(rlock.locked())
        self.assertTrue(rlock.acquire(False))
        rlock.release()

    def test_close_releases_rlock_for_waiter(self):
        # A thread of this interpreter waits for the RLock that the
        # closed interpreter held.
        rlock = interpreters.RLock()
        interp = self.new_interp()
        interp.prepare_main(rlock=rlock)
        interp.exec('rlock.acquire()')
        started = threading.Event()
        got = []

        def waiter():
            started.set()
            got.append(rlock.acquire(timeout=LONG))
            rlock.release()
        t = threading.Thread(target=waiter)
        t.start()
        started.wait(LONG)
        interp.close()
        t.join(LONG)
        self.assertEqual(got, [True])

    def test_lock_is_not_released(self):
        # A Lock has no owner (as with threading).
        lock = interpreters.Lock()
        interp = self.new_interp()
        interp.prepare_main(lock=lock)
        interp.exec('lock.acquire()')
        interp.close()
        self.assertTrue(lock.locked())
        lock.release()

    def test_condition_waiter_reacquires(self):
        # The notifier's interpreter notifies and is closed while it holds
        # the lock: the waiter wakes with the lock held.
        cond = interpreters.Condition()
        interp = self.new_interp()
        waiting = interpreters.Event()
        interp.prepare_main(cond=cond, waiting=waiting, LONG=LONG)
        result = []

        def waiter():
            with cond:
                waiting.set()
                ok = cond.wait(LONG)
                result.append((ok, cond._is_owned(), cond._lock.locked()))
        t = threading.Thread(target=waiter)
        t.start()
        # The waiter released the lock in wait() once we can take it.
        interp.exec(dedent("""
            waiting.wait(LONG)
            cond.acquire()
            cond.notify()
            """))
        interp.close()
        t.join(LONG)
        self.assertEqual(result, [(True, True, True)])
        self.assertFalse(cond._lock.locked())


@unittest.skipUnless(hasattr(signal, 'pthread_kill'), 'needs pthread_kill')
class SignalTests(TestBase):

    def check_interrupted(self, wait):
        # A signal that arrives just before the thread blocks does not
        # interrupt the wait (as with threading), so the signal is sent
        # again until its handler ran; only its first run raises.
        fired = threading.Event()

        def handler(signum, frame):
            if not fired.is_set():
                fired.set()
                raise KeyboardInterrupt
        old = signal.signal(signal.SIGUSR1, handler)
        self.addCleanup(signal.signal, signal.SIGUSR1, old)
        main = threading.get_ident()
        started = threading.Event()

        def interrupter():
            started.wait(LONG)
            deadline = time.monotonic() + LONG
            while not fired.is_set() and time.monotonic() < deadline:
                signal.pthread_kill(main, signal.SIGUSR1)
                fired.wait(0.05)
        t = threading.Thread(target=interrupter)
        t.start()
        self.addCleanup(t.join)
        t0 = time.monotonic()
        with self.assertRaises(KeyboardInterrupt):
            started.set()
            wait()
        self.assertLess(time.monotonic() - t0, LONG)

    def test_lock(self):
        lock = interpreters.Lock()
        lock.acquire()
        self.check_interrupted(lambda: lock.acquire(timeout=LONG))
        lock.release()

    def test_rlock(self):
        rlock = interpreters.RLock()
        t_started = threading.Event()
        t_done = threading.Event()

        def holder():
            with rlock:
                t_started.set()
                t_done.wait(LONG)
        t = threading.Thread(target=holder)
        t.start()
        t_started.wait(LONG)
        try:
            self.check_interrupted(lambda: rlock.acquire(timeout=LONG))
        finally:
            t_done.set()
            t.join()

    def test_event(self):
        self.check_interrupted(lambda: interpreters.Event().wait(LONG))

    def test_semaphore(self):
        sem = interpreters.Semaphore(0)
        self.check_interrupted(lambda: sem.acquire(timeout=LONG))

    def test_condition(self):
        cond = interpreters.Condition()
        with cond:
            self.check_interrupted(lambda: cond.wait(LONG))
            # The lock is held again after the interruption.
            self.assertTrue(cond._is_owned())

    def test_barrier(self):
        b = interpreters.Barrier(2)
        self.check_interrupted(lambda: b.wait(LONG))
        self.assertEqual(b.n_waiting, 0)


if __name__ == '__main__':
    unittest.main()
