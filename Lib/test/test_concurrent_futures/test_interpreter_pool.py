import asyncio
import math
import multiprocessing
import operator
import os
import sys
import threading
import time
import unittest
from concurrent import futures
from test import support
from test.support import import_helper, os_helper

from .executor import ExecutorTest
from .test_as_completed import AsCompletedTests
from .test_init import FailingInitializerMixin, InitializerMixin
from .test_shutdown import ExecutorShutdownTest
from .test_wait import WaitTests
from .util import BaseTestCase, ExecutorMixin, setup_module

_interpreters = import_helper.import_module('_interpreters')
from concurrent import interpreters
from concurrent.interpreters import ExecutionFailed, NotShareableError
from concurrent.futures.interpreter import BrokenInterpreterPool


# Tasks.  The ones that use nothing but their arguments and the builtins
# cross as marshalled code; the others are pickled by name, so the
# worker imports this module.

def current_interp_id():
    from concurrent import interpreters
    return interpreters.get_current().id


def current_thread_name():
    import threading
    return threading.current_thread().name


def set_in_sys(name, value):
    import sys
    setattr(sys, name, value)


def get_from_sys(name):
    import sys
    return getattr(sys, name, None)


def get_sys_path():
    import sys
    return list(sys.path)


def fail_init():
    raise RuntimeError('init failed on purpose')


def make_lock():
    import threading
    return threading.Lock()


def raise_with_lock():
    import threading
    raise ValueError(threading.Lock())


def get_from_queue(queue, timeout):
    return queue.get(timeout=timeout)


def rendezvous(arrived, release, timeout):
    from concurrent import interpreters
    interp_id = interpreters.get_current().id
    arrived.put(interp_id)
    release.get(timeout=timeout)
    return interp_id


def append_sys_path(entry):
    import sys
    sys.path.append(entry)


def sleep_and_return(delay, value):
    import time
    time.sleep(delay)
    return value


def record_call(queue, value, delay=0.0):
    import time
    queue.put(value)
    if delay:
        time.sleep(delay)
    if value == 'fail':
        raise KeyError(value)
    return value


def gated(gate, value, timeout):
    # The first call returns at once; the others wait for a token.
    if value:
        gate.get(timeout=timeout)
    return value


def drain(queue):
    from concurrent.interpreters import QueueEmpty
    items = []
    while True:
        try:
            items.append(queue.get_nowait())
        except QueueEmpty:
            return items


class CustomError(Exception):
    pass


# The pure tasks run through every kind of pool with the same results.

def add(a, b):
    return a + b


def power_sum(n):
    return sum(i ** 3 for i in range(n))


def shout(text, *, suffix='!'):
    return text.upper().replace(' ', '_') + suffix


def split_words(text):
    return text.split()


def sort_words(words, reverse=False):
    return sorted(words, key=str.lower, reverse=reverse)


def sort_records(records):
    return sorted(records, key=operator.itemgetter(1, 0))


def count_letters(text):
    counts = {}
    for ch in text:
        if ch.isalpha():
            counts[ch] = counts.get(ch, 0) + 1
    return counts


def divide(a, b):
    return a / b


def lookup(mapping, key):
    return mapping[key]


def raise_custom(message):
    raise CustomError(message)


PURE_TASKS = [
    (add, (2, 3), {}),
    (add, ('ab', 'cd'), {}),
    (add, ([1, 2], [3]), {}),
    (operator.mul, (6, 7), {}),
    (power_sum, (1000,), {}),
    (pow, (3, 200), {}),
    (shout, ('hello world',), {}),
    (shout, ('hi',), {'suffix': '?'}),
    (split_words, ('the quick  brown\tfox',), {}),
    (sort_words, (['pear', 'Apple', 'fig', 'banana'],), {}),
    (sort_words, (['pear', 'Apple', 'fig'],), {'reverse': True}),
    (sort_records, ([('b', 2), ('a', 2), ('c', 1)],), {}),
    (count_letters, ('Mississippi, 1999',), {}),
    (divide, (1, 4), {}),
    (divide, (1, 0), {}),
    (lookup, ({'a': 1}, 'b'), {}),
    (int, ('not a number',), {}),
    (raise_custom, ('custom failure',), {}),
]


def outcome(future):
    """Return a comparable summary of a finished future."""
    exc = future.exception()
    if exc is None:
        return ('result', future.result())
    return ('error', type(exc), exc.args)


def setUpModule():
    setup_module()


class InterpreterPoolTestBase(BaseTestCase):

    def setUp(self):
        super().setUp()
        self._executors = []

    def tearDown(self):
        # Before BaseTestCase checks that no thread is left.
        for executor in self._executors:
            executor.shutdown(wait=True, cancel_futures=True)
        self._executors = None
        super().tearDown()

    def executor(self, *args, **kwargs):
        executor = futures.InterpreterPoolExecutor(*args, **kwargs)
        self._executors.append(executor)
        return executor


