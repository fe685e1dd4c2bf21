"""Errors that cross interpreters: exception snapshots, conversion errors,
and small details that match CPython 3.14 (fork patches
crossinterp-excinfo-capture, crossinterp-314-conversion-errors,
subinterp-main-like-314, exit-warn-remaining-subinterpreters, ...)."""

import os
import subprocess
import sys
import textwrap
import traceback
import unittest
from test import support
from test.support import import_helper, os_helper, script_helper

_interpreters = import_helper.import_module('_interpreters')
from concurrent import interpreters


_BAD_STR = textwrap.dedent('''
    class E(Exception):
        def __str__(self):
            raise RuntimeError('no str')
    ''')


class ExcInfoCaptureTests(unittest.TestCase):
    """An uncaught exception always reaches the caller as a snapshot
    (issue 13, item 11: these crashed, and crash CPython 3.14)."""

    def setUp(self):
        self.interp = interpreters.create()
        self.addCleanup(self.interp.close)

    def exec_failed(self, script):
        with self.assertRaises(interpreters.ExecutionFailed) as cm:
            self.interp.exec(script)
        return cm.exception.excinfo

    def test_str_raises(self):
        excinfo = self.exec_failed(_BAD_STR + 'raise E()')
        self.assertEqual(excinfo.type.__name__, 'E')
        self.assertEqual(excinfo.type.__module__, '__main__')
        # What traceback shows for an exception whose str() fails.
        self.assertEqual(excinfo.msg, '<exception str() failed>')
        self.assertEqual(excinfo.formatted, 'E: <exception str() failed>')
        self.assertTrue(excinfo.errdisplay.startswith('Traceback'))
        self.assertTrue(excinfo.errdisplay.endswith(
            '\nE: <exception str() failed>'), excinfo.errdisplay)

    def test_str_returns_non_str(self):
        excinfo = self.exec_failed(textwrap.dedent('''
            class E(Exception):
                def __str__(self):
                    return 42
            raise E()
            '''))
        self.assertEqual(excinfo.formatted, 'E: <exception str() failed>')

    def test_str_raises_in_call(self):
        self.interp.exec(_BAD_STR + textwrap.dedent('''
            def f():
                raise E()
            '''))
        self.interp.exec('import __main__; __main__.f = f')
        with self.assertRaises(interpreters.ExecutionFailed) as cm:
            self.interp.exec('f()')
        self.assertEqual(cm.exception.excinfo.formatted,
                         'E: <exception str() failed>')

    def test_message_with_lone_surrogate(self):
        excinfo = self.exec_failed('raise ValueError("a\\udc80b")')
        self.assertEqual(excinfo.msg, 'a\\udc80b')
        self.assertEqual(excinfo.formatted, 'ValueError: a\\udc80b')

    def test_message_with_nul(self):
        excinfo = self.exec_failed('raise ValueError("a\\0b")')
        self.assertEqual(excinfo.msg, 'a\\x00b')
        self.assertEqual(excinfo.formatted, 'ValueError: a\\x00b')

    def test_memory_error_is_captured(self):
        # 3.14 drops it: exec() returns None.
        excinfo = self.exec_failed('raise MemoryError("spam")')
        self.assertEqual(excinfo.type.__name__, 'MemoryError')
        self.assertEqual(excinfo.formatted, 'MemoryError: spam')

    def test_capture_exception_str_raises(self):
        ns = {}
        exec(_BAD_STR, ns)
        captured = _interpreters.capture_exception(ns['E']())
        self.assertEqual(captured.msg, '<exception str() failed>')
        self.assertEqual(captured.formatted, 'E: <exception str() failed>')

    def test_interpreter_usable_after(self):
        self.exec_failed(_BAD_STR + 'raise E()')
        self.interp.exec('x = 1')
        self.assertEqual(self.interp.call(eval, 'x'), 1)

    @support.requires_fork()
    @support.requires_subprocess()
    def test_no_memory_while_capturing(self):
        # Make the allocations of exec() fail from the Nth on, for each N in
        # turn, while an exception is raised and captured: MemoryError or
        # ExecutionFailed, never a crash.  Each try runs in a forked child,
        # as a process that ran out of memory is not trusted further.
        import_helper.import_module('_testcapi')
        script = textwrap.dedent('''
            import os, sys, _testcapi
            from concurrent import interpreters
            crashed = []
            for start in range(int(sys.argv[1])):
                pid = os.fork()
                if pid == 0:
                    interp = interpreters.create()
                    # Compiled now: the cached code is used below, so
                    # that the failures hit the run and the capture.
                    try:
                        interp.exec('raise ValueError("boom")')
                    except interpreters.ExecutionFailed:
                        pass
                    try:
                        _testcapi.set_nomemory(start, 0)
                        interp.exec('raise ValueError("boom")')
                    except (MemoryError, interpreters.ExecutionFailed):
                        _testcapi.remove_mem_hooks()
                        os._exit(0)
                    _testcapi.remove_mem_hooks()
                    os._exit(2)
                _, status = os.waitpid(pid, 0)
                code = os.waitstatus_to_exitcode(status)
                if code not in (0, 1):
                    crashed.append((start, code))
            print(crashed)
            ''')
        # Where the capture runs depends on the build: cover the first
        # allocations of exec(), the capture included.
        rc, out, err = script_helper.assert_python_ok('-c', script, '400')
        self.assertEqual(out.strip(), b'[]')


