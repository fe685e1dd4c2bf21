"""Tests for the fork's extensions beyond CPython 3.14 (SPEC B1, B3, B4).

B1: Interpreter.run(), run_async(), state, the context manager and
Channel; B3: the Queue constructor; B4: the extra shareable types.
"""

import concurrent.futures
import gc
import os
import pickle
import subprocess
import sys
import textwrap
import threading
import unittest
import warnings
from test import support
from test.support import (import_helper, os_helper, script_helper,
                          threading_helper)

_interpreters = import_helper.import_module('_interpreters')
from concurrent import interpreters
from concurrent.interpreters import _queues
from concurrent.interpreters._script import RESULT_NAME
from test.test_interpreters.utils import TestBase


# Functions that cross as marshalled code: they use nothing but their
# arguments, the builtins and what they import.

def _add(a, b=0, *, c=0):
    return a + b + c


def _divide(a, b):
    return a / b


def _get_from(q):
    return q.get(timeout=support.SHORT_TIMEOUT)


def _record(q, tag, go=None):
    q.put(f'start {tag}')
    if go is not None:
        go.get(timeout=support.SHORT_TIMEOUT)
    q.put(f'end {tag}')
    return tag


def _hand_over(mine, theirs):
    # Only succeeds if the peer runs at the same time.
    theirs.put('ping')
    return mine.get(timeout=support.SHORT_TIMEOUT)


def _read_main(name):
    import __main__
    return getattr(__main__, name, '<unset>')


def _square_sum(n):
    total = 0
    for i in range(n):
        total += i * i
    return total


def _produce(ch, n):
    for i in range(n):
        ch.send(i)
    ch.close()


def _consume(ch):
    from concurrent.interpreters import ChannelClosedError
    received = []
    while True:
        try:
            received.append(ch.recv(timeout=support.SHORT_TIMEOUT))
        except ChannelClosedError:
            return received


def _make_unshareable():
    import threading
    return threading.Lock()


class _Base(TestBase):

    def create(self):
        interp = interpreters.create()
        self.addCleanup(self._close, interp)
        return interp

    @staticmethod
    def _close(interp):
        try:
            interp.close()
        except interpreters.InterpreterNotFoundError:
            pass


class RunCallableTests(_Base):

    def test_call_with_arguments(self):
        interp = self.create()
        self.assertEqual(interp.run(_add, 1, 2, c=3), 6)

    def test_builtin_callable(self):
        interp = self.create()
        self.assertEqual(interp.run(len, 'spam'), 4)

    def test_exception(self):
        interp = self.create()
        with self.assertRaises(interpreters.ExecutionFailed) as cm:
            interp.run(_divide, 1, 0)
        self.assertEqual(cm.exception.excinfo.type.__name__,
                         'ZeroDivisionError')
        # The interpreter is still usable.
        self.assertEqual(interp.run(_divide, 6, 3), 2.0)

    def test_result_not_shareable(self):
        interp = self.create()
        with self.assertRaises(interpreters.NotShareableError):
            interp.run(_make_unshareable)

    def test_data_bound_before_call(self):
        interp = self.create()
        interp.run(_add, 1, data={'x': [1, 2]})
        self.assertEqual(interp.run(_read_main, 'data'), {'x': [1, 2]})

    def test_not_callable(self):
        interp = self.create()
        for obj in (42, b'pass', None, ['x = 1']):
            with self.subTest(obj):
                with self.assertRaisesRegex(TypeError, type(obj).__name__):
                    interp.run(obj)

    def test_frameless_builtins_see_target_main(self):
        # globals(), locals() and vars() called directly, with no Python
        # frame, give the target's __main__ namespace; under the fork it
        # crosses back because its __builtins__ module crosses by name.
        interp = self.create()
        interp.prepare_main(spam=1)
        for func in (globals, locals, vars):
            with self.subTest(func=func.__name__):
                ns = interp.run(func)
                self.assertEqual(ns['spam'], 1)
                self.assertEqual(ns['__name__'], '__main__')


