"""Functions cross interpreters like values (fork extension, SPEC B2)."""

import builtins
import functools
import math
import pickle
import socket
import sys
import textwrap
import threading
import types
import unittest
from test import support
from test.support import import_helper
from test.support.script_helper import (
    assert_python_ok, make_script, spawn_python,
)
from test.support.os_helper import temp_dir

_interpreters = import_helper.import_module('_interpreters')
from concurrent import interpreters
from concurrent.interpreters import _functions


NotShareableError = interpreters.NotShareableError

# Module globals that the functions below use.
FACTOR = 7
# A result that cannot cross back fails with 3.14's message.
RESULT_NOT_SHAREABLE = '^object does not support cross-interpreter data$'
WORDS = ('spam', 'eggs')


def roundtrip(obj):
    """Send obj through the pickle the cross-interpreter layer uses."""
    return pickle.loads(_functions.dumps(obj))


def make_counter():
    count = 0

    def increment():
        nonlocal count
        count += 1
        return count

    def current():
        return count
    return increment, current


def source_module(source, name='not_a_module'):
    """Run source as a module that sys.modules does not know."""
    ns = {'__name__': name}
    exec(textwrap.dedent(source), ns)
    return ns


class TestBase(unittest.TestCase):

    def setUp(self):
        self.interp = interpreters.create()
        self.addCleanup(self.interp.close)


