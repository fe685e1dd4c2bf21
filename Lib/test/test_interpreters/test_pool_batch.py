"""Calls made several at a time in one visit to an interpreter (issue 17).

_interpreters.call_batch() makes a list of calls in one visit to the
target; InterpreterPoolExecutor uses it for map() batches.  Each call
must still behave as a call of its own: same results, same exceptions,
in order.
"""

import threading
import unittest
from test import support
from test.support import import_helper

_interpreters = import_helper.import_module('_interpreters')
from concurrent import interpreters


def echo(x):
    return x


def fail(msg):
    raise ValueError(msg)


def make_lock():
    # A result that cannot cross (a lock does not pickle).
    import threading
    return threading.Lock()


def wait_for(queue, timeout):
    queue.get(timeout=timeout)
    return 'released'


class Unpicklable:
    def __reduce__(self):
        raise TypeError('no pickling')


class CallBatchTests(unittest.TestCase):

    def setUp(self):
        self.interp = interpreters.create()
        self.addCleanup(self.interp.close)

    def batch(self, calls, **kwargs):
        kwargs.setdefault('restrict', True)
        return _interpreters.call_batch(self.interp.id, calls, **kwargs)

    def test_results_in_order(self):
        calls = [(abs, (-i,), None) for i in range(50)]
        calls.append((divmod, (7, 2), {}))
        calls.append((dict, (), {'a': 1}))
        calls.append((echo, ('spam',), None))
        out = self.batch(calls)
        self.assertEqual(out, [(0, i) for i in range(50)]
                         + [(0, (3, 1)), (0, {'a': 1}), (0, 'spam')])

    def test_empty(self):
        self.assertEqual(self.batch([]), [])

    def test_list_argument_is_a_copy(self):
        arg = list(range(100))
        [(kind, res)] = self.batch([(echo, (arg,), None)])
        self.assertEqual(kind, 0)
        self.assertIs(type(res), list)
        self.assertEqual(res, arg)
        self.assertIsNot(res, arg)

    def test_exception_is_one_outcome(self):
        out = self.batch([(echo, (1,), None), (fail, ('spam',), None),
                          (echo, (2,), None)], preserve_exc=True)
        self.assertEqual([kind for kind, _ in out], [0, 1, 0])
        self.assertEqual(out[0][1], 1)
        self.assertEqual(out[2][1], 2)
        excinfo = out[1][1]
        self.assertEqual(excinfo.type.__name__, 'ValueError')
        self.assertEqual(excinfo.msg, 'spam')
        self.assertIsInstance(excinfo.exc, ValueError)
        self.assertEqual(excinfo.exc.args, ('spam',))

    def test_exception_without_preserve_exc(self):
        [(kind, excinfo)] = self.batch([(fail, ('spam',), None)])
        self.assertEqual(kind, 1)
        self.assertEqual(excinfo.msg, 'spam')
        self.assertFalse(hasattr(excinfo, 'exc'))

    def test_unshareable_argument(self):
        out = self.batch([(echo, (Unpicklable(),), None),
                          (echo, (3,), None)])
        self.assertEqual(out[1], (0, 3))
        kind, exc = out[0]
        self.assertEqual(kind, 2)
        self.assertIsInstance(exc, interpreters.NotShareableError)
        # The same error as call() raises for it.
        with self.assertRaises(interpreters.NotShareableError) as cm:
            _interpreters.call(self.interp.id, echo, (Unpicklable(),),
                               restrict=True)
        self.assertEqual(str(exc), str(cm.exception))

    def test_unshareable_result(self):
        out = self.batch([(make_lock, (), None), (echo, (4,), None)])
        self.assertEqual(out[1], (0, 4))
        kind, exc = out[0]
        self.assertEqual(kind, 2)
        self.assertIsInstance(exc, interpreters.NotShareableError)
        self.assertIn('does not support cross-interpreter data', str(exc))
        # As call() words it.
        with self.assertRaises(interpreters.NotShareableError) as cm:
            _interpreters.call(self.interp.id, make_lock, (), restrict=True)
        self.assertEqual(str(exc), str(cm.exception))

    def test_callables_change_between_calls(self):
        calls = []
        for i in range(20):
            calls.append((abs, (-i,), None))
            calls.append((echo, (i,), None))
            calls.append((str, (i,), None))
        out = self.batch(calls)
        expected = []
        for i in range(20):
            expected += [(0, i), (0, i), (0, str(i))]
        self.assertEqual(out, expected)

    def test_budget_stops_starting_calls(self):
        calls = [(echo, (i,), None) for i in range(100)]
        # One nanosecond has passed once the first call ends.
        out = self.batch(calls, budget=1e-9)
        self.assertEqual(out, [(0, 0)])
        self.assertEqual(len(self.batch(calls, budget=0.0)), 100)
        self.assertEqual(len(self.batch(calls, budget=1e9)), 100)

    def test_bad_input(self):
        cases = [
            ((1,), 'list'),
            ([1], r'calls\[0\] must be a \(callable, args, kwargs\) tuple'),
            ([(abs, ())], r'calls\[0\] must be'),
            ([(abs, (1,), None), (1, (), None)],
             r'calls\[1\]: expected a callable'),
            ([(abs, [1], None)], r'calls\[0\]: args must be a tuple'),
            ([(abs, (1,), [])], r'calls\[0\]: kwargs must be a dict'),
        ]
        for calls, msg in cases:
            with self.subTest(calls=calls):
                with self.assertRaisesRegex(TypeError, msg):
                    _interpreters.call_batch(self.interp.id, calls)
        with self.assertRaisesRegex(ValueError, 'budget must be >= 0'):
            self.batch([], budget=-1.0)
        with self.assertRaisesRegex(ValueError, 'budget must be >= 0'):
            self.batch([], budget=float('nan'))

    def test_unknown_or_closed_interpreter(self):
        interp = interpreters.create()
        interp.close()
        with self.assertRaises(interpreters.InterpreterNotFoundError):
            _interpreters.call_batch(interp.id, [(abs, (1,), None)])

    def test_restrict(self):
        main = interpreters.get_main()
        with self.assertRaisesRegex(interpreters.InterpreterError,
                                    'unrecognized'):
            _interpreters.call_batch(main.id, [(abs, (1,), None)],
                                     restrict=True)

    def test_running_interpreter_refused(self):
        queue = interpreters.create_queue()
        thread = threading.Thread(
            target=self.interp.call,
            args=(wait_for, queue, support.SHORT_TIMEOUT))
        thread.start()
        try:
            for _ in support.sleeping_retry(support.SHORT_TIMEOUT):
                if self.interp.is_running():
                    break
            with self.assertRaisesRegex(interpreters.InterpreterError,
                                        'already running'):
                self.batch([(abs, (1,), None)])
        finally:
            queue.put(None)
            thread.join()


