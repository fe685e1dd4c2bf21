"""Errors that cross interpreters: exception snapshots, conversion errors,
and small details that match CPython 3.14 (fork patches
crossinterp-excinfo-capture, crossinterp-314-conversion-errors,
subinterp-main-like-314, exit-warn-remaining-subinterpreters, ...)."""

import contextlib
import sys
import textwrap
import traceback
import unittest
from test import support
from test.support import import_helper, script_helper

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
                    interp.exec('pass')
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

    def test_usual_output(self):
        try:
            raise ValueError('spam')
        except ValueError as exc:
            captured = _interpreters.capture_exception(exc)
            expected = ''.join(traceback.format_exception(exc))
        self.assertEqual(captured.errdisplay, expected[:-1])


if __name__ == '__main__':
    unittest.main()
