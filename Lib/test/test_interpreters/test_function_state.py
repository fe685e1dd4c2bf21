"""A function that crosses by value keeps its state (fork extension B2).

Its attributes, annotations, names and __doc__ go with it, and the
globals that the functions of a module write in an interpreter stay
there for the next call, as in CPython 3.14.
"""

import itertools
import pickle
import sys
import threading
import types
import unittest
from test import support
from test.support import import_helper
from test.support.script_helper import assert_python_ok, make_script
from test.support.os_helper import temp_dir

_interpreters = import_helper.import_module('_interpreters')
from concurrent import interpreters
from concurrent.futures import InterpreterPoolExecutor
from concurrent.interpreters import _functions


def plain():
    # Stateless: it crosses as its marshalled code.
    return 1


class Name(str):
    pass


def describe(func):
    return (func.__name__, func.__qualname__, func.__module__, func.__doc__)


class TestBase(unittest.TestCase):

    def setUp(self):
        self.interp = interpreters.create()
        self.addCleanup(self.interp.close)


class FunctionStateTests(TestBase):
    """Item 13.8: what is set on a function goes with it."""

    def test_attribute_of_stateless_function(self):
        f = lambda: 1
        f.tag = 'spam'
        self.assertEqual(self.interp.call(getattr, f, 'tag', 'LOST'), 'spam')
        self.assertEqual(self.interp.call(lambda g: g(), f), 1)

    def test_attributes_in_dict(self):
        def f():
            return 2
        f.tag = 'spam'
        f.numbers = [1, 2]
        self.assertEqual(self.interp.call(vars, f),
                         {'tag': 'spam', 'numbers': [1, 2]})

    def test_annotations_of_stateless_function(self):
        def f(x: int, *, y: 'list[str]' = None) -> dict[str, int]:
            return x
        self.assertEqual(self.interp.call(getattr, f, '__annotations__'),
                         {'x': int, 'y': 'list[str]',
                          'return': dict[str, int]})

    def test_annotations_set_later(self):
        f = lambda: None
        f.__annotations__['return'] = float
        self.assertEqual(self.interp.call(getattr, f, '__annotations__'),
                         {'return': float})

    def test_annotation_that_cannot_cross_is_a_string(self):
        class Local:
            pass

        def f(a: Local, b: int) -> None:
            pass
        ann = self.interp.call(getattr, f, '__annotations__')
        self.assertEqual(ann, {'a': f'{__name__}.{Local.__qualname__}',
                               'b': int,
                               'return': None})
        # The function itself still crosses and works.
        self.assertIsNone(self.interp.call(f, None, 1))

    def test_annotation_holding_the_function(self):
        def f() -> 'int':
            return 3
        f.__annotations__['me'] = f
        self.assertEqual(
            self.interp.call(lambda g: (g(), sorted(g.__annotations__)), f),
            (3, ['me', 'return']))

    def test_renamed_stateless_function(self):
        f = lambda: 1
        f.__name__ = 'name'
        f.__qualname__ = 'Some.name'
        f.__doc__ = 'A docstring set later.'
        self.assertEqual(self.interp.call(describe, f),
                         ('name', 'Some.name', __name__,
                          'A docstring set later.'))

    def test_docstring_removed(self):
        def f():
            """Documented."""
        f.__doc__ = None
        self.assertIsNone(self.interp.call(getattr, f, '__doc__', 'LOST'))

    def test_docstring_kept(self):
        def f():
            """Documented."""
        self.assertEqual(self.interp.call(getattr, f, '__doc__'),
                         'Documented.')

    def test_doc_that_is_not_a_string(self):
        f = lambda: 1
        f.__doc__ = 42
        self.assertEqual(self.interp.call(getattr, f, '__doc__'), 42)

    def test_module_of_stateless_function(self):
        # plain() crosses as its code, with its module's name.
        self.assertEqual(self.interp.call(getattr, plain, '__module__'),
                         __name__)
        self.assertEqual(self.interp.call(plain), 1)

    def test_module_set_to_none(self):
        f = lambda: 1
        f.__module__ = None
        self.assertIsNone(self.interp.call(getattr, f, '__module__', 'LOST'))

    def test_str_subclass_names(self):
        # Marshal cannot carry them: the function is pickled.
        f = lambda: 1
        f.__qualname__ = Name('sub')
        qualname = self.interp.call(getattr, f, '__qualname__')
        self.assertEqual(qualname, 'sub')
        self.assertIs(type(qualname), Name)

    def test_kwdefaults(self):
        def f(*, a=5):
            return a
        self.assertEqual(
            self.interp.call(lambda g: (g.__kwdefaults__, g()), f),
            ({'a': 5}, 5))

    def test_attribute_that_cannot_cross(self):
        f = lambda: 1
        f.lock = threading.Lock()
        with self.assertRaisesRegex(
                interpreters.NotShareableError,
                r"^attribute 'lock' of .*<lambda> holds a _thread\.lock,"):
            self.interp.call(f)

    def test_plain_function_still_rebuilt_over_target_main(self):
        # No state: the fast path, over the target's __main__ globals.
        self.interp.prepare_main(spam='eggs')
        self.assertEqual(self.interp.call(lambda: globals()['spam']), 'eggs')