class ErrDisplayTests(unittest.TestCase):
    """capture_exception() keeps TracebackException.format()'s output,
    minus a trailing newline (issue 12, point 2)."""

    def capture_with_format(self, exc, lines):
        formatter = lambda self, **kwargs: iter(lines)
        with support.swap_attr(traceback.TracebackException, 'format',
                               formatter):
            return _interpreters.capture_exception(exc)

    def test_last_character_kept(self):
        captured = self.capture_with_format(ValueError('x'), ['abc'])
        self.assertEqual(captured.errdisplay, 'abc')

    def test_only_one_newline_removed(self):
        captured = self.capture_with_format(ValueError('x'), ['abc\n\n'])
        self.assertEqual(captured.errdisplay, 'abc\n')

    def test_empty_output(self):
        captured = self.capture_with_format(ValueError('x'), [])
        self.assertEqual(captured.errdisplay, '')

    @support.requires_subprocess()
    def test_empty_output_writes_inside_buffer(self):
        # The allocator's debug hooks catch a write before the buffer
        # (upstream wrote a NUL there) when it is freed.
        script = textwrap.dedent("""
            import traceback, _interpreters
            traceback.TracebackException.format = lambda self, **kw: iter([])
            captured = _interpreters.capture_exception(ValueError('x'))
            print(repr(captured.errdisplay))
            """)
        rc, out, err = script_helper.assert_python_ok(
            '-c', script, PYTHONMALLOC='debug')
        self.assertEqual(out.strip(), b"''")

    def test_usual_output(self):
        try:
            raise ValueError('spam')
        except ValueError as exc:
            captured = _interpreters.capture_exception(exc)
            expected = ''.join(traceback.format_exception(exc))
        self.assertEqual(captured.errdisplay, expected[:-1])


_BIG = 2**1000


class RegistryOnlyConversionTests(unittest.TestCase):
    """A registry-only conversion that fails raises NotShareableError with
    the original error as its cause, as in 3.14 (issue 12, point 2)."""

    def setUp(self):
        self.interp = interpreters.create()
        self.addCleanup(self.interp.close)

    def assert_overflow_cause(self, exc):
        self.assertIsInstance(exc, interpreters.NotShareableError)
        self.assertIsInstance(exc.__cause__, OverflowError)

    def test_exec_shared(self):
        with self.assertRaises(interpreters.NotShareableError) as cm:
            _interpreters.exec(self.interp.id, 'pass', {'x': _BIG})
        self.assert_overflow_cause(cm.exception)

    def test_exec_shared_tuple_item(self):
        with self.assertRaises(interpreters.NotShareableError) as cm:
            _interpreters.exec(self.interp.id, 'pass', {'x': (1, _BIG)})
        self.assertIn('(1, ', str(cm.exception))
        self.assert_overflow_cause(cm.exception.__cause__)

    def test_exec_shared_unshareable_item(self):
        with self.assertRaises(interpreters.NotShareableError) as cm:
            _interpreters.exec(self.interp.id, 'pass', {'x': (1, object())})
        cause = cm.exception.__cause__
        self.assertIsInstance(cause, interpreters.NotShareableError)
        self.assertIsNone(cause.__cause__)

    def test_prepare_main(self):
        with self.assertRaises(interpreters.NotShareableError) as cm:
            self.interp.prepare_main(x=_BIG)
        self.assert_overflow_cause(cm.exception)

    def test_queue_put_registry_only(self):
        _interpqueues = import_helper.import_module('_interpqueues')
        qid = _interpqueues.create(0, 3, 0)
        self.addCleanup(_interpqueues.destroy, qid)
        with self.assertRaises(interpreters.NotShareableError) as cm:
            _interpqueues.put(qid, _BIG, 3, 0)
        self.assert_overflow_cause(cm.exception)
        # The full fallback still sends it (pickled).
        _interpqueues.put(qid, _BIG, 3, 1)

    def test_still_usable(self):
        _interpreters.exec(self.interp.id, 'y = x', {'x': 2**40})
        self.assertEqual(self.interp.call(eval, 'y'), 2**40)