class ByValueTests(TestBase):

    def test_lambda(self):
        self.assertEqual(self.interp.call(lambda x: x * 2, 21), 42)

    def test_lambda_with_module_global(self):
        self.assertEqual(self.interp.call(lambda: FACTOR * 6), 42)

    def test_nested_function(self):
        def nested(a, b):
            return f'{a}-{b}'
        self.assertEqual(self.interp.call(nested, 'spam', b='eggs'),
                         'spam-eggs')

    def test_closure_over_values(self):
        number, text, pair = 40, 'spam', (1, 'x')

        def closure():
            return number + 2, text.upper(), pair
        self.assertEqual(self.interp.call(closure),
                         (42, 'SPAM', (1, 'x')))

    def test_closure_over_list_is_a_copy(self):
        items = [1, 2]

        def append():
            items.append(3)
            return items
        self.assertEqual(self.interp.call(append), [1, 2, 3])
        self.assertEqual(items, [1, 2])

    def test_defaults_and_kwdefaults(self):
        def func(a, b=10, *, c=[100], d='x'):
            return a + b + sum(c), d
        self.assertEqual(self.interp.call(func, 1), (111, 'x'))
        self.assertEqual(self.interp.call(func, 1, 2, c=[3], d='y'),
                         (6, 'y'))

    def test_name_qualname_module_doc_and_attributes(self):
        def func():
            """The doc."""
        func.tag = 'spam'
        copy = roundtrip(func)
        self.assertIsNot(copy, func)
        self.assertEqual(copy.__name__, 'func')
        self.assertEqual(copy.__qualname__, func.__qualname__)
        self.assertEqual(copy.__module__, __name__)
        self.assertEqual(copy.__doc__, 'The doc.')
        self.assertEqual(copy.tag, 'spam')

    def test_metadata_in_target(self):
        value = 1

        def func():
            """The doc."""
            return value
        res = self.interp.call(
            lambda f: (f.__name__, f.__qualname__, f.__module__, f.__doc__),
            func)
        self.assertEqual(res, ('func', func.__qualname__, __name__,
                               'The doc.'))

    def test_recursive_nested_function(self):
        def fact(n):
            return 1 if n <= 1 else n * fact(n - 1)
        self.assertEqual(self.interp.call(fact, 10), math.factorial(10))

    def test_recursive_through_globals(self):
        ns = source_module('''
            def fib(n):
                return n if n < 2 else fib(n - 1) + fib(n - 2)
        ''')
        self.assertEqual(self.interp.call(ns['fib'], 15), 610)

    def test_mutual_recursion(self):
        ns = source_module('''
            def is_even(n):
                return True if n == 0 else is_odd(n - 1)

            def is_odd(n):
                return False if n == 0 else is_even(n - 1)
        ''')
        self.assertIs(self.interp.call(ns['is_even'], 10), True)
        self.assertIs(self.interp.call(ns['is_odd'], 10), False)

    def test_module_global_crosses_by_name(self):
        ns = source_module('''
            import math
            def root(x):
                return math.sqrt(x), type(math).__name__
        ''')
        self.assertEqual(self.interp.call(ns['root'], 16.0),
                         (4.0, 'module'))

    def test_module_global_is_the_targets_module(self):
        ns = source_module('''
            import sys
            def which():
                return id(sys.modules), sys.modules['sys'] is sys
        ''')
        ident, same = self.interp.call(ns['which'])
        self.assertTrue(same)
        self.assertNotEqual(ident, id(sys.modules))

    def test_plain_value_globals(self):
        ns = source_module('''
            LIMIT = 3
            NAMES = ['a', 'b', 'c', 'd']
            def head():
                return NAMES[:LIMIT]
        ''')
        self.assertEqual(self.interp.call(ns['head']), ['a', 'b', 'c'])

    def test_globals_of_nested_code(self):
        ns = source_module('''
            BASE = 100
            def outer():
                def inner(x):
                    return BASE + x
                return [inner(i) for i in range(3)]
        ''')
        self.assertEqual(self.interp.call(ns['outer']), [100, 101, 102])

    def test_only_used_globals_travel(self):
        ns = source_module('''
            import threading
            USED = 1
            UNUSED = threading.Lock()
            def func():
                return USED + len('ab')
        ''')
        copy = roundtrip(ns['func'])
        self.assertEqual(copy(), 3)
        self.assertEqual(sorted(copy.__globals__),
                         ['USED', '__builtins__', '__name__'])
        self.assertIs(copy.__globals__['__builtins__'], builtins)
        self.assertEqual(copy.__globals__['__name__'], 'not_a_module')

    def test_shadowed_builtin_is_a_global(self):
        ns = source_module('''
            def len(obj):
                return -1
            def func():
                return len('abc')
        ''')
        self.assertEqual(self.interp.call(ns['func']), -1)

    def test_one_globals_dict_per_module_per_transfer(self):
        ns = source_module('''
            def first():
                return 1
            def second():
                return 2
            def both():
                return first() + second()
        ''')
        copy = roundtrip([ns['first'], ns['both']])
        self.assertIs(copy[0].__globals__, copy[1].__globals__)
        self.assertEqual(copy[1](), 3)
        other = roundtrip(ns['first'])
        self.assertIsNot(other.__globals__, copy[0].__globals__)

    def test_rebinding_a_global_changes_only_the_copy(self):
        ns = source_module('''
            counter = 0
            def bump():
                global counter
                counter += 1
                return counter
        ''')
        self.assertEqual(self.interp.call(ns['bump']), 1)
        self.assertEqual(self.interp.call(ns['bump']), 1)
        self.assertEqual(ns['counter'], 0)

    def test_shared_cells_stay_shared(self):
        increment, current = make_counter()

        def use(pair):
            inc, cur = pair
            inc()
            inc()
            return cur()
        # One pickle keeps the identity of what it holds; the items of
        # a tuple cross one by one.
        self.assertEqual(self.interp.call(use, [increment, current]), 2)
        self.assertEqual(current(), 0)

    def test_empty_cell(self):
        def outer():
            def inner():
                return later
            res = roundtrip(inner)
            later = 1
            return res
        copy = outer()
        with self.assertRaises(NameError):
            copy()

    def test_function_as_argument(self):
        def apply(func, *args):
            return func(*args)
        self.assertEqual(self.interp.call(apply, lambda a, b: a * b, 6, 7),
                         42)

    def test_functions_in_containers(self):
        funcs = {'add': lambda a, b: a + b, 'words': [lambda: WORDS]}

        def run(table):
            return table['add'](1, 2), table['words'][0]()
        self.assertEqual(self.interp.call(run, funcs), (3, WORDS))

    def test_function_as_return_value(self):
        def make_adder(n):
            def add(x):
                return x + n
            return add
        add = self.interp.call(make_adder, 5)
        self.assertEqual(add(1), 6)
        # And back again.
        self.assertEqual(self.interp.call(add, 10), 15)

    def test_function_made_in_target(self):
        self.interp.exec(textwrap.dedent('''
            SCALE = 3
            def scale(x):
                return x * SCALE
        '''))
        scale = self.interp.call(lambda: __import__('__main__').scale)
        self.assertEqual(scale(2), 6)
        self.assertEqual(scale.__module__, '__main__')

    def test_partial(self):
        def power(base, exp):
            return base ** exp
        square = functools.partial(power, exp=2)
        self.assertEqual(self.interp.call(square, 9), 81)

    def test_bound_method(self):
        counter = __import__('collections').Counter('abracadabra')
        self.assertEqual(self.interp.call(counter.most_common, 1),
                         [('a', 5)])

    def test_generator_function(self):
        def gen(n):
            yield from range(n)
        self.assertEqual(self.interp.call(lambda g: list(g(3)), gen),
                         [0, 1, 2])

    def test_call_in_thread(self):
        queue = interpreters.create_queue()
        offset = 40

        def task(q):
            q.put(offset + 2)
        t = self.interp.call_in_thread(task, queue)
        t.join()
        self.assertEqual(queue.get(timeout=10), 42)


