"""Tests for the cross-interpreter data layer (Python/crossinterp.c)."""

import subprocess
import sys
import textwrap
import threading
import types
import unittest

from test import support
from test.support import import_helper

_interpreters = import_helper.import_module('_interpreters')
_testinternalcapi = import_helper.import_module('_testinternalcapi')

get_data = _testinternalcapi.get_crossinterp_data
restore = _testinternalcapi.restore_crossinterp_data
NotShareableError = _interpreters.NotShareableError


def roundtrip(obj, mode='xidata'):
    return restore(get_data(obj, mode))


def stateless():
    return len('spam')


def uses_global():
    return roundtrip


def with_defaults(a=1):
    return a


# Scripts return nothing: code that returns a value is refused.
def script_func():
    len('spam')


def script_uses_global():
    roundtrip


class Picklable:

    def __init__(self, value):
        self.value = value

    def __eq__(self, other):
        return type(other) is Picklable and other.value == self.value


class ExceptionTypeTests(unittest.TestCase):

    def test_interpreter_error_name(self):
        exc = _interpreters.InterpreterError
        self.assertEqual(exc.__module__, 'concurrent.interpreters')
        self.assertEqual(exc.__qualname__, 'InterpreterError')

    def test_interpreter_error_base(self):
        self.assertIs(_interpreters.InterpreterError.__base__, Exception)

    def test_interpreter_not_found_error_name(self):
        exc = _interpreters.InterpreterNotFoundError
        self.assertEqual(exc.__module__, 'concurrent.interpreters')
        self.assertEqual(exc.__qualname__, 'InterpreterNotFoundError')

    def test_interpreter_not_found_error_base(self):
        self.assertIs(_interpreters.InterpreterNotFoundError.__base__,
                      _interpreters.InterpreterError)

    def test_not_shareable_error_name(self):
        exc = _interpreters.NotShareableError
        self.assertEqual(exc.__module__, 'concurrent.interpreters')
        self.assertEqual(exc.__qualname__, 'NotShareableError')

    def test_not_shareable_error_is_type_error(self):
        self.assertIs(_interpreters.NotShareableError.__base__, TypeError)
        self.assertFalse(issubclass(_interpreters.NotShareableError,
                                    ValueError))


class RegistryModeTests(unittest.TestCase):

    def test_shareable_values_roundtrip(self):
        for obj in [None, True, False, 0, -1, 2**62, 1.5, -0.0,
                    float('inf'), '', 'spam', '\u20ac', b'', b'spam']:
            with self.subTest(obj=obj):
                self.assertEqual(roundtrip(obj), obj)
                self.assertIs(type(roundtrip(obj)), type(obj))

    def test_float_nan(self):
        self.assertNotEqual(roundtrip(float('nan')), roundtrip(float('nan')))

    def test_tuple_nested(self):
        obj = (1, 'a', (2.5, None, (b'x',)))
        self.assertEqual(roundtrip(obj), obj)

    def test_unshareable_raises(self):
        for obj in [[1], {1: 2}, object(), stateless, {1}]:
            with self.subTest(obj=obj):
                with self.assertRaises(NotShareableError):
                    get_data(obj, 'xidata')

    def test_tuple_with_unshareable_item(self):
        with self.assertRaises(NotShareableError):
            get_data((1, [2]), 'xidata')

    def test_int_overflow(self):
        # As in 3.14: NotShareableError, the OverflowError as its cause.
        with self.assertRaises(NotShareableError) as cm:
            get_data(2**100, 'xidata')
        self.assertIsInstance(cm.exception.__cause__, OverflowError)

    def test_is_shareable(self):
        self.assertTrue(_interpreters.is_shareable((1, 'a')))
        self.assertFalse(_interpreters.is_shareable([]))
        self.assertFalse(_interpreters.is_shareable(stateless))