class RunScriptTests(_Base):

    def test_no_return_gives_none(self):
        interp = self.create()
        self.assertIsNone(interp.run('x = 1'))

    def test_return_value(self):
        interp = self.create()
        self.assertEqual(interp.run('x = 6\nreturn x * 7'), 42)

    def test_bare_return(self):
        interp = self.create()
        self.assertIsNone(interp.run('return\nx = 1'))
        self.assertEqual(interp.run(_read_main, 'x'), '<unset>')

    def test_return_ends_script(self):
        interp = self.create()
        self.assertEqual(interp.run('a = 1\nreturn a\na = 2\nb = 3'), 1)
        self.assertEqual(interp.run(_read_main, 'a'), 1)
        self.assertEqual(interp.run(_read_main, 'b'), '<unset>')

    def test_names_stay_in_main(self):
        interp = self.create()
        interp.run('import math\nspam = math.sqrt(16)\n'
                   'def f():\n    return spam + 1\n')
        self.assertEqual(interp.run('return f()'), 5.0)
        self.assertEqual(interp.run(_read_main, 'spam'), 4.0)

    def test_result_name_removed(self):
        interp = self.create()
        interp.run('return 1')
        self.assertEqual(interp.run(_read_main, RESULT_NAME), '<unset>')
        with self.assertRaises(interpreters.ExecutionFailed):
            interp.run('return 1 / 0')
        self.assertEqual(interp.run(_read_main, RESULT_NAME), '<unset>')

    def test_return_in_if(self):
        interp = self.create()
        script = textwrap.dedent('''
            if data['flag']:
                return 'yes'
            else:
                after_else = True
            rest = True
            return 'no'
            ''')
        self.assertEqual(interp.run(script, data={'flag': True}), 'yes')
        self.assertEqual(interp.run(_read_main, 'rest'), '<unset>')
        self.assertEqual(interp.run(script, data={'flag': False}), 'no')
        self.assertIs(interp.run(_read_main, 'rest'), True)

    def test_return_in_nested_loops(self):
        interp = self.create()
        script = textwrap.dedent('''
            seen = []
            for i in range(3):
                for j in range(3):
                    seen.append((i, j))
                    if (i, j) == (1, 1):
                        return seen
                else:
                    inner_else = True
            else:
                outer_else = True
            after = True
            ''')
        self.assertEqual(interp.run(script),
                         [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1)])
        self.assertEqual(interp.run(_read_main, 'outer_else'), '<unset>')
        self.assertEqual(interp.run(_read_main, 'after'), '<unset>')

    def test_return_in_while(self):
        interp = self.create()
        self.assertEqual(
            interp.run('n = 0\nwhile True:\n    n += 1\n'
                       '    if n == 5:\n        return n\n'),
            5)

    def test_return_in_try_runs_finally_and_skips_else(self):
        interp = self.create()
        script = textwrap.dedent('''
            log = []
            try:
                log.append('try')
                return log
            except Exception:
                log.append('except')
            else:
                log.append('else')
            finally:
                log.append('finally')
            log.append('after')
            ''')
        # The value is taken before the finally block appends to it,
        # but it is the same list.
        self.assertEqual(interp.run(script), ['try', 'finally'])
        self.assertEqual(interp.run('return log'), ['try', 'finally'])

    def test_return_in_finally_cancels_exception(self):
        # As in a function, a return in a finally block replaces the
        # exception (and any earlier return value).
        interp = self.create()
        cases = [
            ('try:\n    1 / 0\nfinally:\n    return "fin"\nafter = 1\n',
             'fin'),
            ('try:\n    return "body"\nfinally:\n    return "fin"\n',
             'fin'),
            ('for i in range(3):\n    try:\n        1 / 0\n'
             '    finally:\n        return i\n', 0),
        ]
        for script, expected in cases:
            with self.subTest(script):
                self.assertEqual(interp.run(script), expected)
        self.assertEqual(interp.run(_read_main, 'after'), '<unset>')

    def test_finally_without_return_keeps_exception(self):
        interp = self.create()
        with self.assertRaises(interpreters.ExecutionFailed):
            interp.run('try:\n    1 / 0\nfinally:\n    x = 1\nreturn 1\n')

    def test_break_outside_loop_in_try_finally(self):
        interp = self.create()
        with self.assertRaises(SyntaxError) as cm:
            interp.run('try:\n    break\nfinally:\n    return 1\n')
        self.assertEqual(cm.exception.lineno, 2)

    def test_return_in_except(self):
        interp = self.create()
        script = textwrap.dedent('''
            try:
                1 / 0
            except ZeroDivisionError as exc:
                return type(exc).__name__
            return 'not reached'
            ''')
        self.assertEqual(interp.run(script), 'ZeroDivisionError')

    def test_return_in_with_exits_normally(self):
        interp = self.create()
        script = textwrap.dedent('''
            class CM:
                def __enter__(self):
                    return self
                def __exit__(self, *exc_info):
                    global exit_args
                    exit_args = exc_info
                    return True   # would swallow an exception
            with CM():
                return 'inside'
            return 'after'
            ''')
        self.assertEqual(interp.run(script), 'inside')
        self.assertEqual(interp.run('return exit_args'),
                         (None, None, None))

    def test_return_in_match(self):
        interp = self.create()
        script = textwrap.dedent('''
            match data['value']:
                case 1:
                    return 'one'
                case _:
                    pass
            return 'other'
            ''')
        self.assertEqual(interp.run(script, data={'value': 1}), 'one')
        self.assertEqual(interp.run(script, data={'value': 2}), 'other')

    def test_return_inside_def_is_not_top_level(self):
        interp = self.create()
        script = textwrap.dedent('''
            def f():
                return 'from f'
            g = lambda: 'from lambda'
            class C:
                def m(self):
                    return 'from method'
            result = (f(), g(), C().m())
            ''')
        self.assertIsNone(interp.run(script))
        self.assertEqual(interp.run('return result'),
                         ('from f', 'from lambda', 'from method'))

    def test_docstring_and_future_import(self):
        interp = self.create()
        script = ('"""The doc."""\n'
                  'from __future__ import annotations\n'
                  'x: undefined_name = 1\n'
                  'return __doc__, __annotations__\n')
        self.assertEqual(interp.run(script),
                         ('The doc.', {'x': 'undefined_name'}))

    def test_star_import(self):
        interp = self.create()
        self.assertEqual(interp.run('from math import *\nreturn floor(2.5)'),
                         2)

    def test_return_in_class_body_is_syntax_error(self):
        interp = self.create()
        with self.assertRaises(SyntaxError) as cm:
            interp.run('x = 1\nclass C:\n    return 1\n')
        self.assertEqual(cm.exception.lineno, 3)
        self.assertEqual(cm.exception.filename, '<script>')
        self.assertEqual(cm.exception.text, '    return 1\n')

    def test_syntax_error_line_numbers(self):
        interp = self.create()
        cases = [
            ('x = 1\ny = (\n', 2),
            ('x = 1\n\nyield x\n', 3),
            ('return 1\nbreak\n', 2),
        ]
        for script, lineno in cases:
            with self.subTest(script):
                with self.assertRaises(SyntaxError) as cm:
                    interp.run(script)
                self.assertEqual(cm.exception.lineno, lineno)
        # Nothing ran.
        self.assertEqual(interp.run(_read_main, 'x'), '<unset>')

    def test_exception_names_error(self):
        interp = self.create()
        with self.assertRaises(interpreters.ExecutionFailed) as cm:
            interp.run('x = 1 / 0\nreturn x')
        self.assertIn('ZeroDivisionError', str(cm.exception))
        self.assertIn('<script>", line 1', str(cm.exception))
        self.assertIsInstance(cm.exception, Exception)
        # The interpreter is still usable.
        self.assertEqual(interp.run('return 2'), 2)

    def test_traceback_line_numbers(self):
        interp = self.create()
        with self.assertRaises(interpreters.ExecutionFailed) as cm:
            interp.run('for i in range(3):\n    if i == 2:\n'
                       '        return 1 / 0\n')
        self.assertIn('<script>", line 3', str(cm.exception))

    def test_data(self):
        interp = self.create()
        self.assertEqual(interp.run("return data['x']", data={'x': 42}), 42)

    def test_data_is_copied(self):
        interp = self.create()
        data = {'items': [1, 2]}
        interp.run("data['items'].append(3)", data=data)
        self.assertEqual(data, {'items': [1, 2]})
        self.assertEqual(interp.run("return data"), {'items': [1, 2, 3]})

    def test_data_shares_queue(self):
        interp = self.create()
        queue = interpreters.Queue()
        interp.run("data['q'].put('spam')", data={'q': queue})
        self.assertEqual(queue.get_nowait(), 'spam')

    def test_data_not_dict(self):
        interp = self.create()
        for data in ([('x', 1)], 'x', 1, (('x', 1),)):
            with self.subTest(data):
                with self.assertRaisesRegex(TypeError,
                                            type(data).__name__):
                    interp.run('pass', data=data)

    def test_data_not_shareable(self):
        interp = self.create()
        with self.assertRaisesRegex(interpreters.NotShareableError,
                                    'data'):
            interp.run('pass', data={'lock': threading.Lock()})

    def test_data_of_a_main_class(self):
        # "data" holding an instance of a class of the caller's script
        # unpickles in the target, as a call() argument does: the
        # script runs there as __xi_main__ (the class was not found).
        script = textwrap.dedent('''
            from concurrent import interpreters

            class Point:
                def __init__(self, x):
                    self.x = x

            def read():
                import __main__
                return __main__.data['p'].x

            if __name__ == '__main__':
                interp = interpreters.create()
                print(interp.run("return data['p'].x", data={'p': Point(5)}))
                print(interp.run(read, data={'p': Point(7)}))
                print(interp.call(getattr, Point(9), 'x'))
                interp.close()
            ''')
        with os_helper.temp_dir() as dirname:
            path = script_helper.make_script(dirname, 'script', script)
            _, out, err = script_helper.assert_python_ok(path)
        self.assertEqual(out.decode().split(), ['5', '7', '9'])

    def test_script_arguments_rejected(self):
        interp = self.create()
        with self.assertRaises(TypeError):
            interp.run('pass', 1)
        with self.assertRaises(TypeError):
            interp.run('pass', x=1)

    def test_result_not_shareable(self):
        interp = self.create()
        with self.assertRaises(interpreters.NotShareableError):
            interp.run('import threading\nreturn threading.Lock()')

    def test_closed(self):
        interp = interpreters.create()
        interp.close()
        with self.assertRaises(interpreters.InterpreterNotFoundError):
            interp.run('return 1')
        with self.assertRaises(interpreters.InterpreterNotFoundError):
            interp.run(_add, 1)

    def test_not_created_by_module(self):
        main = interpreters.get_main()
        with self.assertRaises(interpreters.InterpreterError):
            main.run('return 1')

    def test_busy(self):
        interp = self.create()
        q = interpreters.Queue()
        fut = interp.run_async(_get_from, q)
        _wait_until(lambda: interp.is_running())
        try:
            with self.assertRaisesRegex(interpreters.InterpreterError,
                                        'already running'):
                interp.run('return 1')
        finally:
            q.put('go')
        self.assertEqual(fut.result(), 'go')


