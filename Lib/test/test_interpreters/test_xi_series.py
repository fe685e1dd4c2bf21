"""Refactorings of the series (issue 18) that keep behaviour, and the
bug fixes found while making them.

- The unpickling helper of the pickle fallback is a module of its own,
  concurrent.interpreters._unpickle, not code run under __main__.
- Builtins called by call() with no frame see the target's __main__,
  but the public C API (PyEval_GetGlobals() & co.) keeps upstream's
  results.
- A function made from module-level code, whose STORE_NAME binds a
  global, owns that global in the target like a "global" statement.
- One bytecode walker, in C, serves the stateless-function check, the
  "returns a value" check of exec() and the globals of a function sent
  by value (_interpreters._code_names()).
"""

import functools
import operator
import sys
import textwrap
import types
import unittest
from test import support
from test.support import import_helper, threading_helper
from test.support.os_helper import temp_dir
from test.support.script_helper import assert_python_ok, make_script

_interpreters = import_helper.import_module('_interpreters')
from concurrent import interpreters


HELPER = 'concurrent.interpreters._unpickle'


class Celsius:
    # Instances are neither shareable nor functions: they are pickled.
    def __init__(self, degrees):
        self.degrees = degrees


def helper_state(obj):
    import sys
    import __main__
    helper = sys.modules.get('concurrent.interpreters._unpickle')
    return (type(obj).__name__, HELPER in sys.modules,
            sorted(name for name in vars(__main__)
                   if not name.startswith('__')),
            helper is not None and helper.__name__)


# A script whose __main__ defines the class of what it sends: the
# target has no such class in its __main__ and runs the script as
# __xi_main__ to find it.
MAIN_SCRIPT = textwrap.dedent('''\
    import sys
    from concurrent import interpreters

    class Point:
        def __init__(self, x, y):
            self.x, self.y = x, y

    def describe(p):
        import sys
        import __main__
        helper = sys.modules['concurrent.interpreters._unpickle']
        return (type(p).__module__, type(p).__qualname__, p.x + p.y,
                sys.modules['__xi_main__'].__name__,
                hasattr(__main__, 'Point'),
                helper.__name__, helper.loads.__module__,
                helper._Unpickler.__module__)

    def same(p):
        return p

    def main_names():
        import __main__
        return sorted(vars(__main__))

    if __name__ == '__main__':
        interp = interpreters.create()
        before = interp.call(main_names)
        print(interp.call(describe, Point(1, 2)))
        back = interp.call(same, Point(3, 4))
        print(type(back) is Point, back.x, back.y)
        print(interp.call(main_names) == before)
        interp.close()
    ''')


# __main__.__file__ crosses to the target as a C string (the script it
# runs as __xi_main__ to find Point): a null character in it must not
# cut it short into the name of the script itself.
NUL_FILE_SCRIPT = textwrap.dedent('''\
    from concurrent import interpreters

    class Point:
        pass

    def name(p):
        return type(p).__name__

    if __name__ == '__main__':
        interp = interpreters.create()
        print(interp.call(name, Point()))
        __file__ += '\\0.ignored'
        try:
            print(interp.call(name, Point()))
        except interpreters.NotShareableError as exc:
            cause = exc.__cause__
            print(type(cause).__name__, str(cause).split(':')[0])
        interp.close()
    ''')


class UnpickleHelperTests(unittest.TestCase):

    def test_class_of_script_main(self):
        with temp_dir() as dirname:
            script = make_script(dirname, 'xi_main_script', MAIN_SCRIPT)
            rc, out, err = assert_python_ok(script)
        helper = HELPER
        self.assertEqual(out.decode().splitlines(), [
            repr(('__xi_main__', 'Point', 3, '__xi_main__', False,
                  helper, helper, helper)),
            'True 3 4',
            'True',
        ])

    def test_main_file_with_null_character(self):
        with temp_dir() as dirname:
            script = make_script(dirname, 'xi_nul_file', NUL_FILE_SCRIPT)
            rc, out, err = assert_python_ok(script)
        self.assertEqual(out.decode().splitlines(), [
            'Point',
            'ValueError __main__.__file__ has an embedded null character',
        ])

    @unittest.skipIf(__name__ == '__main__',
                     'run as a script, Celsius is a class of __main__')
    def test_plain_pickle_needs_no_helper(self):
        # A pickle that names no __main__ is unpickled by pickle.loads()
        # alone: the helper module is not imported, __main__ untouched.
        interp = interpreters.create()
        self.addCleanup(interp.close)
        before = interp.call(helper_state, 0)[2]
        self.assertEqual(interp.call(helper_state, Celsius(20)),
                         ('Celsius', False, before, False))