_module_numbers = itertools.count()

MODULE_SOURCE = '''\
counter = 0
value = None
FACTOR = 2

def bump():
    global counter
    counter += 1
    return counter

def scaled():
    return counter * FACTOR

def set_value(v):
    global value
    value = v

def get_value():
    return value

def forget():
    global counter
    del counter
'''


class ModuleGlobalsTests(TestBase):
    """Item 12.2: the globals the functions of a module write persist."""

    def setUp(self):
        super().setUp()
        # A module that the target cannot import: its functions cross
        # by value.
        # A new name for each test, also when -R runs the tests again: the
        # globals made for the module's functions are kept by name.
        name = f'test_function_state_mod_{next(_module_numbers)}'
        self.mod = types.ModuleType(name)
        sys.modules[name] = self.mod
        self.addCleanup(sys.modules.pop, name)
        self.addCleanup(self.forget_namespace, name)
        exec(MODULE_SOURCE, vars(self.mod))
        self.assertFalse(_functions.by_reference(self.mod.bump))

    @staticmethod
    def forget_namespace(name):
        # This interpreter stays: drop the globals made here for the
        # module's functions, as closing a source interpreter would.
        key = (interpreters.get_current().id, name)
        ns = _functions._module_namespaces.pop(key, None)
        if ns is not None:
            _functions._owned_names.pop(id(ns), None)

    def test_written_global_persists(self):
        self.assertEqual(self.interp.call(self.mod.bump), 1)
        self.assertEqual(self.interp.call(self.mod.bump), 2)
        self.assertEqual(self.interp.call(self.mod.bump), 3)
        # The caller's module is not touched.
        self.assertEqual(self.mod.counter, 0)

    def test_written_global_not_overwritten_by_caller(self):
        self.assertEqual(self.interp.call(self.mod.bump), 1)
        self.mod.counter = 100
        # As in 3.14: the target keeps its own value.
        self.assertEqual(self.interp.call(self.mod.bump), 2)

    def test_other_functions_of_the_module_see_it(self):
        self.interp.call(self.mod.bump)
        self.interp.call(self.mod.bump)
        self.assertEqual(self.interp.call(self.mod.scaled), 4)
        self.assertEqual(self.interp.call(self.mod.get_value), None)
        self.interp.call(self.mod.set_value, 'spam')
        self.assertEqual(self.interp.call(self.mod.get_value), 'spam')
        self.assertIsNone(self.mod.value)

    def test_read_only_globals_follow_the_caller(self):
        self.interp.call(self.mod.bump)
        self.assertEqual(self.interp.call(self.mod.scaled), 2)
        self.mod.FACTOR = 10
        self.assertEqual(self.interp.call(self.mod.scaled), 10)

    def test_deleted_global_comes_back_from_the_caller(self):
        self.assertEqual(self.interp.call(self.mod.bump), 1)
        self.interp.call(self.mod.forget)
        self.mod.counter = 40
        self.assertEqual(self.interp.call(self.mod.bump), 41)

    def test_not_in_target_main(self):
        self.interp.call(self.mod.bump)
        self.interp.call(self.mod.set_value, 1)
        self.assertEqual(
            self.interp.call(eval, "'counter' in globals() or"
                                   " 'value' in globals()"),
            False)

    def test_per_target_interpreter(self):
        self.interp.call(self.mod.bump)
        self.interp.call(self.mod.bump)
        other = interpreters.create()
        self.addCleanup(other.close)
        self.assertEqual(other.call(self.mod.bump), 1)
        self.assertEqual(self.interp.call(self.mod.bump), 3)

    def test_per_module(self):
        # Another module with the same source has its own namespace.
        other = types.ModuleType(self.mod.__name__ + '_other')
        sys.modules[other.__name__] = other
        self.addCleanup(sys.modules.pop, other.__name__)
        exec(MODULE_SOURCE, vars(other))
        self.interp.call(self.mod.bump)
        self.assertEqual(self.interp.call(other.bump), 1)
        self.assertEqual(self.interp.call(self.mod.bump), 2)

    def test_namespace_is_private(self):
        copy = self.interp.call(lambda f: f.__globals__.get('counter'),
                                self.mod.bump)
        self.assertEqual(copy, 0)
        self.assertEqual(
            self.interp.call(lambda f: f.__globals__['__name__'],
                             self.mod.bump),
            self.mod.__name__)

    def test_exec_dict_is_fresh_per_transfer(self):
        # Globals that are not a module's dict: a copy per transfer.
        ns = {'__name__': 'not_a_module'}
        exec(MODULE_SOURCE, ns)
        self.assertEqual(self.interp.call(ns['bump']), 1)
        self.assertEqual(self.interp.call(ns['bump']), 1)

    def test_namespaces_of_closed_sources_go(self):
        source = interpreters.create()
        source.exec('x = 5\ndef made():\n    return x')
        made = source.call(eval, 'made')
        self.assertEqual(made(), 5)
        key = (source.id, '__main__')
        self.assertIn(key, _functions._module_namespaces)
        source.close()
        # The next namespace made here (for a function of self.mod sent
        # from this interpreter to itself) drops it.
        copy = pickle.loads(_functions.dumps(self.mod.bump))
        self.assertEqual(copy(), 1)
        self.assertNotIn(key, _functions._module_namespaces)
        # The function keeps its globals.
        self.assertEqual(made(), 5)

    def test_pool_initializer_sets_global(self):
        with InterpreterPoolExecutor(
                1, initializer=self.mod.set_value, initargs=('init',)) as ex:
            self.assertEqual(ex.submit(self.mod.get_value).result(), 'init')
            self.assertEqual(list(ex.map(lambda _, f=self.mod.get_value: f(),
                                         range(3))),
                             ['init'] * 3)
        self.assertIsNone(self.mod.value)