def _wait_until(predicate):
    for _ in support.sleeping_retry(support.SHORT_TIMEOUT):
        if predicate():
            return


class RunOutputTests(unittest.TestCase):

    def test_print_order_through_pipe(self):
        script = textwrap.dedent('''
            from concurrent import interpreters
            interp = interpreters.create()
            print('main 1')
            interp.run('print("sub 1")')
            print('main 2')
            interp.run(print, 'sub 2')
            print('main 3')
            interp.run_async('import sys\\nsys.stderr.write("err\\\\n")\\n'
                             'print("sub 3")').result()
            print('main 4')
            interp.close()
            ''')
        proc = subprocess.run([sys.executable, '-c', script],
                              stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True,
                              timeout=support.LONG_TIMEOUT)
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertEqual(proc.stdout.splitlines(),
                         ['main 1', 'sub 1', 'main 2', 'sub 2', 'main 3',
                          'err', 'sub 3', 'main 4'])


class RunAsyncTests(_Base):

    def test_future(self):
        interp = self.create()
        fut = interp.run_async(_add, 1, 2)
        self.assertIsInstance(fut, concurrent.futures.Future)
        self.assertEqual(fut.result(timeout=support.SHORT_TIMEOUT), 3)

    def test_script(self):
        interp = self.create()
        fut = interp.run_async("return data['x'] * 2", data={'x': 21})
        self.assertEqual(fut.result(timeout=support.SHORT_TIMEOUT), 42)

    def test_exception(self):
        interp = self.create()
        fut = interp.run_async('1 / 0')
        exc = fut.exception(timeout=support.SHORT_TIMEOUT)
        self.assertIsInstance(exc, interpreters.ExecutionFailed)
        self.assertIn('ZeroDivisionError', str(exc))
        self.assertEqual(interp.run_async('return 1').result(), 1)

    def test_syntax_error(self):
        interp = self.create()
        fut = interp.run_async('x = (')
        self.assertIsInstance(fut.exception(timeout=support.SHORT_TIMEOUT),
                              SyntaxError)

    def test_bad_arguments(self):
        interp = self.create()
        cases = [
            ((42,), {}, TypeError),
            (('pass',), {'data': ['x']}, TypeError),
            (('pass', 1), {}, TypeError),
            (('pass',), {'x': 1}, TypeError),
        ]
        for args, kwargs, exctype in cases:
            with self.subTest(args=args, kwargs=kwargs):
                fut = interp.run_async(*args, **kwargs)
                self.assertTrue(fut.done())
                self.assertIsInstance(fut.exception(), exctype)

    def test_closed(self):
        interp = interpreters.create()
        interp.close()
        fut = interp.run_async('return 1')
        self.assertTrue(fut.done())
        self.assertIsInstance(fut.exception(),
                              interpreters.InterpreterNotFoundError)

    def test_not_created_by_module(self):
        fut = interpreters.get_main().run_async('return 1')
        self.assertIsInstance(fut.exception(timeout=support.SHORT_TIMEOUT),
                              interpreters.InterpreterError)

    def test_from_subinterpreter(self):
        # The worker thread of an interpreter used from a subinterpreter
        # ends when that subinterpreter is closed.
        outer = interpreters.create()
        script = textwrap.dedent("""
            from concurrent import interpreters
            inner = interpreters.create()
            return inner.run_async('return 6 * 7').result()
            """)
        self.assertEqual(outer.run(script), 42)
        outer.close()
        self.assertEqual(outer.state, 'closed')

    def test_one_at_a_time_in_order(self):
        interp = self.create()
        log = interpreters.Queue()
        go = interpreters.Queue()
        futs = [interp.run_async(_record, log, i, go) for i in range(3)]
        for _ in range(3):
            go.put(None)
        self.assertEqual([f.result(timeout=support.SHORT_TIMEOUT)
                          for f in futs], [0, 1, 2])
        got = [log.get_nowait() for _ in range(6)]
        self.assertEqual(got, ['start 0', 'end 0', 'start 1', 'end 1',
                               'start 2', 'end 2'])

    def test_threads_share_one_worker(self):
        interp = self.create()
        log = interpreters.Queue()
        go = interpreters.Queue()
        futs = []
        barrier = threading.Barrier(4)

        def submit(tag):
            barrier.wait()
            futs.append(interp.run_async(_record, log, tag, go))

        threads = [threading.Thread(target=submit, args=(i,))
                   for i in range(4)]
        with threading_helper.start_threads(threads):
            pass
        for _ in range(4):
            go.put(None)
        for fut in futs:
            fut.result(timeout=support.SHORT_TIMEOUT)
        # One at a time: every start is followed by its own end.
        got = [log.get_nowait() for _ in range(8)]
        for start, end in zip(got[::2], got[1::2]):
            self.assertEqual(start.replace('start', 'end'), end)
        self.assertEqual(len(self._worker_threads(interp)), 1)

    def test_interpreters_in_parallel(self):
        a, b = self.create(), self.create()
        qa, qb = interpreters.Queue(), interpreters.Queue()
        # Each call waits for the other one's message.
        fa = a.run_async(_hand_over, qa, qb)
        fb = b.run_async(_hand_over, qb, qa)
        self.assertEqual(fa.result(timeout=support.LONG_TIMEOUT), 'ping')
        self.assertEqual(fb.result(timeout=support.LONG_TIMEOUT), 'ping')

    def test_cpu_bound_in_four_interpreters(self):
        interps = [self.create() for _ in range(4)]
        futs = [interp.run_async(_square_sum, 10_000 + i)
                for i, interp in enumerate(interps)]
        self.assertEqual([f.result(timeout=support.LONG_TIMEOUT)
                          for f in futs],
                         [_square_sum(10_000 + i) for i in range(4)])

    def test_cancel_pending(self):
        interp = self.create()
        go = interpreters.Queue()
        first = interp.run_async(_get_from, go)
        second = interp.run_async('return 2')
        self.assertTrue(second.cancel())
        go.put('go')
        self.assertEqual(first.result(timeout=support.SHORT_TIMEOUT), 'go')
        self.assertTrue(second.cancelled())
        self.assertEqual(interp.run_async('return 3').result(), 3)

    def test_close_fails_pending_calls(self):
        interp = interpreters.create()
        go = interpreters.Queue()
        first = interp.run_async(_get_from, go)
        # The worker thread closes the interpreter as soon as the first
        # call is done, before it takes the next one.
        first.add_done_callback(lambda fut: interp.close())
        second = interp.run_async('return 2')
        go.put('go')
        self.assertEqual(first.result(timeout=support.SHORT_TIMEOUT), 'go')
        exc = second.exception(timeout=support.SHORT_TIMEOUT)
        self.assertIsInstance(exc, interpreters.InterpreterError)
        self.assertIn('closed', str(exc))
        self.assertEqual(interp.state, 'closed')

    def test_close_with_cancelled_pending_call(self):
        interp = interpreters.create()
        go = interpreters.Queue()
        first = interp.run_async(_get_from, go)
        first.add_done_callback(lambda fut: interp.close())
        second = interp.run_async('return 2')
        third = interp.run_async('return 3')
        self.assertTrue(second.cancel())
        go.put('go')
        self.assertEqual(first.result(timeout=support.SHORT_TIMEOUT), 'go')
        self.assertIsInstance(third.exception(timeout=support.SHORT_TIMEOUT),
                              interpreters.InterpreterError)
        self.assertTrue(second.cancelled())

    def test_close_waits_for_running_call(self):
        interp = interpreters.create()
        go = interpreters.Queue()
        fut = interp.run_async(_get_from, go)
        _wait_until(interp.is_running)
        closer = threading.Thread(target=interp.close)
        closer.start()
        go.put('go')
        self.assertEqual(fut.result(timeout=support.SHORT_TIMEOUT), 'go')
        threading_helper.join_thread(closer)
        self.assertEqual(interp.state, 'closed')

    def _worker_threads(self, interp):
        name = f'Interpreter({interp.id}).run_async'
        return [t for t in threading.enumerate() if t.name == name]

    def test_worker_ends_on_close(self):
        interp = interpreters.create()
        interp.run_async('return 1').result()
        threads = self._worker_threads(interp)
        self.assertEqual(len(threads), 1)
        interp.close()
        threading_helper.join_thread(threads[0])

    def test_worker_ends_when_interpreter_unused(self):
        interp = interpreters.create()
        interpid = interp.id
        fut = interp.run_async('return 1')
        self.assertEqual(fut.result(), 1)
        threads = self._worker_threads(interp)
        self.assertEqual(len(threads), 1)
        del interp, fut
        gc.collect()
        threading_helper.join_thread(threads[0])
        # The interpreter went away with the last Interpreter object.
        self.assertNotIn(interpid,
                         [i.id for i in interpreters.list_all()])

    def test_pending_call_keeps_interpreter(self):
        interp = interpreters.create()
        go = interpreters.Queue()
        first = interp.run_async(_get_from, go)
        second = interp.run_async('return 2')
        del interp
        gc.collect()
        go.put('go')
        self.assertEqual(first.result(timeout=support.SHORT_TIMEOUT), 'go')
        self.assertEqual(second.result(timeout=support.SHORT_TIMEOUT), 2)

    def test_after_threading_shutdown(self):
        # An atexit function runs after threading's shutdown: no new
        # worker can start, and the future says so.
        script = textwrap.dedent('''
            import atexit
            from concurrent import interpreters
            interp = interpreters.create()
            def late():
                fut = interp.run_async('return 1')
                print(type(fut.exception()).__name__)
                interp.close()
            atexit.register(late)
            ''')
        proc = subprocess.run([sys.executable, '-c', script],
                              capture_output=True, text=True,
                              timeout=support.LONG_TIMEOUT)
        self.assertEqual((proc.returncode, proc.stdout, proc.stderr),
                         (0, 'RuntimeError\n', ''))

    def test_exit_with_idle_worker(self):
        script = textwrap.dedent('''
            from concurrent import interpreters
            interp = interpreters.create()
            print(interp.run_async('return 6 * 7').result())
            interp.close()
            ''')
        proc = subprocess.run([sys.executable, '-c', script],
                              capture_output=True, text=True,
                              timeout=support.LONG_TIMEOUT)
        self.assertEqual((proc.returncode, proc.stdout, proc.stderr),
                         (0, '42\n', ''))