class FallbackModeTests(unittest.TestCase):

    def test_registered_types_unchanged(self):
        for obj in [None, 1, 1.5, 'spam', b'spam', (1, (2,))]:
            with self.subTest(obj=obj):
                self.assertEqual(roundtrip(obj, 'fallback'), obj)

    def test_picklable_objects(self):
        for obj in [[1, 2], {'a': [1]}, {1, 2}, Picklable(3), 2**100]:
            with self.subTest(obj=obj):
                self.assertEqual(roundtrip(obj, 'fallback'), obj)

    def test_tuple_items_use_fallback(self):
        obj = (1, [2, 3], {'x': (4,)})
        self.assertEqual(roundtrip(obj, 'fallback'), obj)

    def test_stateless_function_rebuilt_in_main(self):
        import __main__
        func = roundtrip(stateless, 'fallback')
        self.assertIsNot(func, stateless)
        self.assertEqual(func(), 4)
        self.assertIs(func.__globals__, vars(__main__))

    def test_function_with_globals_is_pickled(self):
        # Pickled by reference, so the same function comes back.
        self.assertIs(roundtrip(uses_global, 'fallback'), uses_global)

    def test_unpicklable_raises_with_cause(self):
        with self.assertRaises(NotShareableError) as cm:
            get_data([threading.Lock()], 'fallback')
        self.assertIn('list', str(cm.exception))
        self.assertIsNotNone(cm.exception.__cause__)

    def test_not_shareable_error_is_type_error(self):
        with self.assertRaises(TypeError):
            get_data(threading.Lock(), 'fallback')

    # Builtin functions of modules cross by name, as pickle sends them,
    # without pickle (fork patch crossinterp-module-functions).

    def test_module_builtin_function_by_name(self):
        import math
        import os
        for func in (abs, len, math.sqrt, os.getpid):
            with self.subTest(func=func):
                self.assertIs(roundtrip(func, 'fallback'), func)

    def test_module_builtin_function_in_another_interpreter(self):
        import math
        interp = _interpreters.create()
        self.addCleanup(_interpreters.destroy, interp)
        for func, args, expected in ((abs, (-3,), 3), (math.sqrt, (4,), 2.0),
                                     (divmod, (7, 2), (3, 1))):
            with self.subTest(func=func):
                self.assertEqual(_interpreters.call(interp, func, args, {}),
                                 (expected, None))

    def test_module_builtin_function_replaced_in_module(self):
        # As with pickle, the module must hold this very function.
        import math
        sqrt = math.sqrt
        try:
            math.sqrt = lambda x: x
            with self.assertRaises(NotShareableError) as cm:
                get_data(sqrt, 'fallback')
        finally:
            math.sqrt = sqrt
        self.assertIn('not the same object', str(cm.exception.__cause__))

    def test_module_builtin_function_not_importable_in_target(self):
        # The target cannot import the module: the function does not
        # cross, with the error a pickled function gives.
        _testcapi = import_helper.import_module('_testcapi')
        interp = _interpreters.create()
        self.addCleanup(_interpreters.destroy, interp)
        with self.assertRaises(NotShareableError) as cm:
            _interpreters.call(interp, _testcapi.get_feature_macros, (), {})
        self.assertEqual(str(cm.exception), 'func not shareable')
        self.assertIn('object could not be unpickled',
                      str(cm.exception.__cause__))

    def test_call_with_empty_kwargs(self):
        # An empty kwargs dict is not sent at all (as in 3.14); the call
        # gets no keyword arguments.
        interp = _interpreters.create()
        self.addCleanup(_interpreters.destroy, interp)
        self.assertEqual(_interpreters.call(interp, dict, (), {}), ({}, None))
        self.assertEqual(_interpreters.call(interp, dict, (), {'a': 1}),
                         ({'a': 1}, None))


