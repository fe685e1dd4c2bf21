"""Executor.map(..., buffersize=N), as in CPython 3.14 (issue 12.2)."""

import itertools
import sys
import unittest
import weakref
from concurrent import futures
from test import support
from test.support import import_helper

from .util import (
    BaseTestCase, ProcessPoolForkMixin, ProcessPoolSpawnMixin,
    ThreadPoolMixin, create_executor_tests, setup_module,
)


def divide(a, b):
    return a / b


class Counted:
    """An iterable that counts the items taken from it."""

    def __init__(self, items):
        self._items = iter(items)
        self.taken = 0

    def __iter__(self):
        return self

    def __next__(self):
        item = next(self._items)
        self.taken += 1
        return item


class _ShutDown:
    """Stands for an executor that a test has let go."""

    def shutdown(self, wait=True):
        pass


class MapBufferSizeMixin:

    def test_default_is_none(self):
        self.assertEqual(list(self.executor.map(pow, range(5), [2] * 5,
                                                buffersize=None)),
                         [0, 1, 4, 9, 16])

    def test_type_error(self):
        for bad in (1.0, '1', [1], 1j):
            with self.subTest(buffersize=bad):
                with self.assertRaisesRegex(
                        TypeError, '^buffersize must be an integer or None$'):
                    self.executor.map(abs, [1], buffersize=bad)

    def test_value_error(self):
        for bad in (0, -1, -2**70, False):
            with self.subTest(buffersize=bad):
                with self.assertRaisesRegex(
                        ValueError, r'^buffersize must be None or > 0$'):
                    self.executor.map(abs, [1], buffersize=bad)

    def test_checked_before_iterables(self):
        # As in 3.14: the bad buffersize is reported, not the bad iterable
        # (the process pool zips the iterables first, as 3.14's does).
        if isinstance(self.executor, futures.ProcessPoolExecutor):
            self.skipTest('the process pool zips the iterables first')
        with self.assertRaisesRegex(ValueError, 'buffersize'):
            self.executor.map(abs, 5, buffersize=0)

    def test_results(self):
        for size in (1, 2, 3, 7, 100, True, sys.maxsize, 2**100):
            with self.subTest(buffersize=size):
                self.assertEqual(
                    list(self.executor.map(pow, range(10), [3] * 10,
                                           buffersize=size)),
                    [i ** 3 for i in range(10)])

    def test_several_iterables(self):
        self.assertEqual(list(self.executor.map(pow, [1, 2, 3, 4], [2, 2],
                                                buffersize=1)),
                         [1, 4])

    def test_empty(self):
        self.assertEqual(list(self.executor.map(abs, [], buffersize=3)), [])

    def test_infinite_iterable(self):
        results = self.executor.map(pow, itertools.count(),
                                    itertools.repeat(2), buffersize=3)
        self.assertEqual(list(itertools.islice(results, 10)),
                         [i * i for i in range(10)])
        results.close()

    def check_taken_ahead(self, buffersize, ahead, **kwargs):
        inputs = Counted(range(50))
        results = self.executor.map(abs, inputs, buffersize=buffersize,
                                    **kwargs)
        self.assertEqual(inputs.taken, ahead)
        for consumed in range(1, 20):
            self.assertEqual(next(results), consumed - 1)
            self.assertLessEqual(inputs.taken, consumed + ahead)
            self.assertGreaterEqual(inputs.taken, consumed)
        results.close()
        self.assertLessEqual(inputs.taken, 20 + ahead)

    def test_inputs_taken_ahead(self):
        for size in (1, 4):
            with self.subTest(buffersize=size):
                self.check_taken_ahead(size, size)

    def test_exception_in_a_call(self):
        results = self.executor.map(divide, [1, 2, 3], [1, 0, 1],
                                    buffersize=1)
        self.assertEqual(next(results), 1)
        with self.assertRaises(ZeroDivisionError):
            next(results)

    def _let_go(self):
        """Take self.executor away and return it."""
        executor = self.executor
        self.executor = _ShutDown()
        return executor

    def _joiner(self, executor):
        """Return a function that waits for the workers to end (call it
        once the tasks are submitted)."""
        if isinstance(executor, futures.ProcessPoolExecutor):
            workers = [executor._executor_manager_thread,
                       *executor._processes.values()]
        else:
            workers = list(executor._threads)

        def join():
            for worker in workers:
                worker.join(support.SHORT_TIMEOUT)
        return join

    def test_iterator_without_buffersize_does_not_keep_executor(self):
        # As before: dropping the executor shuts it down (test_shutdown's
        # test_del_shutdown relies on it).
        executor = self._let_go()
        results = executor.map(abs, [-1, -2])
        join = self._joiner(executor)
        ref = weakref.ref(executor)
        del executor
        support.gc_collect()
        self.assertIsNone(ref())
        self.assertEqual(list(results), [1, 2])
        join()

    def test_iterator_with_buffersize_keeps_executor(self):
        # The iterator still has inputs to submit: it keeps the executor
        # alive and yields every result (CPython 3.14 lets the executor
        # go and stops early).
        executor = self._let_go()
        results = executor.map(abs, range(0, -8, -1), buffersize=2)
        join = self._joiner(executor)
        ref = weakref.ref(executor)
        del executor
        support.gc_collect()
        self.assertIsNotNone(ref())
        self.assertEqual(list(results), list(range(8)))
        executor = ref()
        if executor is not None:
            executor.shutdown(wait=True)
        del executor
        join()

    def test_shutdown_while_iterating(self):
        # As in 3.14: the next submit fails with submit()'s error.
        results = self.executor.map(abs, range(-10, 0), buffersize=2)
        self.executor.shutdown(wait=True)
        with self.assertRaisesRegex(RuntimeError,
                                    'cannot schedule new futures'):
            list(results)

    def test_timeout_given(self):
        self.assertEqual(list(self.executor.map(abs, [-1, -2, -3],
                                                timeout=support.SHORT_TIMEOUT,
                                                buffersize=2)),
                         [1, 2, 3])