def _returns():
    return 1


def _no_return():
    len('spam')


def _uses_global():
    _returns()


def _with_default(a=1):
    pass


class XIDataHookErrorsTests(unittest.TestCase):
    """_testinternalcapi.get_crossinterp_data() fails as 3.14's does:
    NotShareableError, the original error as its cause (issue 12)."""

    def setUp(self):
        self.capi = import_helper.import_module('_testinternalcapi')

    def check(self, obj, mode, msg, cause=None, cause_msg=None):
        with self.assertRaises(interpreters.NotShareableError) as cm:
            self.capi.get_crossinterp_data(obj, mode)
        self.assertIn(msg, str(cm.exception))
        if cause is None:
            self.assertIsNone(cm.exception.__cause__)
        else:
            self.assertIsInstance(cm.exception.__cause__, cause)
            if cause_msg is not None:
                self.assertEqual(str(cm.exception.__cause__), cause_msg)

    def test_xidata(self):
        self.check(_BIG, 'xidata', 'does not support cross-interpreter data',
                   OverflowError)
        self.check(object(), 'xidata', 'does not support')

    def test_marshal(self):
        self.check(object(), 'marshal', 'object could not be marshalled',
                   ValueError)

    def test_pickle(self):
        import threading
        self.check(threading.Lock(), 'pickle', 'object could not be pickled',
                   TypeError)

    def test_code(self):
        self.check(1, 'code', 'expected code, got 1')
        self.check('x = 1', 'code', "expected code, got 'x = 1'")

    def test_func(self):
        self.check(1, 'func', 'expected a function, got 1')
        for func, why in [(_uses_global, 'globals not supported'),
                          (_with_default, 'defaults not supported')]:
            with self.subTest(func=func):
                self.check(func, 'func',
                           'only stateless functions are shareable',
                           ValueError, why)

    def test_script(self):
        for mode in ('script', 'script-pure'):
            with self.subTest(mode=mode):
                self.check(1, mode, 'object not a valid script', TypeError)
                self.check('x =', mode, 'object not a valid script',
                           SyntaxError)
                self.check(_returns, mode, 'object not a valid script',
                           ValueError,
                           'code that returns a value is not a script')
                self.check(_returns.__code__, mode,
                           'object not a valid script', ValueError,
                           'code that returns a value is not a script')
                self.capi.get_crossinterp_data(_no_return, mode)

    def test_script_pure_globals(self):
        # Checked in code objects and functions only, not in source.
        self.check(_uses_global, 'script-pure', 'object not a valid script',
                   ValueError, 'globals not supported')
        self.check(_uses_global.__code__, 'script-pure',
                   'object not a valid script', ValueError,
                   'globals not supported')
        self.capi.get_crossinterp_data(_uses_global, 'script')
        for source in ('print(x)', b'x = y', 'import os'):
            with self.subTest(source=source):
                self.capi.get_crossinterp_data(source, 'script-pure')

    def test_exec_keeps_plain_errors(self):
        # exec() raises the reason itself, as 3.14's does.
        interp = interpreters.create()
        self.addCleanup(interp.close)
        with self.assertRaises(SyntaxError):
            _interpreters.exec(interp.id, 'x =')
        with self.assertRaises(ValueError):
            _interpreters.exec(interp.id, _returns)
        with self.assertRaises(TypeError) as cm:
            _interpreters.exec(interp.id, 5)
        self.assertNotIsInstance(cm.exception, interpreters.NotShareableError)