class QueueTests(TestBase):

    def setUp(self):
        super().setUp()
        # An exception caught by a test keeps its frame, and so the
        # queue, alive until the cycle is collected; other suites count
        # the live queues.
        self.addCleanup(support.gc_collect)

    def test_put_get_same_interpreter(self):
        queue = interpreters.create_queue()
        base = 10
        queue.put(lambda x: base + x)
        self.assertEqual(queue.get()(5), 15)

    def test_put_here_get_there(self):
        queue = interpreters.create_queue()
        suffix = '!'
        queue.put(lambda s: s + suffix)
        self.assertEqual(self.interp.call(lambda q: q.get()('spam'), queue),
                         'spam!')

    def test_put_there_get_here(self):
        queue = interpreters.create_queue()

        def producer(q):
            hidden = 'from the target'
            q.put(lambda: hidden)
        self.interp.call(producer, queue)
        self.assertEqual(queue.get(timeout=10)(), 'from the target')

    def test_put_unshareable_closure(self):
        queue = interpreters.create_queue()
        lock = threading.Lock()
        with self.assertRaises(NotShareableError) as cm:
            queue.put(lambda: lock)
        self.assertEqual(
            str(cm.exception),
            "closure cell 'lock' of QueueTests.test_put_unshareable_closure"
            ".<locals>.<lambda> holds a _thread.lock, which cannot be shared")
        self.assertEqual(queue.qsize(), 0)


def module_function(x):
    # Not "stateless" (it uses a global), so it is pickled.
    return x * FACTOR


class ByReferenceTests(TestBase):

    def test_module_function_by_reference(self):
        self.assertIs(roundtrip(textwrap.dedent), textwrap.dedent)
        self.assertIs(roundtrip(module_function), module_function)
        self.assertEqual(self.interp.call(textwrap.dedent, '  spam'), 'spam')

    def test_by_reference_rule(self):
        self.assertTrue(_functions.by_reference(textwrap.dedent))
        self.assertTrue(_functions.by_reference(module_function))
        self.assertTrue(_functions.by_reference(ByReferenceTests.setUp))

    def test_nested_function_by_value(self):
        def nested():
            pass
        self.assertFalse(_functions.by_reference(nested))
        self.assertIsNot(roundtrip(nested), nested)

    def test_main_by_value(self):
        func = source_module('def f(): pass', name='__main__')['f']
        self.assertFalse(_functions.by_reference(func))

    def test_module_not_in_sys_modules_by_value(self):
        func = source_module('def f(): pass')['f']
        self.assertFalse(_functions.by_reference(func))

    def test_module_without_spec_by_value(self):
        module = types.ModuleType('test_functransfer_nospec')
        exec('def f(): pass', module.__dict__)
        sys.modules[module.__name__] = module
        self.addCleanup(sys.modules.pop, module.__name__)
        self.assertFalse(_functions.by_reference(module.f))

    def test_qualname_that_is_another_object_by_value(self):
        def impostor(x):
            return x
        impostor.__module__ = 'textwrap'
        impostor.__qualname__ = 'dedent'
        self.assertFalse(_functions.by_reference(impostor))
        self.assertIsNot(roundtrip(impostor), impostor)