def make_functions(count):
    # Distinct stateless functions of __main__-like globals.
    funcs = []
    for i in range(count):
        ns = {'__name__': '__main__'}
        exec(f'def f{i}(x):\n    return x * {i} + {i}\n', ns)
        funcs.append(ns[f'f{i}'])
    return funcs


class CodeCacheTests(unittest.TestCase):
    """Code sent again is not marshalled again; it must not show."""

    def setUp(self):
        self.interp = interpreters.create()
        self.addCleanup(self.interp.close)

    def test_repeated_calls(self):
        for i in range(200):
            self.assertEqual(self.interp.call(echo, i), i)

    def test_more_functions_than_the_cache_holds(self):
        funcs = make_functions(150)
        for _ in range(2):
            for i, func in enumerate(funcs):
                self.assertEqual(self.interp.call(func, 3), 3 * i + i)

    def test_same_code_other_names(self):
        import types
        base = make_functions(2)[1]
        other = types.FunctionType(base.__code__, base.__globals__, 'other')
        other.__qualname__ = 'Other.other'
        for func in (base, other, base):
            self.assertEqual(self.interp.call(func, 2), 3)
        # The name crossed with each: a failing call shows it.
        def raises(x):
            raise ValueError(x)
        renamed = types.FunctionType(raises.__code__, raises.__globals__,
                                     'renamed')
        for func in (raises, renamed):
            with self.assertRaises(interpreters.ExecutionFailed) as cm:
                self.interp.call(func, 1)
            self.assertIn('ValueError: 1', str(cm.exception))

    def test_function_replaced_code(self):
        funcs = make_functions(3)
        func = funcs[1]
        self.assertEqual(self.interp.call(func, 5), 6)
        func.__code__ = funcs[2].__code__
        self.assertEqual(self.interp.call(func, 5), 12)

    def test_code_object_script(self):
        for i in range(3):
            code = compile(f'x = {i}\n', 'some_file.py', 'exec')
            for _ in range(2):
                self.interp.exec(code)
                self.assertEqual(self.interp.call(eval, 'x'), i)
        code = compile('raise KeyError(1)\n', 'some_file.py', 'exec')
        for _ in range(2):
            with self.assertRaises(interpreters.ExecutionFailed) as cm:
                self.interp.exec(code)
            self.assertIn('some_file.py', cm.exception.excinfo.errdisplay)

    def test_repeated_scripts(self):
        for i in range(100):
            self.interp.exec(f'x = {i % 3}')
            self.interp.exec('y = x * 2')
            self.assertEqual(self.interp.call(eval, 'y'), (i % 3) * 2)
        with self.assertRaises(interpreters.ExecutionFailed) as cm:
            self.interp.exec('raise KeyError("k")')
        self.assertIn("KeyError: 'k'", str(cm.exception))
        with self.assertRaises(interpreters.ExecutionFailed):
            self.interp.exec('raise KeyError("k")')

    def test_cleared_caches(self):
        import sys
        self.assertEqual(self.interp.call(echo, 1), 1)
        sys._clear_internal_caches()
        self.interp.exec('import sys; sys._clear_internal_caches()')
        self.assertEqual(self.interp.call(echo, 2), 2)
        self.interp.exec('pass')


def native_id():
    import threading
    return threading.get_native_id()


class NativeThreadIdTests(unittest.TestCase):
    """A call's thread state takes the caller's native thread ID."""

    def test_same_as_caller(self):
        interp = interpreters.create()
        self.addCleanup(interp.close)
        self.assertEqual(interp.call(native_id), threading.get_native_id())
        ids = []
        thread = threading.Thread(
            target=lambda: ids.append((interp.call(native_id),
                                       threading.get_native_id())))
        thread.start()
        thread.join()
        [(inside, outside)] = ids
        self.assertEqual(inside, outside)
        self.assertNotEqual(inside, threading.get_native_id())

    @support.requires_fork()
    def test_after_fork(self):
        import os
        interp = interpreters.create()
        self.addCleanup(interp.close)
        interp.call(native_id)
        pid = os.fork()
        if pid == 0:
            code = 2
            try:
                child = interpreters.create()
                ok = child.call(native_id) == os.getpid()
                child.close()
                code = 0 if ok else 1
            finally:
                os._exit(code)
        support.wait_process(pid, exitcode=0)


if __name__ == '__main__':
    unittest.main()