class StateAndContextTests(_Base):

    def test_state(self):
        interp = interpreters.create()
        self.assertEqual(interp.state, 'idle')
        go = interpreters.Queue()
        fut = interp.run_async(_get_from, go)
        _wait_until(interp.is_running)
        self.assertEqual(interp.state, 'running')
        go.put(1)
        fut.result(timeout=support.SHORT_TIMEOUT)
        _wait_until(lambda: not interp.is_running())
        self.assertEqual(interp.state, 'idle')
        interp.close()
        self.assertEqual(interp.state, 'closed')

    def test_state_main(self):
        self.assertEqual(interpreters.get_main().state, 'running')

    def test_state_read_only(self):
        interp = self.create()
        with self.assertRaises(AttributeError):
            interp.state = 'idle'

    def test_with_closes(self):
        with interpreters.create() as interp:
            self.assertEqual(interp.run('return 1'), 1)
            self.assertEqual(interp.state, 'idle')
        self.assertEqual(interp.state, 'closed')

    def test_with_closes_on_error(self):
        with self.assertRaises(ZeroDivisionError):
            with interpreters.create() as interp:
                1 / 0
        self.assertEqual(interp.state, 'closed')

    def test_with_closed_in_block(self):
        with interpreters.create() as interp:
            interp.close()
        self.assertEqual(interp.state, 'closed')

    def test_with_not_created_by_module(self):
        with self.assertRaises(interpreters.InterpreterError):
            with interpreters.get_main():
                pass