class PrepareMainTests(TestBase):

    def test_functions_bound(self):
        offset = 40

        def add(x):
            return x + offset
        self.interp.prepare_main(add=add, double=lambda x: x * 2, n=1)
        self.interp.exec('assert double(add(n)) == 82, double(add(n))')

    def test_function_in_namespace_dict(self):
        ns = source_module('''
            import math
            def hyp(a, b):
                return math.sqrt(a * a + b * b)
        ''')
        self.interp.prepare_main({'hyp': ns['hyp']})
        self.interp.exec('assert hyp(3, 4) == 5.0')

    def assertNotBound(self, *names):
        for name in names:
            with self.subTest(name):
                with self.assertRaises(interpreters.ExecutionFailed):
                    self.interp.exec(name)

    def test_function_not_shareable_binds_nothing(self):
        lock = threading.Lock()

        def f():
            return lock
        with self.assertRaisesRegex(NotShareableError, "closure cell 'lock'"):
            self.interp.prepare_main(f=f, g=lambda: 1, n=1)
        self.assertNotBound('f', 'g', 'n')

    def test_other_value_not_shareable_binds_nothing(self):
        # Other values still follow the 3.14 rule: no pickling.
        with self.assertRaises(NotShareableError):
            self.interp.prepare_main(f=lambda: 1, spam=[1])
        self.assertNotBound('f', 'spam')

    def test_non_str_name(self):
        with self.assertRaisesRegex(TypeError, 'must be str'):
            self.interp.prepare_main({1: lambda: 1})

    def test_running(self):
        queue = interpreters.create_queue()
        t = self.interp.call_in_thread(lambda q: q.get(timeout=30), queue)
        try:
            for _ in support.sleeping_retry(support.SHORT_TIMEOUT):
                if self.interp.is_running():
                    break
            with self.assertRaisesRegex(interpreters.InterpreterError,
                                        'interpreter already running'):
                self.interp.prepare_main(f=lambda: 1)
        finally:
            queue.put(None)
            t.join()


class CodeCacheTests(unittest.TestCase):

    def test_cache_keeps_no_code_alive(self):
        # The analysis of a function's code is cached while the code
        # lives; the cache must not keep it alive, or every transfer of
        # a new function would grow it (the refleak hunter sees that).
        ns = source_module('''
            LIMIT = 3
            def head(names):
                return names[:LIMIT]
        ''')
        code = ns['head'].__code__
        first = _functions._code_info(code)
        self.assertIs(_functions._code_info(code), first)
        self.assertIn(id(code), _functions._code_cache)
        key = id(code)
        del ns, code
        support.gc_collect()
        self.assertNotIn(key, _functions._code_cache)


class IsShareableTests(unittest.TestCase):

    def test_functions_not_shareable(self):
        # is_shareable() is the registry-only question, as in 3.14.
        self.assertFalse(interpreters.is_shareable(lambda: 0))
        self.assertFalse(interpreters.is_shareable(module_function))
        self.assertFalse(interpreters.is_shareable(functools.partial(abs)))


class ExecTests(TestBase):
    # exec() keeps the 3.14 rules: no closure, no parameters.

    def test_exec_closure_refused(self):
        value = []

        def body():
            value.append(1)
        with self.assertRaisesRegex(ValueError, 'closures not supported'):
            self.interp.exec(body)

    def test_exec_function_with_args_refused(self):
        with self.assertRaises(ValueError):
            self.interp.exec(lambda x: None)

    def test_exec_runs_in_main(self):
        def body():
            global spam
            spam = 42
        self.interp.exec(body)
        self.assertEqual(self.interp.call(
            lambda: __import__('__main__').spam), 42)