class SingleTransportTests(unittest.TestCase):

    def test_pickle(self):
        self.assertEqual(roundtrip(Picklable([1]), 'pickle'), Picklable([1]))

    def test_pickle_of_registered_type(self):
        self.assertEqual(roundtrip(1, 'pickle'), 1)

    def test_pickle_failure(self):
        with self.assertRaises(NotShareableError) as cm:
            get_data(threading.Lock(), 'pickle')
        self.assertIsNotNone(cm.exception.__cause__)

    def test_marshal(self):
        obj = {'a': [1, 2.5, (None, b'x')], 'b': frozenset({1})}
        self.assertEqual(roundtrip(obj, 'marshal'), obj)

    def test_marshal_failure(self):
        with self.assertRaises(NotShareableError) as cm:
            get_data(object(), 'marshal')
        self.assertIsInstance(cm.exception.__cause__, ValueError)

    def test_code(self):
        code = stateless.__code__
        self.assertEqual(roundtrip(code, 'code'), code)

    def test_code_wrong_type(self):
        with self.assertRaises(TypeError):
            get_data(stateless, 'code')

    def test_func(self):
        self.assertEqual(roundtrip(stateless, 'func')(), 4)

    def test_func_with_globals(self):
        with self.assertRaises(NotShareableError):
            get_data(uses_global, 'func')

    def test_func_with_defaults(self):
        with self.assertRaises(NotShareableError):
            get_data(with_defaults, 'func')

    def test_func_with_closure(self):
        x = 1
        def inner():
            return x
        with self.assertRaises(NotShareableError):
            get_data(inner, 'func')

    def test_func_wrong_type(self):
        with self.assertRaises(TypeError):
            get_data(stateless.__code__, 'func')

    def test_unknown_mode(self):
        with self.assertRaises(ValueError):
            get_data(1, 'spam')