class ChannelTests(_Base):

    def test_not_in_all(self):
        self.assertNotIn('Channel', interpreters.__all__)
        self.assertIn('Channel', dir(interpreters))

    def test_constructor_takes_no_arguments(self):
        with self.assertRaises(TypeError):
            interpreters.Channel(1)

    def test_send_recv(self):
        ch = interpreters.Channel()
        for obj in (1, 'spam', [1, {'a': (2, 3)}], None, ()):
            with self.subTest(obj):
                ch.send(obj)
                self.assertEqual(ch.recv(), obj)

    def test_fifo(self):
        ch = interpreters.Channel()
        for i in range(10):
            ch.send(i)
        self.assertEqual([ch.recv() for _ in range(10)], list(range(10)))

    def test_recv_timeout(self):
        ch = interpreters.Channel()
        with self.assertRaises(TimeoutError):
            ch.recv(timeout=0.01)

    def test_recv_bad_timeout(self):
        ch = interpreters.Channel()
        with self.assertRaises(TypeError):
            ch.recv(timeout='1')
        with self.assertRaises(ValueError):
            ch.recv(timeout=-1)

    def test_close(self):
        ch = interpreters.Channel()
        ch.send(1)
        self.assertFalse(ch.closed)
        ch.close()
        self.assertTrue(ch.closed)
        ch.close()  # closing again does nothing
        with self.assertRaises(interpreters.ChannelClosedError):
            ch.send(2)
        self.assertEqual(ch.recv(), 1)
        for _ in range(2):
            with self.assertRaises(interpreters.ChannelClosedError):
                ch.recv()

    def test_same_object_per_interpreter(self):
        ch = interpreters.Channel()
        self.assertIs(pickle.loads(pickle.dumps(ch)), ch)

    def test_crosses_as_argument(self):
        interp = self.create()
        ch = interpreters.Channel()
        interp.run('data["ch"].send("from sub")', data={'ch': ch})
        self.assertEqual(ch.recv(), 'from sub')
        ch.send('to sub')
        self.assertEqual(interp.run(_recv_one, ch), 'to sub')

    def test_crosses_in_queue(self):
        interp = self.create()
        ch = interpreters.Channel()
        q = interpreters.Queue()
        q.put(ch)
        interp.run('data["q"].get().send(42)', data={'q': q})
        self.assertEqual(ch.recv(), 42)

    def test_producer_consumer(self):
        producer, consumer = self.create(), self.create()
        ch = interpreters.Channel()
        received = consumer.run_async(_consume, ch)
        producer.run_async(_produce, ch, 100).result(
            timeout=support.LONG_TIMEOUT)
        self.assertEqual(received.result(timeout=support.LONG_TIMEOUT),
                         list(range(100)))

    def test_close_wakes_every_receiver(self):
        a, b = self.create(), self.create()
        ch = interpreters.Channel()
        futs = [a.run_async(_consume, ch), b.run_async(_consume, ch)]
        ch.close()
        for fut in futs:
            self.assertEqual(fut.result(timeout=support.LONG_TIMEOUT), [])

    def test_item_of_destroyed_interpreter(self):
        interp = interpreters.create()
        ch = interpreters.Channel()
        interp.run('data["ch"].send("lost")', data={'ch': ch})
        interp.close()
        with self.assertRaises(_queues.ItemInterpreterDestroyed):
            ch.recv(timeout=support.SHORT_TIMEOUT)

    def test_close_outlives_closing_interpreter(self):
        interp = interpreters.create()
        ch = interpreters.Channel()
        interp.run('data["ch"].close()', data={'ch': ch})
        interp.close()
        self.assertTrue(ch.closed)
        with self.assertRaises(interpreters.ChannelClosedError):
            ch.recv(timeout=support.SHORT_TIMEOUT)