class FailureTests(TestBase):

    def assertNotShareable(self, func, message, cause=TypeError):
        with self.assertRaises(NotShareableError) as cm:
            self.interp.call(func)
        self.assertEqual(str(cm.exception), message)
        self.assertIsInstance(cm.exception.__cause__, cause)
        return cm.exception

    def test_closure_cell_holding_lock(self):
        lock = threading.Lock()

        def f():
            return lock
        self.assertNotShareable(
            f, "closure cell 'lock' of FailureTests."
            "test_closure_cell_holding_lock.<locals>.f holds a _thread.lock,"
            " which cannot be shared")

    def test_global_holding_socket(self):
        sock = socket.socket()
        self.addCleanup(sock.close)
        ns = source_module('def f(): return sock.fileno()')
        ns['sock'] = sock
        self.assertNotShareable(
            ns['f'], "global 'sock' of f holds a socket.socket,"
                     " which cannot be shared")

    def test_global_holding_lock(self):
        ns = source_module('''
            import threading
            lock = threading.Lock()
            def f():
                with lock:
                    pass
        ''')
        self.assertNotShareable(
            ns['f'], "global 'lock' of f holds a _thread.lock,"
                     " which cannot be shared")

    def test_default_holding_lock(self):
        def f(a, lock=threading.Lock()):
            return a
        self.assertNotShareable(
            f, "default of parameter 'lock' of FailureTests."
               "test_default_holding_lock.<locals>.f holds a _thread.lock,"
               " which cannot be shared")

    def test_kwdefault_holding_lock(self):
        def f(*, guard=threading.RLock()):
            pass
        self.assertNotShareable(
            f, "default of parameter 'guard' of FailureTests."
               "test_kwdefault_holding_lock.<locals>.f holds a _thread.RLock,"
               " which cannot be shared")

    def test_attribute_holding_lock(self):
        def f(a=1):
            return a
        f.lock = threading.Lock()
        self.assertNotShareable(
            f, "attribute 'lock' of FailureTests.test_attribute_holding_lock"
               ".<locals>.f holds a _thread.lock, which cannot be shared")

    def test_nested_culprit_names_inner_function(self):
        ns = source_module('''
            import threading
            def make():
                lock = threading.Lock()
                def helper():
                    return lock
                return helper
            helper = make()
            def f():
                return helper()
        ''')
        self.assertNotShareable(
            ns['f'], "closure cell 'lock' of make.<locals>.helper holds"
                     " a _thread.lock, which cannot be shared")

    def test_recursive_function_with_culprit(self):
        ns = source_module('''
            import threading
            lock = threading.Lock()
            def f(n):
                return lock if n == 0 else f(n - 1)
        ''')
        self.assertNotShareable(
            ns['f'], "global 'lock' of f holds a _thread.lock,"
                     " which cannot be shared")

    def test_global_holding_generator(self):
        ns = source_module('''
            numbers = (i for i in range(3))
            def f():
                return next(numbers)
        ''')
        self.assertNotShareable(
            ns['f'], "global 'numbers' of f holds a generator,"
                     " which cannot be shared")

    def test_global_holding_frame(self):
        ns = source_module('def f(): return frame.f_lineno')
        ns['frame'] = sys._getframe()
        self.assertNotShareable(
            ns['f'], "global 'frame' of f holds a frame,"
                     " which cannot be shared")

    def test_global_holding_unimportable_module(self):
        ns = source_module('def f(): return mod.x')
        ns['mod'] = types.ModuleType('nowhere_to_be_found')
        err = self.assertNotShareable(
            ns['f'], "global 'mod' of f holds a module,"
                     " which cannot be shared",
            cause=pickle.PicklingError)
        self.assertIn('nowhere_to_be_found', str(err.__cause__))

    def test_culprit_inside_container(self):
        ns = source_module('def f(): return conns')
        ns['conns'] = [threading.Lock()]
        self.assertNotShareable(
            ns['f'], "global 'conns' of f holds a list,"
                     " which cannot be shared")

    def test_function_in_argument(self):
        lock = threading.Lock()
        with self.assertRaises(NotShareableError) as cm:
            self.interp.call(len, [lambda: lock])
        self.assertIn("closure cell 'lock'", str(cm.exception))

    def test_generator_function_result(self):
        def gen():
            yield 1
        with self.assertRaisesRegex(NotShareableError,
                                    RESULT_NOT_SHAREABLE) as cm:
            self.interp.call(gen)
        self.assertIn('generator', str(cm.exception.__cause__))

    def test_closure_made_in_target_over_lock(self):
        def make():
            import threading
            lock = threading.Lock()
            return lambda: lock
        with self.assertRaisesRegex(NotShareableError,
                                    RESULT_NOT_SHAREABLE) as cm:
            self.interp.call(make)
        # As in 3.14, the cause names the object that could not cross;
        # for a function it also names the part that could not.
        self.assertIn("<lambda>", str(cm.exception.__cause__))
        self.assertIn("closure cell 'lock'", str(cm.exception.__cause__))

    def test_generator_and_coroutine_objects(self):
        async def coro():
            pass
        gen = (i for i in range(3))
        c = coro()
        self.addCleanup(c.close)
        for obj in (gen, c, sys._getframe()):
            with self.subTest(type(obj).__name__):
                with self.assertRaises(NotShareableError):
                    self.interp.call(len, obj)

    def test_not_importable_in_target(self):
        # A by-value function whose module global cannot be imported in
        # the target fails there, as "func not shareable".
        module = types.ModuleType('test_functransfer_only_here')
        sys.modules[module.__name__] = module
        self.addCleanup(sys.modules.pop, module.__name__)
        ns = source_module('def f(): return mod')
        ns['mod'] = module
        with self.assertRaisesRegex(NotShareableError,
                                    '^func not shareable$'):
            self.interp.call(ns['f'])