# The tests that every executor passes, on the interpreter pool.

class InterpreterPoolMixin(ExecutorMixin):
    executor_type = futures.InterpreterPoolExecutor

    def create_event(self):
        self.skipTest("threading.Event objects cannot cross interpreters")


class InterpreterPoolExecutorTest(InterpreterPoolMixin, ExecutorTest,
                                  BaseTestCase):
    pass


class InterpreterPoolShutdownTest(InterpreterPoolMixin, ExecutorShutdownTest,
                                  BaseTestCase):

    def test_cancel_futures(self):
        # As the inherited test, but with a worker known to be running:
        # a worker takes a moment to create its interpreter, and if none
        # is ready when shutdown() comes, every future is cancelled (in
        # CPython 3.14 too).
        arrived = interpreters.create_queue()
        release = interpreters.create_queue()
        first = self.executor.submit(rendezvous, arrived, release,
                                     support.SHORT_TIMEOUT)
        interp_id = arrived.get(timeout=support.SHORT_TIMEOUT)
        fs = [self.executor.submit(time.sleep, .1) for _ in range(50)]
        release.put(None)
        self.executor.shutdown(cancel_futures=True)
        self.assertEqual(first.result(), interp_id)
        cancelled = [fut for fut in fs if fut.cancelled()]
        self.assertGreater(len(cancelled), 20)
        for fut in fs:
            if not fut.cancelled():
                self.assertTrue(fut.done(), msg=f"{fut._state=}")
                self.assertIsNone(fut.exception())


class InterpreterPoolInitializerTest(InitializerMixin, InterpreterPoolMixin,
                                     BaseTestCase):
    pass


class InterpreterPoolFailingInitializerTest(FailingInitializerMixin,
                                            InterpreterPoolMixin,
                                            BaseTestCase):
    pass


class InterpreterPoolWaitTest(InterpreterPoolMixin, WaitTests,
                              BaseTestCase):
    pass


class InterpreterPoolAsCompletedTest(InterpreterPoolMixin, AsCompletedTests,
                                     BaseTestCase):
    pass


class ExportTests(unittest.TestCase):

    def test_exported(self):
        from concurrent.futures import interpreter
        self.assertIn('InterpreterPoolExecutor', futures.__all__)
        self.assertIn('InterpreterPoolExecutor', dir(futures))
        self.assertIs(futures.InterpreterPoolExecutor,
                      interpreter.InterpreterPoolExecutor)
        self.assertTrue(issubclass(futures.InterpreterPoolExecutor,
                                   futures.ThreadPoolExecutor))

    def test_absent_without_interpreters_module(self):
        code = (
            "import sys\n"
            "sys.modules['_interpreters'] = None\n"
            "import concurrent.futures as f\n"
            "assert 'InterpreterPoolExecutor' not in f.__all__\n"
            "assert 'InterpreterPoolExecutor' not in dir(f)\n"
            "try:\n"
            "    f.InterpreterPoolExecutor\n"
            "except AttributeError:\n"
            "    pass\n"
            "else:\n"
            "    raise AssertionError('InterpreterPoolExecutor found')\n"
            "f.ThreadPoolExecutor\n"
        )
        from test.support import script_helper
        script_helper.assert_python_ok('-c', code)

    def test_broken_interpreter_pool(self):
        self.assertEqual(BrokenInterpreterPool.__module__,
                         'concurrent.futures.interpreter')
        self.assertEqual(BrokenInterpreterPool.__bases__,
                         (futures.thread.BrokenThreadPool,))
        self.assertIs(futures.InterpreterPoolExecutor.BROKEN,
                      BrokenInterpreterPool)
        self.assertIs(futures.ThreadPoolExecutor.BROKEN,
                      futures.thread.BrokenThreadPool)


class WorkerContextTests(BaseTestCase):
    """ThreadPoolExecutor's worker-context hook, which the pool uses."""

    def test_custom_context(self):
        events = []

        class Context(futures.thread.WorkerContext):
            def initialize(self):
                events.append('initialize')
                super().initialize()

            def finalize(self):
                events.append('finalize')

            def run(self, task):
                return ('ran', super().run(task))

        class Executor(futures.ThreadPoolExecutor):
            @classmethod
            def prepare_context(cls, initializer, initargs, *, scale=1):
                create, resolve = Context.prepare(initializer, initargs)
                def resolve_scaled(fn, args, kwargs):
                    return resolve(fn, [a * scale for a in args], kwargs)
                return create, resolve_scaled

        with Executor(1, scale=10, initializer=events.append,
                      initargs=('initializer',)) as executor:
            self.assertEqual(executor.submit(add, 1, 2).result(),
                             ('ran', 30))
        self.assertEqual(events, ['initialize', 'initializer', 'finalize'])
        with self.assertRaises(TypeError):
            Executor(1, spam=1)

    def test_finalize_after_failed_initialize(self):
        events = []

        class Context(futures.thread.WorkerContext):
            def finalize(self):
                events.append('finalize')

        class Executor(futures.ThreadPoolExecutor):
            BROKEN = CustomError

            @classmethod
            def prepare_context(cls, initializer, initargs):
                return Context.prepare(initializer, initargs)

        executor = Executor(1, initializer=fail_init)
        with self.assertLogs('concurrent.futures', 'CRITICAL'):
            f = executor.submit(add, 1, 2)
            with self.assertRaises(CustomError):
                f.result(timeout=support.SHORT_TIMEOUT)
            executor.shutdown(wait=True)
        self.assertEqual(events, ['finalize'])
        with self.assertRaises(CustomError):
            executor.submit(add, 1, 2)