def _recv_one(ch):
    return ch.recv(timeout=10)


class QueueConstructorTests(unittest.TestCase):

    def test_no_argument_creates(self):
        a, b = interpreters.Queue(), interpreters.Queue()
        self.assertIsInstance(a, interpreters.Queue)
        self.assertNotEqual(a.id, b.id)
        self.assertEqual(a.maxsize, 0)
        self.assertIs(a.unbounditems, _queues.UNBOUND)

    def test_maxsize_creates(self):
        q = interpreters.Queue(maxsize=2)
        self.assertEqual(q.maxsize, 2)
        q.put_nowait(1)
        q.put_nowait(2)
        with self.assertRaises(interpreters.QueueFull):
            q.put_nowait(3)

    def test_unbounditems(self):
        q = interpreters.Queue(unbounditems=_queues.UNBOUND_REMOVE)
        self.assertIs(q.unbounditems, _queues.UNBOUND_REMOVE)

    def test_id_binds(self):
        q = interpreters.create_queue()
        self.assertIs(interpreters.Queue(q.id), q)
        other = interpreters.Queue(maxsize=3)
        self.assertIs(interpreters.Queue(other.id), other)

    def test_bad_maxsize(self):
        for maxsize in ('1', 1.5, None):
            with self.subTest(maxsize):
                with self.assertRaisesRegex(TypeError, 'maxsize'):
                    interpreters.Queue(maxsize=maxsize)

    def test_bad_unbounditems(self):
        with self.assertRaises(NotImplementedError):
            interpreters.Queue(unbounditems='spam')

    def test_id_and_maxsize(self):
        q = interpreters.Queue()
        with self.assertRaisesRegex(TypeError, 'existing queue'):
            interpreters.Queue(q.id, maxsize=1)

    def test_bad_id(self):
        with self.assertRaises(TypeError):
            interpreters.Queue('1')
        with self.assertRaises(ValueError):
            interpreters.Queue(-1)
        with self.assertRaises(_queues.QueueNotFoundError):
            interpreters.Queue(10**9)