def _spoil_main(how):
    # Run in a target by call(): leaves it with no usable __main__.
    import sys
    if how == 'missing':
        del sys.modules['__main__']
    else:
        sys.modules['__main__'] = 'not a module'


class FramelessBuiltinsTests(unittest.TestCase):

    def test_builtins_see_target_main(self):
        interp = interpreters.create()
        self.addCleanup(interp.close)
        interp.prepare_main(spam=3)
        self.assertEqual(interp.call(eval, 'spam * 2'), 6)
        self.assertIsNone(interp.call(exec, 'eggs = spam + 1'))
        self.assertEqual(interp.call(eval, 'eggs'), 4)
        self.assertIn('eggs', interp.call(dir))
        for func in (globals, locals, vars):
            with self.subTest(func=func.__name__):
                self.assertEqual(interp.call(func)['eggs'], 4)

    @unittest.skipIf(support.Py_DEBUG,
                     'a debug build aborts on a NULL result without error')
    def test_c_api_keeps_upstream_results(self):
        # A C function calling PyEval_GetGlobals() & co. with no frame
        # gets what upstream 3.13 gives (NULL, with SystemError or no
        # exception), not the namespace of __main__ that the builtins use.
        _testlimitedcapi = import_helper.import_module('_testlimitedcapi')
        iid = _interpreters.create('legacy')
        self.addCleanup(_interpreters.destroy, iid)
        _interpreters.set___main___attrs(iid, {'spam': 1})
        cases = [
            # PyEval_GetGlobals(), PyEval_GetFrameGlobals(): NULL, no error
            ('eval_getglobals', 'returned NULL without setting'),
            ('eval_getframe_globals', 'returned NULL without setting'),
            # PyEval_GetLocals(), PyEval_GetFrameLocals(): SystemError
            ('eval_getlocals', 'frame does not exist'),
            ('eval_getframe_locals', 'frame does not exist'),
        ]
        for name, msg in cases:
            with self.subTest(name):
                func = getattr(_testlimitedcapi, name)
                result, excinfo = _interpreters.call(iid, func, ())
                self.assertIsNone(result)
                self.assertEqual(excinfo.type.__name__, 'SystemError')
                self.assertIn(msg, excinfo.msg)

    def test_no_usable_main_raises(self):
        # call() checks __main__ before the call, so spoil it within the
        # call, in a chain of C calls (list, map, operator.call): the
        # builtin still runs with no frame.  It raises ImportError
        # (ModuleNotFoundError when __main__ is missing), not SystemError
        # "frame does not exist" (nor, for globals(), a NULL result
        # without an exception).
        funcs = [globals, locals, vars, dir,
                 functools.partial(eval, '1'),
                 functools.partial(exec, 'pass')]
        cases = [
            ('missing', 'ModuleNotFoundError',
             "no module '__main__' in sys.modules"),
            ('replaced', 'ImportError',
             "sys.modules['__main__'] is not a module: str"),
        ]
        for how, exctype, msg in cases:
            for func in funcs:
                name = getattr(func, '__name__', None) or func.func.__name__
                with self.subTest(how=how, func=name):
                    interp = interpreters.create()
                    self.addCleanup(interp.close)
                    calls = map(operator.call,
                                [functools.partial(_spoil_main, how), func])
                    with self.assertRaises(
                            interpreters.ExecutionFailed) as cm:
                        interp.call(list, calls)
                    excinfo = cm.exception.excinfo
                    self.assertEqual(excinfo.type.__name__, exctype)
                    self.assertEqual(excinfo.msg, msg)

    @threading_helper.requires_working_threading()
    def test_frameless_thread_not_running_main(self):
        # A thread with no frame that does not run __main__ keeps
        # upstream's errors, and globals() raises the same SystemError as
        # locals() instead of returning NULL without an exception (which
        # the thread's start routine dropped silently).
        _thread = import_helper.import_module('_thread')
        for func in (globals, locals, vars, dir):
            with self.subTest(func=func.__name__):
                with support.catch_unraisable_exception() as cm:
                    _thread.start_joinable_thread(func).join()
                    self.assertIsNotNone(cm.unraisable)
                    exc = cm.unraisable.exc_value
                    self.assertIs(type(exc), SystemError)
                    self.assertEqual(str(exc), 'frame does not exist')