_TOKEN_SCRIPT = textwrap.dedent("""
    import contextvars
    assert repr(contextvars.Token.MISSING) == '<Token.MISSING>'
    var = contextvars.ContextVar('var')
    token = var.set(1)
    assert token.old_value is contextvars.Token.MISSING
    # The current context keeps what is set in it: reset, or each run
    # (as under -R) would leave a variable behind.
    var.reset(token)
    """)


class MainLike314Tests(unittest.TestCase):
    """Small things a new interpreter has as in 3.14 (issue 12)."""

    def setUp(self):
        self.interp = interpreters.create()
        self.addCleanup(self.interp.close)

    def test_token_missing(self):
        exec(_TOKEN_SCRIPT, {})
        self.interp.exec(_TOKEN_SCRIPT)

    def test_main_has_no_annotations(self):
        self.assertNotIn('__annotations__',
                         self.interp.call(eval, 'list(globals())'))

    def test_module_annotations_still_work(self):
        self.interp.exec('x: int = 1')
        self.assertEqual(self.interp.call(eval, '__annotations__'),
                         {'x': int})

    def test_supports_isolated_interpreters(self):
        self.assertIs(sys.implementation.supports_isolated_interpreters, True)
        self.assertIs(
            self.interp.call(eval,
                             '__import__("sys").implementation'
                             '.supports_isolated_interpreters'),
            True)


_REMAINING = (b'RuntimeWarning: remaining subinterpreters; '
              b'close them with Interpreter.close()')

_EXIT_SCRIPT = textwrap.dedent("""
    import atexit, sys
    from concurrent import interpreters
    interp = interpreters.create()
    atexit.register(lambda: print('atexit ran', flush=True))
    class D:
        def __del__(self):
            print('module teardown', flush=True)
    d = D()
    print('end', flush=True)
    """)


@support.requires_subprocess()
class ExitWarningTests(unittest.TestCase):
    """At exit with subinterpreters alive, a RuntimeWarning comes after the
    atexit callbacks and before the modules are torn down, as in 3.14
    (issue 12, point 2)."""

    def run_python(self, *args, **kwargs):
        proc = subprocess.run([sys.executable, *args],
                              stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT,
                              timeout=support.SHORT_TIMEOUT, **kwargs)
        self.assertEqual(proc.returncode, 0, proc.stdout)
        return proc.stdout

    def assert_warned_once(self, out):
        self.assertEqual(out.count(_REMAINING), 1, out)
        self.assertIn(b'<sys>:0: ' + _REMAINING + b'\n', out)

    def test_script(self):
        with os_helper.temp_dir() as tmp:
            path = os.path.join(tmp, 'script.py')
            with open(path, 'w', encoding='utf-8') as f:
                f.write(_EXIT_SCRIPT)
            out = self.run_python(path)
        self.assert_warned_once(out)
        self.assertEqual(out.splitlines(),
                         [b'end', b'atexit ran', b'<sys>:0: ' + _REMAINING,
                          b'module teardown'])

    def test_dash_c(self):
        out = self.run_python('-c', _EXIT_SCRIPT)
        self.assert_warned_once(out)
        self.assertLess(out.index(b'atexit ran'), out.index(_REMAINING))
        self.assertLess(out.index(_REMAINING), out.index(b'module teardown'))

    def test_repl(self):
        out = self.run_python(
            '-i', '-q',
            input=b'from concurrent import interpreters\n'
                  b'interp = interpreters.create()\n',
            env={**os.environ, 'TERM': 'dumb', 'PYTHON_BASIC_REPL': '1'})
        self.assert_warned_once(out)

    def test_no_warning_when_closed(self):
        out = self.run_python('-c', textwrap.dedent("""
            from concurrent import interpreters
            interpreters.create().close()
            """))
        self.assertNotIn(b'remaining subinterpreters', out)

    def test_warning_as_error(self):
        # Reported, and finalization goes on.
        out = self.run_python('-W', 'error', '-c', _EXIT_SCRIPT)
        self.assertIn(_REMAINING, out)
        self.assertIn(b'module teardown', out)