MAIN_SCRIPT = '''\
import math
from concurrent import interpreters

print('top-level side effect')
FACTOR = 3

def scale(x):
    return math.sqrt(x) * FACTOR

def fact(n):
    return 1 if n <= 1 else n * fact(n - 1)

interp = interpreters.create()
print(interp.call(lambda: scale(16)))
print(interp.call(scale, 4))
print(interp.call(fact, 5))
words = ['a', 'b']
print(interp.call(lambda sep: sep.join(words), '+'))
queue = interpreters.create_queue()
queue.put(lambda: FACTOR * 2)
print(interp.call(lambda q: q.get()(), queue))
interp.close()
'''

MAIN_EXPECTED = '''\
top-level side effect
12.0
6.0
120
a+b
6
'''


class MainModuleTests(unittest.TestCase):

    def check_output(self, out):
        out = out.decode().replace('\r\n', '\n')
        self.assertEqual(out, MAIN_EXPECTED)

    def test_unguarded_script(self):
        with temp_dir() as dirname:
            script = make_script(dirname, 'unguarded', MAIN_SCRIPT)
            rc, out, err = assert_python_ok(script)
        self.check_output(out)

    def test_dash_c(self):
        rc, out, err = assert_python_ok('-c', MAIN_SCRIPT)
        self.check_output(out)

    def test_interactive(self):
        source = textwrap.dedent('''\
            from concurrent import interpreters
            print('side' + 'effect')
            x = 5
            interp = interpreters.create()
            print(interp.call(lambda: x * 2) + 1000)
            def f(n):
                return n + x

            print(interp.call(f, 1) + 2000)
            interp.close()
        ''')
        proc = spawn_python('-i', '-q')
        out, _ = proc.communicate(source.encode())
        out = out.decode()
        self.assertEqual(proc.returncode, 0, out)
        self.assertEqual(out.count('sideeffect'), 1, out)
        self.assertIn('1010', out)
        self.assertIn('2006', out)

    def test_exec_in_main(self):
        code = f'exec({MAIN_SCRIPT!r})'
        rc, out, err = assert_python_ok('-c', code)
        self.check_output(out)


if __name__ == '__main__':
    unittest.main()