class InterpreterPoolExecutorTests(InterpreterPoolTestBase):

    def test_submit(self):
        executor = self.executor(2)
        self.assertEqual(executor.submit(add, 2, 3).result(), 5)
        self.assertEqual(executor.submit(shout, 'a b', suffix='.').result(),
                         'A_B.')

    def test_runs_in_another_interpreter(self):
        executor = self.executor(2)
        interp_id = executor.submit(current_interp_id).result()
        self.assertNotEqual(interp_id, interpreters.get_current().id)
        self.assertNotEqual(interp_id, interpreters.get_main().id)

    def test_map(self):
        executor = self.executor(2)
        self.assertEqual(list(executor.map(add, range(10), range(10, 20))),
                         [a + b for a, b in zip(range(10), range(10, 20))])
        self.assertEqual(list(executor.map(pow, [2, 3], [5, 2], timeout=60)),
                         [32, 9])

    # map() sends the calls in batches (fork extension); each call still
    # behaves as a task of its own.

    def test_map_many_calls_in_order(self):
        executor = self.executor(2)
        values = list(range(-1000, 1000))
        self.assertEqual(list(executor.map(abs, values)),
                         [abs(v) for v in values])
        for chunksize in (1, 3, 7, 5000):
            with self.subTest(chunksize=chunksize):
                self.assertEqual(
                    list(executor.map(add, values, values,
                                      chunksize=chunksize)),
                    [2 * v for v in values])

    def test_map_failure_in_batch(self):
        # The call that fails raises where the iterator reaches it and the
        # calls before it give their results.  As with one future per
        # call, the calls after it that have not started when the error
        # leaves the iterator are dropped.
        executor = self.executor(1)
        calls = interpreters.create_queue()
        values = ['a', 'b', 'fail', 'c', 'd']
        results = executor.map(record_call, [calls] * 5, values,
                               chunksize=5)
        self.assertEqual(next(results), 'a')
        self.assertEqual(next(results), 'b')
        with self.assertRaises(KeyError) as cm:
            next(results)
        self.assertIsInstance(cm.exception.__cause__, ExecutionFailed)
        # The one worker drains the queue once the batch is done (items
        # are unbound once the interpreter that put them is closed).
        made = executor.submit(drain, calls).result()
        self.assertEqual(made, values[:len(made)])
        self.assertGreaterEqual(len(made), 3)

    def test_map_result_comes_before_batch_ends(self):
        # A result is there while the next call of its batch still runs:
        # that call waits until the test has seen the first result.
        executor = self.executor(1)
        gate = interpreters.create_queue()
        count = 3
        results = executor.map(gated, [gate] * count, range(count),
                               [support.SHORT_TIMEOUT] * count,
                               chunksize=count)
        self.assertEqual(next(results), 0)
        for _ in range(count - 1):
            gate.put(None)
        self.assertEqual(list(results), [1, 2])

    def test_map_abandoned_batch_stops(self):
        # Once the caller stops iterating, a running batch starts no new
        # call and the batches not started are cancelled.
        executor = self.executor(1)
        calls = interpreters.create_queue()
        count = 40
        results = executor.map(record_call, [calls] * count, range(count),
                               [0.05] * count, chunksize=20)
        self.assertEqual(next(results), 0)
        results.close()
        made = executor.submit(drain, calls).result()
        self.assertEqual(made, list(range(len(made))))
        self.assertLess(len(made), 20)

    def test_map_timeout(self):
        executor = self.executor(1)
        results = executor.map(sleep_and_return, [0.5] * 3, range(3),
                               timeout=0.1, chunksize=3)
        with self.assertRaises(TimeoutError):
            list(results)

    def test_map_bad_chunksize(self):
        executor = self.executor(1)
        for chunksize in (0, -1):
            with self.subTest(chunksize=chunksize):
                with self.assertRaisesRegex(ValueError, 'chunksize'):
                    executor.map(abs, [1], chunksize=chunksize)

    def test_map_script_refused_before_any_call(self):
        executor = self.executor(1)
        with self.assertRaisesRegex(TypeError, 'scripts not supported'):
            executor.map('print(1)', [1, 2])

    def test_map_nothing(self):
        executor = self.executor(2)
        self.assertEqual(list(executor.map(abs, [])), [])
        # As with one future per call: nothing is submitted, so nothing
        # is refused.
        self.assertEqual(list(executor.map('print(1)', [])), [])

    def test_one_interpreter_per_worker(self):
        executor = self.executor(1)
        first = executor.submit(current_interp_id).result()
        executor.submit(set_in_sys, '_test_ipe_value', 'kept').result()
        self.assertEqual(executor.submit(current_interp_id).result(), first)
        self.assertEqual(
            executor.submit(get_from_sys, '_test_ipe_value').result(), 'kept')

    def test_workers_have_distinct_interpreters(self):
        executor = self.executor(2)
        arrived = interpreters.create_queue()
        release = interpreters.create_queue()
        # Each task waits until both have started, so they run in
        # different workers at the same time.
        fs = [executor.submit(rendezvous, arrived, release,
                              support.SHORT_TIMEOUT)
              for _ in range(2)]
        ids = {arrived.get(timeout=support.SHORT_TIMEOUT) for _ in range(2)}
        release.put(None)
        release.put(None)
        self.assertEqual({f.result() for f in fs}, ids)
        self.assertEqual(len(ids), 2)

    def test_interpreters_closed_at_shutdown(self):
        before = {i.id for i in interpreters.list_all()}
        executor = futures.InterpreterPoolExecutor(2)
        used = {executor.submit(current_interp_id).result()
                for _ in range(4)}
        self.assertTrue(used)
        self.assertTrue(used <= {i.id for i in interpreters.list_all()})
        executor.shutdown(wait=True)
        self.assertEqual({i.id for i in interpreters.list_all()}, before)

    def test_context_manager(self):
        with futures.InterpreterPoolExecutor(2) as executor:
            f = executor.submit(add, 1, 1)
        self.assertEqual(f.result(), 2)
        with self.assertRaisesRegex(RuntimeError, 'after shutdown'):
            executor.submit(add, 1, 1)

    def test_shutdown_waits_for_running_tasks(self):
        executor = futures.InterpreterPoolExecutor(1)
        f = executor.submit(sleep_and_return, 0.1, 'done')
        executor.shutdown(wait=True)
        self.assertEqual(f.result(timeout=0), 'done')

    def test_shutdown_cancel_futures(self):
        executor = futures.InterpreterPoolExecutor(1)
        arrived = interpreters.create_queue()
        release = interpreters.create_queue()
        running = executor.submit(rendezvous, arrived, release,
                                  support.SHORT_TIMEOUT)
        pending = [executor.submit(add, i, i) for i in range(5)]
        interp_id = arrived.get(timeout=support.SHORT_TIMEOUT)
        executor.shutdown(wait=False, cancel_futures=True)
        release.put(None)
        self.assertEqual(running.result(), interp_id)
        executor.shutdown(wait=True)
        self.assertTrue(all(f.cancelled() for f in pending))

    def test_submit_after_shutdown(self):
        executor = futures.InterpreterPoolExecutor(1)
        executor.shutdown()
        with self.assertRaisesRegex(RuntimeError,
                                    'cannot schedule new futures after '
                                    'shutdown'):
            executor.submit(add, 1, 2)

    def test_initializer(self):
        executor = self.executor(2, initializer=set_in_sys,
                                 initargs=('_test_ipe_init', 'ready'))
        results = {executor.submit(get_from_sys, '_test_ipe_init').result()
                   for _ in range(4)}
        self.assertEqual(results, {'ready'})
        # The initializer ran in the workers, not here.
        self.assertFalse(hasattr(sys, '_test_ipe_init'))

    def test_initargs_any_iterable(self):
        executor = self.executor(1, initializer=set_in_sys,
                                 initargs=['_test_ipe_init', 'list'])
        self.assertEqual(
            executor.submit(get_from_sys, '_test_ipe_init').result(), 'list')

    def test_initializer_failure_breaks_pool(self):
        executor = self.executor(2, initializer=fail_init)
        with self.assertLogs('concurrent.futures', 'CRITICAL') as cm:
            fs = [executor.submit(add, i, i) for i in range(5)]
            for f in fs:
                with self.assertRaises(BrokenInterpreterPool) as exc_cm:
                    f.result(timeout=support.SHORT_TIMEOUT)
                self.assertIn('initializer failed', str(exc_cm.exception))
            # Wait for every worker to be done with the initializer.
            for t in list(executor._threads):
                t.join()
        self.assertIn('Exception in initializer', cm.output[0])
        self.assertIn('init failed on purpose', cm.output[0])
        with self.assertRaises(BrokenInterpreterPool):
            executor.submit(add, 1, 1)

    def test_initializer_failure_breaks_map(self):
        # The batches of map() fail as submitted tasks do.
        executor = self.executor(2, initializer=fail_init)
        with self.assertLogs('concurrent.futures', 'CRITICAL'):
            results = executor.map(add, range(100), range(100),
                                   timeout=support.SHORT_TIMEOUT)
            with self.assertRaises(BrokenInterpreterPool):
                list(results)
            for t in list(executor._threads):
                t.join()

    def test_initializer_interpreters_closed(self):
        before = {i.id for i in interpreters.list_all()}
        executor = futures.InterpreterPoolExecutor(1, initializer=fail_init)
        with self.assertLogs('concurrent.futures', 'CRITICAL'):
            f = executor.submit(add, 1, 1)
            with self.assertRaises(BrokenInterpreterPool):
                f.result(timeout=support.SHORT_TIMEOUT)
            executor.shutdown(wait=True)
        self.assertEqual({i.id for i in interpreters.list_all()}, before)

    def test_bad_arguments(self):
        with self.assertRaisesRegex(ValueError,
                                    'max_workers must be greater than 0'):
            futures.InterpreterPoolExecutor(0)
        with self.assertRaisesRegex(ValueError,
                                    'max_workers must be greater than 0'):
            futures.InterpreterPoolExecutor(-1)
        with self.assertRaisesRegex(TypeError,
                                    'initializer must be a callable'):
            futures.InterpreterPoolExecutor(initializer=42)
        with self.assertRaises(TypeError):
            futures.InterpreterPoolExecutor(initializer=add, initargs=5)
        with self.assertRaises(TypeError):
            futures.InterpreterPoolExecutor(spam=1)

    def test_scripts_not_supported(self):
        with self.assertRaisesRegex(TypeError, '^scripts not supported$'):
            futures.InterpreterPoolExecutor(initializer='x = 1')
        executor = self.executor(1)
        with self.assertRaisesRegex(TypeError, '^scripts not supported$'):
            executor.submit('x = 1')
        with self.assertRaisesRegex(TypeError, '^scripts not supported$'):
            executor.map('x = 1', [1])
        # The pool still works.
        self.assertEqual(executor.submit(add, 1, 2).result(), 3)

    def test_not_callable(self):
        executor = self.executor(1)
        exc = executor.submit(42).exception()
        self.assertIsInstance(exc, TypeError)
        self.assertIn('not callable', str(exc))
        self.assertIsInstance(exc.__cause__, ExecutionFailed)

    def test_exception_reraised_with_cause(self):
        executor = self.executor(1)
        f = executor.submit(int, 'spam')
        with self.assertRaises(ValueError) as cm:
            f.result()
        exc = cm.exception
        self.assertIs(type(exc), ValueError)
        self.assertEqual(exc.args,
                         ("invalid literal for int() with base 10: 'spam'",))
        cause = exc.__cause__
        self.assertIsInstance(cause, ExecutionFailed)
        self.assertEqual(cause.excinfo.type.__name__, 'ValueError')
        self.assertIn('Uncaught in the interpreter', str(cause))

    def test_custom_exception_reraised(self):
        executor = self.executor(1)
        exc = executor.submit(raise_custom, 'boom').exception()
        self.assertIs(type(exc), CustomError)
        self.assertEqual(exc.args, ('boom',))
        self.assertIsInstance(exc.__cause__, ExecutionFailed)
        self.assertIn('raise_custom', exc.__cause__.excinfo.errdisplay)

    def test_base_exception_reraised(self):
        executor = self.executor(1)
        exc = executor.submit(sys.exit, 3).exception()
        self.assertIs(type(exc), SystemExit)
        self.assertEqual(exc.code, 3)
        self.assertIsInstance(exc.__cause__, ExecutionFailed)

    def test_exception_that_cannot_cross(self):
        executor = self.executor(1)
        exc = executor.submit(raise_with_lock).exception()
        self.assertIs(type(exc), ExecutionFailed)
        self.assertEqual(exc.excinfo.type.__name__, 'ValueError')
        self.assertFalse(hasattr(exc.excinfo, 'exc'))

    def test_result_not_shareable(self):
        executor = self.executor(1)
        exc = executor.submit(make_lock).exception()
        self.assertIsInstance(exc, NotShareableError)

    def test_argument_not_shareable(self):
        executor = self.executor(1)
        exc = executor.submit(add, threading.Lock(), 1).exception()
        self.assertIsInstance(exc, NotShareableError)
        # The worker survives.
        self.assertEqual(executor.submit(add, 1, 1).result(), 2)

    def test_thread_names(self):
        executor = self.executor(2, thread_name_prefix='ipe_test')
        name = executor.submit(current_thread_name).result()
        self.assertRegex(name, r'^ipe_test_\d+$')
        self.assertIn(name, {t.name for t in executor._threads})
        # The name stays across calls.
        executor.submit(add, 1, 1).result()
        names = {executor.submit(current_thread_name).result()
                 for _ in range(4)}
        self.assertTrue(names <= {t.name for t in executor._threads})

    def test_default_thread_names(self):
        executor = self.executor(1)
        name = executor.submit(current_thread_name).result()
        self.assertRegex(name, r'^InterpreterPoolExecutor-\d+_0$')
        self.assertEqual([t.name for t in executor._threads], [name])

    def test_sys_path_at_start(self):
        executor = self.executor(1)
        self.assertEqual(executor.submit(get_sys_path).result(), sys.path)

    def test_module_in_sys_path_entry(self):
        executor = self.executor(1)
        # A worker that started before the entry was added sees it too.
        executor.submit(add, 1, 1).result()
        with os_helper.temp_dir() as tmp:
            name = 'test_ipe_path_mod'
            with open(os.path.join(tmp, name + '.py'), 'w') as f:
                f.write('def triple(x):\n    return 3 * x\n')
            with import_helper.DirsOnSysPath(tmp):
                self.addCleanup(import_helper.unload, name)
                mod = __import__(name)
                self.assertEqual(executor.submit(mod.triple, 5).result(), 15)
                self.assertIn(tmp, executor.submit(get_sys_path).result())
            # Removed again in the worker.
            self.assertNotIn(tmp, executor.submit(get_sys_path).result())

    def test_module_in_current_directory(self):
        with os_helper.temp_cwd() as tmp:
            name = 'test_ipe_cwd_mod'
            with open(os.path.join(tmp, name + '.py'), 'w') as f:
                f.write('def greet(who):\n    return "hi " + who\n')
            with import_helper.DirsOnSysPath(''):
                self.addCleanup(import_helper.unload, name)
                mod = __import__(name)
                executor = self.executor(1)
                self.assertEqual(executor.submit(mod.greet, 'you').result(),
                                 'hi you')

    def test_worker_keeps_own_sys_path_entries(self):
        own = os.path.join(os.sep, 'nonexistent', 'ipe-worker-entry')
        executor = self.executor(1, initializer=append_sys_path,
                                 initargs=(own,))
        self.assertIn(own, executor.submit(get_sys_path).result())
        with os_helper.temp_dir() as tmp:
            with import_helper.DirsOnSysPath(tmp):
                path = executor.submit(get_sys_path).result()
                self.assertEqual(path, sys.path + [own])

    def test_function_from_script_main(self):
        # A function defined in a script's __main__ that uses a module
        # global runs in the workers.
        script = (
            "from concurrent.futures import InterpreterPoolExecutor\n"
            "def helper(x):\n"
            "    return x * 2\n"
            "def task(x):\n"
            "    return helper(x) + 1\n"
            "if __name__ == '__main__':\n"
            "    with InterpreterPoolExecutor(2) as ex:\n"
            "        print(list(ex.map(task, range(4))))\n"
        )
        from test.support import script_helper
        with os_helper.temp_dir() as tmp:
            path = script_helper.make_script(tmp, 'ipe_script', script)
            rc, out, err = script_helper.assert_python_ok(path)
        self.assertEqual(out.strip(), b'[1, 3, 5, 7]')