create_executor_tests(globals(), MapBufferSizeMixin,
                      executor_mixins=(ThreadPoolMixin,
                                       ProcessPoolForkMixin,
                                       ProcessPoolSpawnMixin))


class ProcessPoolChunksTest(ProcessPoolForkMixin, BaseTestCase):
    # The process pool counts chunks, as in 3.14.

    def test_buffersize_counts_chunks(self):
        inputs = Counted(range(50))
        results = self.executor.map(abs, inputs, buffersize=2, chunksize=3)
        self.assertEqual(inputs.taken, 6)
        self.assertEqual(list(itertools.islice(results, 10)), list(range(10)))
        results.close()

    def test_chunksize_checked_first(self):
        with self.assertRaisesRegex(ValueError, 'chunksize must be >= 1'):
            self.executor.map(abs, [1], chunksize=0, buffersize=0)


_interpreters = import_helper.import_module('_interpreters')
from .test_interpreter_pool import InterpreterPoolMixin


class InterpreterPoolMapBufferSizeTest(InterpreterPoolMixin,
                                       MapBufferSizeMixin, BaseTestCase):

    # The fork's batches: with a buffersize, a batch is never larger than
    # it, and no more inputs are taken than buffersize ahead.

    def test_batches_within_buffersize(self):
        for buffersize, chunksize in ((5, 2), (5, 3), (6, 3), (2, 10)):
            with self.subTest(buffersize=buffersize, chunksize=chunksize):
                self.check_taken_ahead(buffersize, buffersize,
                                       chunksize=chunksize)

    def test_batches_of_an_infinite_iterable(self):
        results = self.executor.map(pow, itertools.count(),
                                    itertools.repeat(2), buffersize=64)
        self.assertEqual(list(itertools.islice(results, 200)),
                         [i * i for i in range(200)])
        results.close()

    def test_chunksize_checked_after_buffersize(self):
        with self.assertRaisesRegex(ValueError, 'buffersize'):
            self.executor.map(abs, [1], chunksize=0, buffersize=0)
        with self.assertRaisesRegex(ValueError, 'chunksize must be >= 1'):
            self.executor.map(abs, [1], chunksize=0, buffersize=1)

    def test_script_refused(self):
        with self.assertRaisesRegex(TypeError, 'scripts not supported'):
            self.executor.map('pass', [1], buffersize=1)


def setUpModule():
    setup_module()


if __name__ == '__main__':
    unittest.main()