MAIN_SCRIPT = '''\
from concurrent import interpreters
from concurrent.futures import InterpreterPoolExecutor

counter = 0
state = None

def inc():
    global counter
    counter += 1
    return counter

def show():
    return counter

def init(value):
    global state
    state = value

def task(x):
    return (state, x)

interp = interpreters.create()
print(interp.call(inc), interp.call(inc))
counter = 10
print(interp.call(inc), counter, interp.call(show))
print(interp.call(eval, "'counter' in globals()"))
with InterpreterPoolExecutor(1, initializer=init, initargs=('set',)) as ex:
    print(list(ex.map(task, range(2))), ex.submit(task, 9).result())
print(state)
interp.close()
'''

# What CPython 3.14 prints for the same script under an
# "if __name__ == '__main__':" guard (without it 3.14 cannot send
# functions of __main__).
MAIN_EXPECTED = '''\
1 2
3 10 3
False
[('set', 0), ('set', 1)] ('set', 9)
None
'''


class MainModuleTests(unittest.TestCase):

    def check(self, *args):
        rc, out, err = assert_python_ok(*args)
        self.assertEqual(out.decode().replace('\r\n', '\n'), MAIN_EXPECTED)

    def test_script(self):
        with temp_dir() as dirname:
            self.check(make_script(dirname, 'script', MAIN_SCRIPT))

    def test_dash_c(self):
        self.check('-c', MAIN_SCRIPT)


if __name__ == '__main__':
    unittest.main()