class PureTaskTests(BaseTestCase):
    """The same tasks give the same results in every kind of pool."""

    def run_tasks(self, executor):
        with executor:
            fs = [executor.submit(fn, *args, **kwargs)
                  for fn, args, kwargs in PURE_TASKS]
            return [outcome(f) for f in fs]

    def test_same_results_in_every_pool(self):
        expected = self.run_tasks(futures.ThreadPoolExecutor(2))
        # The suite covers both results and errors.
        kinds = {o[0] for o in expected}
        self.assertEqual(kinds, {'result', 'error'})

        results = self.run_tasks(futures.InterpreterPoolExecutor(2))
        self.assertEqual(results, expected)

        try:
            from concurrent.futures.process import _check_system_limits
            _check_system_limits()
        except NotImplementedError:
            self.skipTest('ProcessPoolExecutor unavailable')
        ctx = multiprocessing.get_context('forkserver')
        results = self.run_tasks(
            futures.ProcessPoolExecutor(2, mp_context=ctx))
        self.assertEqual(results, expected)

    def test_map_same_results_in_every_pool(self):
        words = ['delta', 'Alpha', 'charlie', 'Bravo'] * 5
        executors = [futures.ThreadPoolExecutor(2),
                     futures.InterpreterPoolExecutor(2)]
        results = []
        for executor in executors:
            with executor:
                results.append(list(executor.map(shout, words)))
        self.assertEqual(results[0], results[1])
        self.assertEqual(results[0][0], 'DELTA!')