# Read and written by the functions of GlobalStoreTests in targets.
seen = 'caller'


def _by_value_functions():
    # Nested, so that they cross by value (with this module's globals),
    # not by reference to this module.
    def get_seen():
        return seen

    def class_body_store():
        class C:
            seen = 'class attribute'   # STORE_NAME: the class's
        return C.seen

    return get_seen, class_body_store


get_seen, class_body_store = _by_value_functions()


class GlobalStoreTests(unittest.TestCase):

    def setUp(self):
        self.interp = interpreters.create()
        self.addCleanup(self.interp.close)

    def test_store_name_of_module_code_stays(self):
        # types.FunctionType over module-level code: not optimized, it
        # runs with its globals as locals and STORE_NAME binds a global,
        # which then belongs to the target as with a "global" statement.
        code = compile("seen = 'set in target'", __file__, 'exec')
        setter = types.FunctionType(code, globals())
        self.assertIsNone(self.interp.call(setter))
        self.assertEqual(self.interp.call(get_seen), 'set in target')
        self.assertEqual(seen, 'caller')

    def test_class_body_store_is_not_a_global(self):
        global seen
        self.assertEqual(self.interp.call(class_body_store),
                         'class attribute')
        self.assertEqual(self.interp.call(get_seen), 'caller')
        seen = 'changed'
        try:
            # Not owned by the target: it follows the caller.
            self.assertEqual(self.interp.call(get_seen), 'changed')
        finally:
            seen = 'caller'


class CodeNamesTests(unittest.TestCase):

    def test_names_and_stored(self):
        def func():
            global bound, unbound
            bound = read + len([])
            del unbound

            class C:
                in_class = other_read      # STORE_NAME: the class's
            return C.attr
        names, stored = _interpreters._code_names(func.__code__)
        self.assertIsInstance(names, frozenset)
        self.assertEqual(stored, {'bound', 'unbound'})
        # The class body reads __name__ (for __module__).
        self.assertEqual(names, {'bound', 'unbound', 'read', 'len',
                                 'other_read', '__name__'})

    def test_module_code(self):
        code = compile('x = y\ndel z\nclass C:\n    w = 1\n', '<m>', 'exec')
        names, stored = _interpreters._code_names(code)
        self.assertEqual(stored, {'x', 'z', 'C'})
        self.assertEqual(names, {'x', 'y', 'z', 'C', '__name__'})

    def test_signature(self):
        # Argument Clinic parses the argument and gives the signature.
        import inspect
        self.assertEqual(str(inspect.signature(_interpreters._code_names)),
                         '(code, /)')

    def test_not_code(self):
        for obj in (None, len, lambda: 1, 'x = 1'):
            with self.subTest(obj=obj):
                with self.assertRaisesRegex(
                        TypeError,
                        r'^_code_names\(\) argument must be code, not '):
                    _interpreters._code_names(obj)

    def test_exec_refuses_code_that_returns(self):
        # The "returns a value" check of exec() walks the same way.
        interp = interpreters.create()
        self.addCleanup(interp.close)
        def returns():
            return 1
        def returns_none():
            def inner():
                return 2      # nested code: not the script's result
            return None
        with self.assertRaisesRegex(ValueError, 'returns a value'):
            interp.exec(returns)
        self.assertIsNone(interp.exec(returns_none))


if __name__ == '__main__':
    unittest.main()