class ScriptTests(unittest.TestCase):

    def check_code(self, script, mode='script'):
        code = roundtrip(script, mode)
        self.assertIsInstance(code, types.CodeType)
        return code

    # As 3.14's hook: NotShareableError("object not a valid script"), the
    # reason as its cause (exec() raises the reason itself).
    def assert_not_script(self, obj, cause, mode='script'):
        with self.assertRaises(NotShareableError) as cm:
            get_data(obj, mode)
        self.assertIsInstance(cm.exception.__cause__, cause)
        return cm.exception.__cause__

    def test_str(self):
        code = self.check_code('x = 1 + 1')
        self.assertEqual(code.co_filename, '<script>')
        ns = {}
        exec(code, ns)
        self.assertEqual(ns['x'], 2)

    def test_bytes(self):
        self.check_code(b'x = 1')

    def test_buffer(self):
        self.check_code(bytearray(b'x = 1'))

    def test_syntax_error_in_caller(self):
        cause = self.assert_not_script('1 +', SyntaxError)
        self.assertEqual(cause.filename, '<script>')

    # A str script is compiled once and kept (fork patch
    # crossinterp-script-cache); running it behaves as before.

    def test_same_source_runs_every_time(self):
        interp = _interpreters.create()
        self.addCleanup(_interpreters.destroy, interp)
        _interpreters.exec(interp, 'count = 0')
        for _ in range(5):
            self.assertIsNone(_interpreters.exec(interp, 'count += 1'))
        self.assertEqual(_interpreters.call(interp, eval, ('count',), {}),
                         (5, None))

    def test_same_source_gives_equal_code(self):
        first = self.check_code('y = [1, 2]')
        second = self.check_code('y = [1, 2]')
        self.assertEqual(first.co_code, second.co_code)
        self.assertEqual(first.co_consts, second.co_consts)

    def test_syntax_error_every_time(self):
        for _ in range(3):
            self.assert_not_script('1 +', SyntaxError)

    def test_many_sources(self):
        # More sources than the cache keeps: each still runs as written.
        interp = _interpreters.create()
        self.addCleanup(_interpreters.destroy, interp)
        for i in range(200):
            _interpreters.exec(interp, f'value = {i}')
            self.assertEqual(
                _interpreters.call(interp, eval, ('value',), {}), (i, None))

    def test_long_source(self):
        source = 'total = 0\n' + 'total += 1\n' * 2000
        interp = _interpreters.create()
        self.addCleanup(_interpreters.destroy, interp)
        for _ in range(2):
            _interpreters.exec(interp, source)
        self.assertEqual(_interpreters.call(interp, eval, ('total',), {}),
                         (2000, None))

    def test_null_byte(self):
        # As compile(): 3.14 raises SyntaxError here too.
        self.assert_not_script('x = 1\0', SyntaxError)

    def test_code_object(self):
        code = compile('y = 2', '<x>', 'exec')
        self.assertEqual(self.check_code(code), code)

    def test_function(self):
        self.assertEqual(self.check_code(script_func), script_func.__code__)

    def test_function_returns_value(self):
        for obj in (stateless, stateless.__code__, lambda: 1,
                    compile('1', '<x>', 'eval')):
            with self.subTest(obj=obj):
                cause = self.assert_not_script(obj, ValueError)
                self.assertEqual(str(cause),
                                 'code that returns a value is not a script')

    def test_function_with_args(self):
        self.assert_not_script(with_defaults, ValueError)

    def test_varargs(self):
        def f(*args):
            pass
        self.assert_not_script(f, ValueError)

    def test_closure(self):
        x = 1
        def f():
            print(x)
        self.assert_not_script(f, ValueError)

    def test_generator(self):
        def f():
            yield 1
        self.assert_not_script(f, ValueError)

    def test_coroutine(self):
        async def f():
            pass
        self.assert_not_script(f, ValueError)

    def test_unsupported_type(self):
        for obj in [1, None, [], object()]:
            with self.subTest(obj=obj):
                self.assert_not_script(obj, TypeError)

    def test_pure_builtins_only(self):
        self.check_code('print(len("spam"))', 'script-pure')

    def test_pure_function(self):
        self.check_code(script_func, 'script-pure')

    def test_pure_source_not_checked(self):
        # As in 3.14: only code objects and functions are checked.
        for source in ('x = 1', 'print(x)', b'import os'):
            with self.subTest(source=source):
                self.check_code(source, 'script-pure')

    def test_pure_rejects_function_globals(self):
        # Globals are checked before the result, as in 3.14.
        for func in (uses_global, script_uses_global):
            with self.subTest(func=func):
                cause = self.assert_not_script(func, ValueError,
                                               'script-pure')
                self.assertEqual(str(cause), 'globals not supported')

    def test_pure_rejects_defaults(self):
        cause = self.assert_not_script(with_defaults, ValueError,
                                       'script-pure')
        self.assertEqual(str(cause), 'defaults not supported')

    def test_not_pure_allows_globals(self):
        self.check_code(script_uses_global, 'script')


class CodeVarCountsTests(unittest.TestCase):

    def test_keys(self):
        counts = _testinternalcapi.get_code_var_counts(stateless)
        self.assertEqual(set(counts), {'locals', 'args', 'numbered', 'cells',
                                       'free', 'globals', 'builtins',
                                       'unbound', 'attrs'})

    def test_counts(self):
        def f(a, b=1, *args, c, **kw):
            x = 1
            def g():
                return x
            return len(a) + os.sep + a.spam.eggs  # noqa: F821
        counts = _testinternalcapi.get_code_var_counts(f)
        self.assertEqual(counts['args'], 5)
        self.assertEqual(counts['cells'], 1)
        self.assertEqual(counts['free'], 0)
        self.assertEqual(counts['locals'], 7)
        self.assertEqual(counts['globals'], 2)
        self.assertEqual(counts['builtins'], 1)
        self.assertEqual(counts['unbound'], 1)
        self.assertEqual(counts['attrs'], 3)

    def test_free_vars(self):
        x = 1
        def g():
            return x
        counts = _testinternalcapi.get_code_var_counts(g.__code__)
        self.assertEqual(counts['free'], 1)

    def test_wrong_type(self):
        with self.assertRaises(TypeError):
            _testinternalcapi.get_code_var_counts(1)