class ClosureTaskTests(InterpreterPoolTestBase):
    # Functions with state cross interpreters by value (a fork
    # extension): the interpreter pool gives what a thread pool gives.

    def same_as_thread_pool(self, fn, *iterables):
        with futures.ThreadPoolExecutor(2) as threads:
            expected = list(threads.map(fn, *iterables))
        executor = self.executor(2)
        self.assertEqual(list(executor.map(fn, *iterables)), expected)
        return expected

    def test_lambda(self):
        executor = self.executor(2)
        self.assertEqual(executor.submit(lambda x: x + 1, 1).result(), 2)
        self.assertEqual(self.same_as_thread_pool(lambda x: x * x, range(4)),
                         [0, 1, 4, 9])

    def test_closure(self):
        factor = 3

        def scale(x):
            return factor * x

        self.assertEqual(self.same_as_thread_pool(scale, range(3)),
                         [0, 3, 6])

    def test_nested_function_using_modules(self):
        def dist(x, y):
            return round(math.hypot(x, y), 6), operator.neg(x)

        self.same_as_thread_pool(dist, range(5), range(5, 10))

    def test_closure_over_containers(self):
        table = {'a': [1, 2], 'b': (3, 4)}

        def lookup(key):
            return sum(table[key]), sorted(table)

        self.same_as_thread_pool(lookup, ['a', 'b'])

    def test_defaults(self):
        def greet(who, greeting='hello', *, end='!'):
            return f'{greeting} {who}{end}'

        executor = self.executor(1)
        self.assertEqual(executor.submit(greet, 'you').result(),
                         'hello you!')
        self.same_as_thread_pool(greet, ['a', 'b'], ['hi', 'yo'])

    def test_closure_over_lock_fails(self):
        lock = threading.Lock()

        def use_lock():
            with lock:
                return 1

        executor = self.executor(1)
        with self.assertRaises(NotShareableError) as cm:
            executor.submit(use_lock).result()
        self.assertIn("closure cell 'lock'", str(cm.exception))

    def test_unguarded_script(self):
        # A script without an "if __name__" guard: its top level runs
        # once, in the main interpreter only.
        script = (
            'from concurrent.futures import (InterpreterPoolExecutor,\n'
            '                                ThreadPoolExecutor)\n'
            'print("top level")\n'
            'offset = 10\n'
            'def add(x):\n'
            '    return x + offset\n'
            'with ThreadPoolExecutor(2) as ex:\n'
            '    expected = list(ex.map(lambda x: add(x) * 2, range(5)))\n'
            'with InterpreterPoolExecutor(2) as ex:\n'
            '    got = list(ex.map(lambda x: add(x) * 2, range(5)))\n'
            'print(got == expected, got)\n'
        )
        from test.support import script_helper
        with os_helper.temp_dir() as tmp:
            path = script_helper.make_script(tmp, 'ipe_unguarded', script)
            rc, out, err = script_helper.assert_python_ok(path)
        self.assertEqual(out.decode().splitlines(),
                         ['top level', 'True [20, 22, 24, 26, 28]'])

    def test_closure_initializer(self):
        marker = '_test_ipe_closure'

        def init():
            import sys
            setattr(sys, marker, True)

        executor = self.executor(1, initializer=init)
        self.assertTrue(executor.submit(get_from_sys, marker).result())