_AUDIT_SCRIPT = textwrap.dedent("""
    import sys
    from concurrent import interpreters
    events = []
    def hook(event, args):
        if event == 'compile' and args[1] == '<script>':
            events.append(args[0])
            if args[0] == b'blocked = 1':
                raise RuntimeError('refused by the audit hook')
    sys.addaudithook(hook)
    interp = interpreters.create()
    for _ in range(3):
        interp.exec('x = 1')
    print(events.count(b'x = 1'))
    for _ in range(2):
        try:
            interp.exec('blocked = 1')
        except RuntimeError as exc:
            print(exc)
    print(interp.call(eval, '"blocked" in globals()'))
    interp.close()
    """)


@support.requires_subprocess()
class ScriptCacheAuditTests(unittest.TestCase):
    """A str script taken from the script cache (fork patch
    crossinterp-script-cache) raises the "compile" audit event, as
    compiling it again would (issue 13, fragile list)."""

    def test_every_exec_is_audited(self):
        rc, out, err = script_helper.assert_python_ok('-c', _AUDIT_SCRIPT)
        self.assertEqual(out.decode().splitlines(),
                         ['3', 'refused by the audit hook',
                          'refused by the audit hook', 'False'])


_SWEEP_SCRIPT = textwrap.dedent("""
    import sys, _testcapi
    from concurrent import interpreters
    interp = interpreters.create()
    script = sys.argv[1]
    seen = set()
    for start in range(int(sys.argv[2])):
        try:
            # Only the allocation number "start" fails.
            _testcapi.set_nomemory(start, start + 1)
            interp.exec(script)
        except BaseException as exc:
            result = exc
        else:
            result = None
        finally:
            _testcapi.remove_mem_hooks()
        seen.add(type(result).__name__)
    interp.exec('ok = 1')
    print(sorted(seen))
    """)


@support.requires_subprocess()
class NoMemorySweepTests(unittest.TestCase):
    """Single allocation failures, one after the other in the same
    process, leave the heap sound (issue 13, item 14): they corrupted it
    (compiler, dict setdefault, MAKE_FUNCTION) and a later exec() crashed."""

    def sweep(self, script, count=400):
        import_helper.import_module('_testcapi')
        rc, out, err = script_helper.assert_python_ok(
            '-c', _SWEEP_SCRIPT, script, str(count))
        return set(eval(out.decode()))

    @unittest.skipIf(support.Py_DEBUG,
                     'one allocation failure in the compiler still loses '
                     'its MemoryError, which a debug build asserts')
    def test_exec_raise(self):
        seen = self.sweep('raise ValueError("boom")')
        # SystemError ("returned NULL without setting an exception"): one
        # allocation failure in the compiler's code generation still loses
        # its MemoryError (upstream, not fixed here).
        self.assertLessEqual(seen, {'MemoryError', 'ExecutionFailed',
                                    'SystemError', 'NoneType'})
        self.assertIn('ExecutionFailed', seen)

    @unittest.skipIf(support.Py_DEBUG,
                     'one allocation failure in the compiler still loses '
                     'its MemoryError, which a debug build asserts')
    def test_exec_defines_function(self):
        seen = self.sweep('def f():\n    return 1\nf()')
        self.assertLessEqual(seen, {'MemoryError', 'ExecutionFailed',
                                    'SystemError', 'NoneType'})

    def test_queue_put_keeps_memory_error(self):
        # Pickling a list that fails for lack of memory is a MemoryError,
        # not a NotShareableError about the list.
        import_helper.import_module('_testcapi')
        script = textwrap.dedent("""
            import _testcapi
            from concurrent import interpreters
            q = interpreters.create_queue()
            wrapped = 0
            for start in range(400):
                try:
                    _testcapi.set_nomemory(start, start + 1)
                    q.put([1, 'two', 3.0])
                except interpreters.NotShareableError as exc:
                    _testcapi.remove_mem_hooks()
                    if isinstance(exc.__cause__, MemoryError):
                        wrapped += 1
                except MemoryError:
                    _testcapi.remove_mem_hooks()
                else:
                    _testcapi.remove_mem_hooks()
                while not q.empty():
                    q.get_nowait()
            print(wrapped)
            """)
        rc, out, err = script_helper.assert_python_ok('-c', script)
        self.assertEqual(out.strip(), b'0')


if __name__ == '__main__':
    unittest.main()