class ExceptionSnapshotTests(unittest.TestCase):

    def run_failing(self, script):
        interpid = _interpreters.create()
        self.addCleanup(_interpreters.destroy, interpid)
        excinfo = _interpreters.exec(interpid, script)
        self.assertIsNotNone(excinfo)
        return excinfo

    def test_formatted_builtin_type(self):
        excinfo = self.run_failing('raise ValueError("spam")')
        self.assertEqual(excinfo.formatted, 'ValueError: spam')

    def test_formatted_main_type(self):
        excinfo = self.run_failing(
            'class MyError(Exception): pass\nraise MyError("spam")')
        self.assertEqual(excinfo.formatted, 'MyError: spam')

    def test_formatted_module_type(self):
        excinfo = self.run_failing(
            'import json\nraise json.JSONDecodeError("spam", "x", 0)')
        self.assertTrue(excinfo.formatted.startswith(
            'json.decoder.JSONDecodeError: spam'))

    def test_errdisplay_includes_chain(self):
        excinfo = self.run_failing(textwrap.dedent("""
            try:
                1/0
            except ZeroDivisionError as exc:
                raise KeyError('spam') from exc
            """))
        self.assertIn('ZeroDivisionError: division by zero',
                      excinfo.errdisplay)
        self.assertIn('direct cause', excinfo.errdisplay)
        self.assertTrue(excinfo.errdisplay.endswith("KeyError: 'spam'"))

    def test_errdisplay_no_final_newline(self):
        excinfo = self.run_failing('raise ValueError("spam")')
        self.assertFalse(excinfo.errdisplay.endswith('\n'))


class CreateWithoutMemoryTests(unittest.TestCase):

    def check_no_memory(self, start):
        script = textwrap.dedent(f"""
            import _testcapi, _interpreters
            _testcapi.set_nomemory({start}, 0)
            try:
                _interpreters.create()
            except (MemoryError, _interpreters.InterpreterError):
                _testcapi.remove_mem_hooks()
                print('failed cleanly')
            else:
                _testcapi.remove_mem_hooks()
                print('created')
            """)
        # A timeout, so that a hang fails the test.
        proc = subprocess.run([sys.executable, '-c', script],
                              capture_output=True,
                              timeout=support.SHORT_TIMEOUT)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn(proc.stdout.strip(), (b'failed cleanly', b'created'))
        return proc.stdout.strip()

    def test_first_allocation_fails(self):
        import_helper.import_module('_testcapi')
        self.assertEqual(self.check_no_memory(0), b'failed cleanly')

    def test_early_allocations_fail(self):
        import_helper.import_module('_testcapi')
        for start in (1, 10):
            with self.subTest(start=start):
                self.assertEqual(self.check_no_memory(start),
                                 b'failed cleanly')

    # Known defect: when an allocation fails after the new interpreter has
    # initialized its static types, the error path does not finalize them,
    # and a debug build's runtime finalization then fails an assertion in
    # managed_static_type_state_clear().  Release builds fail cleanly.
    @unittest.skipIf(support.Py_DEBUG,
                     'half-initialized interpreter types are not finalized')
    def test_later_allocations_fail(self):
        import_helper.import_module('_testcapi')
        for start in (100, 1000):
            with self.subTest(start=start):
                self.assertEqual(self.check_no_memory(start),
                                 b'failed cleanly')

    # These fail while the new interpreter imports importlib's external
    # importers, inside a finally block that used to loop forever in the
    # eval loop when it could not allocate the frame's position.
    @unittest.skipIf(support.Py_DEBUG,
                     'half-initialized interpreter types are not finalized')
    def test_allocations_fail_in_importlib(self):
        import_helper.import_module('_testcapi')
        for start in (8000, 12000, 16000, 20000):
            with self.subTest(start=start):
                self.assertEqual(self.check_no_memory(start),
                                 b'failed cleanly')


if __name__ == '__main__':
    unittest.main()