class MoreShareableTypesTests(_Base):

    VALUES = [
        frozenset(),
        frozenset({1, 'a', b'b', (2, 3.5), None}),
        frozenset({frozenset({1}), frozenset()}),
        1j,
        complex(-1.5, 2.25),
        complex(float('inf'), -0.0),
        range(10),
        range(-5, 100, 7),
        range(10, 0, -3),
        slice(3),
        slice(1, None, 2),
        slice('a', (1, 2), None),
        (frozenset({1}), 2j, range(3), slice(1, 2), ..., NotImplemented),
    ]

    def test_is_shareable(self):
        for obj in self.VALUES + [..., NotImplemented]:
            with self.subTest(obj):
                self.assertTrue(interpreters.is_shareable(obj))

    def test_subclasses_not_shareable(self):
        class FS(frozenset):
            pass
        class C(complex):
            pass
        for obj in (FS({1}), C(1j), set(), []):
            with self.subTest(obj):
                self.assertFalse(interpreters.is_shareable(obj))

    def test_round_trip_registry_only(self):
        # prepare_main() uses the registry only, nothing is pickled.
        interp = self.create()
        for obj in self.VALUES:
            with self.subTest(obj):
                interp.prepare_main(value=obj)
                self.assertEqual(interp.run('return value'), obj)
                self.assertEqual(interp.run('return type(value).__name__'),
                                 type(obj).__name__)

    def test_singletons(self):
        interp = self.create()
        interp.prepare_main(e=..., n=NotImplemented)
        self.assertEqual(interp.run('return (e is ..., '
                                    'n is NotImplemented)'), (True, True))
        self.assertIs(interp.run('return e'), ...)
        self.assertIs(interp.run('return n'), NotImplemented)

    def test_complex_sign(self):
        interp = self.create()
        interp.prepare_main(z=complex(-0.0, -0.0))
        self.assertEqual(interp.run('import math\n'
                                    'return math.copysign(1, z.real), '
                                    'math.copysign(1, z.imag)'),
                         (-1.0, -1.0))

    def test_queue_round_trip(self):
        q = interpreters.Queue()
        for obj in self.VALUES + [..., NotImplemented]:
            with self.subTest(obj):
                q.put(obj)
                got = q.get_nowait()
                self.assertEqual(got, obj)
                self.assertIs(type(got), type(obj))
        q.put(...)
        self.assertIs(q.get_nowait(), ...)

    def test_not_shareable_items_in_registry_only(self):
        interp = self.create()
        for obj in (frozenset({1, threading.Lock}), slice([1], 2)):
            with self.subTest(obj):
                with self.assertRaises(interpreters.NotShareableError):
                    interp.prepare_main(value=obj)

    def test_items_fall_back(self):
        # With the full fallback, items that are not shareable are
        # pickled, as tuple items are.
        q = interpreters.Queue()
        for obj in (frozenset({1, _NamedItem('x')}), slice([1], {'a': 2}),
                    (frozenset({_NamedItem('y')}),)):
            with self.subTest(obj):
                q.put(obj)
                self.assertEqual(q.get_nowait(), obj)

    def test_huge_range(self):
        big = range(2**70)
        interp = self.create()
        with self.assertRaises(interpreters.NotShareableError) as cm:
            interp.prepare_main(value=big)
        self.assertIsInstance(cm.exception.__cause__, OverflowError)
        self.assertIn('range', str(cm.exception.__cause__))
        # Through the full fallback it is pickled.
        q = interpreters.Queue()
        q.put(big)
        self.assertEqual(q.get_nowait(), big)

    def test_call_results(self):
        interp = self.create()
        self.assertEqual(interp.call(frozenset, (1, 2)), frozenset({1, 2}))
        self.assertEqual(interp.call(complex, 1, 2), 1 + 2j)
        self.assertEqual(interp.call(range, 1, 5), range(1, 5))
        self.assertEqual(interp.call(slice, 1, 5), slice(1, 5))