class AsyncioTests(InterpreterPoolTestBase):

    def setUp(self):
        super().setUp()
        self.addCleanup(asyncio.set_event_loop_policy, None)

    def test_run_in_executor(self):
        executor = self.executor(2)

        async def main():
            loop = asyncio.get_running_loop()
            return await asyncio.gather(
                loop.run_in_executor(executor, add, 1, 2),
                loop.run_in_executor(executor, power_sum, 10),
            )

        self.assertEqual(asyncio.run(main()), [3, power_sum(10)])

    def test_run_in_executor_exception(self):
        executor = self.executor(1)

        async def main():
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(executor, divide, 1, 0)

        with self.assertRaises(ZeroDivisionError) as cm:
            asyncio.run(main())
        self.assertIsInstance(cm.exception.__cause__, ExecutionFailed)

    def test_acall(self):
        interp = interpreters.create()
        self.addCleanup(interp.close)

        async def main():
            return await interp.acall(shout, 'a b', suffix='?')

        self.assertEqual(asyncio.run(main()), 'A_B?')

    def test_acall_exception(self):
        interp = interpreters.create()
        self.addCleanup(interp.close)

        async def main():
            return await interp.acall(int, 'spam')

        with self.assertRaises(ExecutionFailed) as cm:
            asyncio.run(main())
        self.assertEqual(cm.exception.excinfo.type.__name__, 'ValueError')

    def test_acall_not_shareable(self):
        interp = interpreters.create()
        self.addCleanup(interp.close)

        async def main():
            return await interp.acall(make_lock)

        with self.assertRaises(NotShareableError):
            asyncio.run(main())

    def test_acall_does_not_block_loop(self):
        interp = interpreters.create()
        self.addCleanup(interp.close)
        queue = interpreters.create_queue()

        async def main():
            # The call waits for an item that the loop puts only while
            # the call is running; a blocked loop would never put it.
            call = asyncio.ensure_future(
                interp.acall(get_from_queue, queue, support.SHORT_TIMEOUT))
            await asyncio.sleep(0)
            queue.put('from the loop')
            return await call

        self.assertEqual(asyncio.run(main()), 'from the loop')

    def test_acall_busy_interpreter(self):
        interp = interpreters.create()
        self.addCleanup(interp.close)
        arrived = interpreters.create_queue()
        release = interpreters.create_queue()

        async def main():
            first = asyncio.ensure_future(
                interp.acall(rendezvous, arrived, release,
                             support.SHORT_TIMEOUT))
            await arrived.aget(timeout=support.SHORT_TIMEOUT)
            try:
                with self.assertRaisesRegex(interpreters.InterpreterError,
                                            'already running'):
                    await interp.acall(add, 1, 2)
            finally:
                release.put(None)
            await first
            return await interp.acall(add, 1, 2)

        self.assertEqual(asyncio.run(main()), 3)

    def test_aget(self):
        queue = interpreters.create_queue()

        async def main():
            async def put_later():
                await asyncio.sleep(0.01)
                await queue.aput('item')
            task = asyncio.create_task(put_later())
            item = await queue.aget(timeout=support.SHORT_TIMEOUT)
            await task
            return item

        self.assertEqual(asyncio.run(main()), 'item')

    def test_aget_from_other_interpreter(self):
        queue = interpreters.create_queue()
        interp = interpreters.create()
        self.addCleanup(interp.close)

        async def main():
            getter = asyncio.create_task(
                queue.aget(timeout=support.SHORT_TIMEOUT))
            await interp.acall(queue.put, ('tuple', 1))
            return await getter

        self.assertEqual(asyncio.run(main()), ('tuple', 1))

    def test_aget_timeout(self):
        queue = interpreters.create_queue()

        async def main():
            await queue.aget(timeout=0.01)

        with self.assertRaises(interpreters.QueueEmpty):
            asyncio.run(main())

    def test_aget_cancelled_takes_nothing(self):
        queue = interpreters.create_queue()

        async def main():
            getter = asyncio.create_task(queue.aget())
            await asyncio.sleep(0)
            getter.cancel()
            with self.assertRaises(asyncio.CancelledError):
                await getter
            queue.put('kept')
            return queue.get_nowait()

        self.assertEqual(asyncio.run(main()), 'kept')

    def test_aput_waits_for_room(self):
        queue = interpreters.create_queue(maxsize=1)
        queue.put('first')

        async def main():
            putter = asyncio.create_task(
                queue.aput('second', timeout=support.SHORT_TIMEOUT))
            await asyncio.sleep(0)
            self.assertFalse(putter.done())
            self.assertEqual(await queue.aget(), 'first')
            await putter
            return await queue.aget()

        self.assertEqual(asyncio.run(main()), 'second')

    def test_aput_timeout(self):
        queue = interpreters.create_queue(maxsize=1)
        queue.put(1)

        async def main():
            await queue.aput(2, timeout=0.01)

        with self.assertRaises(interpreters.QueueFull):
            asyncio.run(main())
        self.assertEqual(queue.qsize(), 1)

    def test_aput_unbounditems(self):
        from concurrent.interpreters import _queues
        queue = interpreters.create_queue()

        async def main():
            await queue.aput(1, unbounditems=_queues.UNBOUND_REMOVE)
            with self.assertRaises(NotImplementedError):
                await queue.aput(2, unbounditems='spam')
            return await queue.aget()

        self.assertEqual(asyncio.run(main()), 1)
        self.assertTrue(queue.empty())

    def test_aput_not_shareable(self):
        queue = interpreters.create_queue()

        async def main():
            await queue.aput(threading.Lock())

        with self.assertRaises(NotShareableError):
            asyncio.run(main())

    def test_bad_timeouts(self):
        queue = interpreters.create_queue()

        async def main(coro):
            await coro

        with self.assertRaisesRegex(ValueError, 'non-negative'):
            asyncio.run(main(queue.aget(timeout=-1)))
        with self.assertRaisesRegex(ValueError, 'non-negative'):
            asyncio.run(main(queue.aput(1, timeout=-1)))
        with self.assertRaises(TypeError):
            asyncio.run(main(queue.aget(timeout=object())))


if __name__ == '__main__':
    unittest.main()