class _NamedItem:
    # Picklable, hashable, not shareable.
    def __init__(self, name):
        self.name = name

    def __eq__(self, other):
        return isinstance(other, _NamedItem) and other.name == self.name

    def __hash__(self):
        return hash(self.name)


@support.requires_fork()
class ForkTests(_Base):
    """B9: fork() while subinterpreters exist (fork patch
    fork-drop-subinterpreters)."""

    def fork(self, child):
        # Run child() in a forked process; it must return True.
        with warnings.catch_warnings():
            # fork() in a process with threads
            warnings.simplefilter('ignore', DeprecationWarning)
            pid = os.fork()
        if pid == 0:
            ok = False
            try:
                ok = child()
            finally:
                os._exit(0 if ok else 1)
        support.wait_process(pid, exitcode=0)

    def test_child_keeps_only_main(self):
        interp = self.create()
        queue = interpreters.create_queue()
        interp.prepare_main(queue=queue)
        interp.exec('queue.put("spam")')

        def child():
            main = interpreters.get_main()
            if interpreters.list_all() != [main]:
                return False
            # The parent's interpreter is gone in the child...
            try:
                interp.exec('pass')
            except interpreters.InterpreterNotFoundError:
                pass
            else:
                return False
            # ...and new ones work.
            other = interpreters.create()
            result = other.call(abs, -5)
            other.close()
            return result == 5

        self.fork(child)
        # The parent is unaffected.
        self.assertEqual(interp.call(abs, -2), 2)
        self.assertEqual(queue.get_nowait(), 'spam')

    @threading_helper.requires_working_threading()
    def test_fork_while_interpreters_come_and_go(self):
        # Another thread creates and closes interpreters at fork time.
        stop = threading.Event()

        def churn():
            while not stop.is_set():
                interpreters.create().close()

        def child():
            interp = interpreters.create()
            interp.close()
            return interpreters.list_all() == [interpreters.get_main()]

        thread = threading.Thread(target=churn)
        thread.start()
        try:
            for _ in range(5):
                self.fork(child)
        finally:
            stop.set()
            thread.join()


if __name__ == '__main__':
    unittest.main()
