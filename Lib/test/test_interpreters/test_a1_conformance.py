"""Check concurrent.interpreters against the CPython 3.14 API (SPEC A1)."""

import pickle
import queue
import threading
import unittest
from test import support
from test.support import import_helper, threading_helper
from test.support.script_helper import assert_python_ok

_interpreters = import_helper.import_module('_interpreters')
from concurrent import interpreters
from concurrent.interpreters import _queues, _crossinterp


def _raise_value_error():
    raise ValueError('spam')


def _add(a, b=0):
    return a + b


class ModuleTests(unittest.TestCase):

    def test_all(self):
        self.assertEqual(sorted(interpreters.__all__), sorted([
            'get_current', 'get_main', 'create', 'list_all', 'is_shareable',
            'Interpreter', 'InterpreterError', 'InterpreterNotFoundError',
            'ExecutionFailed', 'NotShareableError',
            'create_queue', 'Queue', 'QueueEmpty', 'QueueFull',
        ]))

    def test_all_names_exist(self):
        for name in interpreters.__all__:
            with self.subTest(name):
                self.assertTrue(hasattr(interpreters, name))

    def test_unknown_attribute(self):
        with self.assertRaises(AttributeError):
            interpreters.spam

    def test_queues_all(self):
        for name in ('UNBOUND', 'UNBOUND_ERROR', 'UNBOUND_REMOVE',
                     'ItemInterpreterDestroyed'):
            with self.subTest(name):
                self.assertIn(name, _queues.__all__)


class ExceptionTests(unittest.TestCase):

    def check(self, exc, bases, module):
        for base in bases:
            self.assertTrue(issubclass(exc, base), (exc, base))
        self.assertEqual(exc.__module__, module)

    def test_interpreter_error(self):
        self.check(interpreters.InterpreterError, [Exception],
                   'concurrent.interpreters')

    def test_interpreter_not_found_error(self):
        self.check(interpreters.InterpreterNotFoundError,
                   [interpreters.InterpreterError], 'concurrent.interpreters')

    def test_execution_failed(self):
        self.check(interpreters.ExecutionFailed,
                   [interpreters.InterpreterError], 'concurrent.interpreters')

    def test_not_shareable_error(self):
        self.check(interpreters.NotShareableError, [TypeError],
                   'concurrent.interpreters')

    def test_queue_error(self):
        self.check(_queues.QueueError, [RuntimeError],
                   'concurrent.interpreters')

    def test_queue_not_found_error(self):
        self.check(_queues.QueueNotFoundError, [_queues.QueueError],
                   'concurrent.interpreters')

    def test_queue_empty(self):
        self.check(interpreters.QueueEmpty, [_queues.QueueError, queue.Empty],
                   'concurrent.interpreters._queues')

    def test_queue_full(self):
        self.check(interpreters.QueueFull, [_queues.QueueError, queue.Full],
                   'concurrent.interpreters._queues')

    def test_item_interpreter_destroyed(self):
        self.check(_queues.ItemInterpreterDestroyed,
                   [_queues.QueueError,
                    _crossinterp.ItemInterpreterDestroyed],
                   'concurrent.interpreters._queues')


class ExecutionFailedTests(unittest.TestCase):

    def excinfo(self, formatted='ValueError: spam'):
        from types import SimpleNamespace
        return SimpleNamespace(
            type=SimpleNamespace(__name__='ValueError',
                                 __qualname__='ValueError',
                                 __module__='builtins'),
            msg='spam',
            formatted=formatted,
            errdisplay='Traceback (most recent call last):\nValueError: spam',
        )

    def test_excinfo_kept(self):
        info = self.excinfo()
        self.assertIs(interpreters.ExecutionFailed(info).excinfo, info)

    def test_message_is_formatted(self):
        exc = interpreters.ExecutionFailed(self.excinfo())
        self.assertEqual(exc.args, ('ValueError: spam',))

    def test_message_without_formatted(self):
        exc = interpreters.ExecutionFailed(self.excinfo(formatted=''))
        self.assertEqual(exc.args, ('ValueError: spam',))

    def test_str(self):
        exc = interpreters.ExecutionFailed(self.excinfo())
        self.assertEqual(str(exc), 'ValueError: spam\n\n'
                         'Uncaught in the interpreter:\n\n'
                         'Traceback (most recent call last):\n'
                         'ValueError: spam')


class InterpreterTests(unittest.TestCase):

    def create(self):
        interp = interpreters.create()
        self.addCleanup(self.close, interp)
        return interp

    @staticmethod
    def close(interp):
        try:
            interp.close()
        except interpreters.InterpreterNotFoundError:
            pass

    def test_create_whence(self):
        self.assertEqual(self.create().whence, '_interpreters module')

    def test_create_idle(self):
        self.assertFalse(self.create().is_running())

    def test_main_whence(self):
        self.assertEqual(interpreters.get_main().whence, 'runtime init')

    def test_main_is_running(self):
        self.assertTrue(interpreters.get_main().is_running())

    def test_get_current_is_main(self):
        self.assertIs(interpreters.get_current(), interpreters.get_main())

    def test_list_all_ascending(self):
        self.create()
        self.create()
        ids = [i.id for i in interpreters.list_all()]
        self.assertEqual(ids, sorted(ids))

    def test_list_all_includes_new(self):
        interp = self.create()
        self.assertIn(interp, interpreters.list_all())

    def test_identity_cache(self):
        interp = self.create()
        self.assertIs(interpreters.Interpreter(interp.id), interp)

    def test_id_not_int(self):
        with self.assertRaisesRegex(TypeError, "id must be an int, got 'a'"):
            interpreters.Interpreter('a')

    def test_id_unknown(self):
        with self.assertRaises(interpreters.InterpreterNotFoundError):
            interpreters.Interpreter(1_000_000)

    def test_id_readonly(self):
        interp = self.create()
        with self.assertRaises(AttributeError):
            interp.id = 1

    def test_whence_readonly(self):
        interp = self.create()
        with self.assertRaises(AttributeError):
            interp.whence = 'unknown'

    def test_repr(self):
        interp = self.create()
        self.assertEqual(repr(interp), f'Interpreter({interp.id})')

    def test_hash(self):
        interp = self.create()
        self.assertEqual(hash(interp), hash(interp.id))

    def test_reduce(self):
        interp = self.create()
        self.assertEqual(interp.__reduce__(),
                         (interpreters.Interpreter, (interp.id,)))

    def test_pickle_roundtrip(self):
        interp = self.create()
        self.assertIs(pickle.loads(pickle.dumps(interp)), interp)

    def test_close(self):
        interp = self.create()
        interp.close()
        self.assertNotIn(interp.id, [i.id for i in interpreters.list_all()])

    def test_close_twice(self):
        interp = self.create()
        interp.close()
        with self.assertRaisesRegex(interpreters.InterpreterNotFoundError,
                                    f'unrecognized interpreter ID {interp.id}'):
            interp.close()

    def test_close_main(self):
        with self.assertRaisesRegex(interpreters.InterpreterError,
                                    'cannot destroy unrecognized interpreter 0'):
            interpreters.get_main().close()

    def test_close_current(self):
        interp = self.create()
        interp.prepare_main(iid=interp.id)
        with self.assertRaises(interpreters.ExecutionFailed) as cm:
            interp.exec('from concurrent import interpreters\n'
                        'interpreters.Interpreter(iid).close()')
        self.assertIn('cannot destroy the current interpreter',
                      cm.exception.excinfo.msg)

    def test_prepare_main_binds(self):
        interp = self.create()
        interp.prepare_main({'a': 1}, b='x')
        interp.exec('assert (a, b) == (1, "x")')

    def test_prepare_main_not_shareable(self):
        interp = self.create()
        with self.assertRaises(interpreters.NotShareableError):
            interp.prepare_main(spam=[1])

    def test_prepare_main_empty(self):
        interp = self.create()
        with self.assertRaises(ValueError):
            interp.prepare_main()

    def test_prepare_main_key_not_str(self):
        interp = self.create()
        with self.assertRaises(TypeError):
            interp.prepare_main({1: 2})

    def test_prepare_main_int_too_big(self):
        interp = self.create()
        with self.assertRaises(interpreters.NotShareableError) as cm:
            interp.prepare_main(spam=2**70)
        self.assertIsInstance(cm.exception.__cause__, OverflowError)

    def test_exec_str(self):
        interp = self.create()
        self.assertIsNone(interp.exec('x = 1'))

    def test_exec_bytes(self):
        interp = self.create()
        interp.exec(b'x = 1')
        interp.exec('assert x == 1')

    def test_exec_function(self):
        def script():
            global spam
            spam = 42
        interp = self.create()
        interp.exec(script)
        interp.exec('assert spam == 42')

    def test_exec_function_uses_target_globals(self):
        # Not a "pure" script: names resolve in the target's __main__.
        def script():
            global seen
            seen = spam * 2
        interp = self.create()
        interp.prepare_main(spam=21)
        interp.exec(script)
        interp.exec('assert seen == 42, seen')

    def test_exec_function_with_args(self):
        interp = self.create()
        with self.assertRaises(ValueError):
            interp.exec(lambda x: None)

    def test_exec_generator(self):
        def gen():
            yield
        interp = self.create()
        with self.assertRaises(ValueError):
            interp.exec(gen)

    def test_exec_unsupported(self):
        interp = self.create()
        with self.assertRaises(TypeError):
            interp.exec(1)

    def test_exec_syntax_error(self):
        interp = self.create()
        with self.assertRaises(SyntaxError):
            interp.exec('def f(:')

    def test_exec_failure(self):
        interp = self.create()
        with self.assertRaises(interpreters.ExecutionFailed) as cm:
            interp.exec('raise ValueError("spam")')
        info = cm.exception.excinfo
        self.assertEqual((info.type.__name__, info.msg, info.formatted),
                         ('ValueError', 'spam', 'ValueError: spam'))

    def test_exec_system_exit_captured(self):
        interp = self.create()
        with self.assertRaises(interpreters.ExecutionFailed) as cm:
            interp.exec('raise SystemExit(3)')
        self.assertEqual(cm.exception.excinfo.type.__name__, 'SystemExit')

    def test_exec_not_created_by_module(self):
        with self.assertRaises(interpreters.InterpreterError):
            interpreters.get_main().exec('pass')

    def test_call_builtin(self):
        interp = self.create()
        self.assertEqual(interp.call(pow, 2, 10), 1024)

    def test_call_kwargs(self):
        interp = self.create()
        self.assertEqual(interp.call(_add, 1, b=2), 3)

    def test_call_stateless_lambda(self):
        interp = self.create()
        self.assertEqual(interp.call(lambda: 5), 5)

    def test_call_returns_pickled(self):
        interp = self.create()
        self.assertEqual(interp.call(list, (1, 2)), [1, 2])

    def test_call_failure(self):
        interp = self.create()
        with self.assertRaises(interpreters.ExecutionFailed) as cm:
            interp.call(_raise_value_error)
        self.assertEqual(cm.exception.excinfo.msg, 'spam')

    def test_call_result_not_shareable(self):
        interp = self.create()
        with self.assertRaises(interpreters.NotShareableError):
            interp.call(threading.Lock)

    @threading_helper.requires_working_threading()
    def test_call_in_thread(self):
        interp = self.create()
        t = interp.call_in_thread(pow, 2, 3)
        self.assertIsInstance(t, threading.Thread)
        t.join()
        self.assertFalse(t.is_alive())

    @threading_helper.requires_working_threading()
    def test_call_in_thread_exception_to_excepthook(self):
        interp = self.create()
        with threading_helper.catch_threading_exception() as cm:
            interp.call_in_thread(_raise_value_error).join()
            self.assertIs(cm.exc_type, interpreters.ExecutionFailed)

    # Builtins that work on the caller's frame, called with no Python frame
    # in between, see the target's __main__ as their globals and locals.

    def test_call_eval_uses_target_main(self):
        interp = self.create()
        interp.prepare_main(x=5)
        self.assertEqual(interp.call(eval, 'x + 1'), 6)
        self.assertEqual(interp.call(eval, '__name__'), '__main__')

    def test_call_exec_binds_in_target_main(self):
        interp = self.create()
        self.assertIsNone(interp.call(exec, 'y = 21 * 2'))
        self.assertEqual(interp.call(eval, 'y'), 42)
        interp.exec('assert y == 42, y')

    def test_call_dir_lists_target_main(self):
        interp = self.create()
        interp.prepare_main(spam=1)
        names = interp.call(dir)
        self.assertIn('spam', names)
        self.assertIn('__name__', names)

    @unittest.skipIf(support.Py_DEBUG,
                     'a debug build aborts on such a function on purpose')
    def test_call_lowlevel_null_without_error(self):
        # A C function that returns NULL without an exception gives a
        # SystemError in the target, not a crash in the caller.
        _testcapi = import_helper.import_module('_testcapi')
        iid = _interpreters.create('legacy')
        self.addCleanup(_interpreters.destroy, iid)
        result, excinfo = _interpreters.call(
            iid, _testcapi.return_null_without_error, ())
        self.assertIsNone(result)
        self.assertEqual(excinfo.type.__name__, 'SystemError')
        self.assertIn('returned NULL without setting an exception',
                      excinfo.msg)


class ErrorMessageTests(unittest.TestCase):
    """Bad input raises what CPython 3.14 raises, with its message."""

    def setUp(self):
        self.interp = interpreters.create()
        self.addCleanup(self.interp.close)

    def check(self, exctype, msg, func, *args, **kwargs):
        with self.assertRaises(exctype) as cm:
            func(*args, **kwargs)
        self.assertIs(type(cm.exception), exctype)
        self.assertEqual(str(cm.exception), msg)
        return cm.exception

    def test_call_result_not_shareable(self):
        exc = self.check(interpreters.NotShareableError,
                         'object does not support cross-interpreter data',
                         self.interp.call, threading.Lock)
        # The cause is a plain Exception carrying the target's error.
        cause = exc.__cause__
        self.assertIs(type(cause), Exception)
        self.assertRegex(str(cause),
                         r'^concurrent\.interpreters\.NotShareableError: '
                         r'<unlocked _thread\.lock object at .*> '
                         r'does not support cross-interpreter data$')

    def test_lowlevel_call_result_not_shareable(self):
        self.check(interpreters.NotShareableError,
                   'object does not support cross-interpreter data',
                   _interpreters.call, self.interp.id, threading.Lock, ())

    def test_exec_function_with_args(self):
        for func in (lambda x: None, lambda *a: None, lambda **k: None,
                     lambda *, k: None):
            with self.subTest(func=func):
                self.check(ValueError, 'code with args not supported',
                           self.interp.exec, func)
        self.check(ValueError, 'code with args not supported',
                   self.interp.exec, (lambda x: x).__code__)

    def test_exec_function_returns_value(self):
        self.check(ValueError, 'code that returns a value is not a script',
                   self.interp.exec, lambda: 1)

    def test_exec_generator(self):
        def gen():
            yield
        async def coro():
            pass
        for func in (gen, coro):
            with self.subTest(func=func):
                self.check(ValueError,
                           'code that returns a value is not a script',
                           self.interp.exec, func)

    def test_exec_closure_checked_before_result(self):
        x = 1
        def closure():
            return x
        self.check(ValueError, 'closures not supported',
                   self.interp.exec, closure)

    def test_exec_unsupported(self):
        for script in (42, 1.5, None, [1]):
            with self.subTest(script=script):
                self.check(TypeError, f'unsupported script {script!r}',
                           self.interp.exec, script)

    def test_exec_null_byte(self):
        self.check(SyntaxError, 'source code string cannot contain null bytes',
                   self.interp.exec, 'x = 1\0')

    def test_prepare_main_key_not_str(self):
        for ns in ({1: 2}, {'a': 1, 2: 3}):
            with self.subTest(ns=ns):
                self.check(TypeError,
                           'bad argument type for built-in operation',
                           self.interp.prepare_main, ns)

    def test_call_not_callable(self):
        for obj in (5, None, 'print(1)'):
            with self.subTest(obj=obj):
                self.check(TypeError, f'expected a callable, got {obj!r}',
                           self.interp.call, obj)

    def test_call_kwargs_named_like_parameters(self):
        def echo(*args, **kwargs):
            return args, kwargs
        self.assertEqual(self.interp.call(echo, kwargs=None),
                         ((), {'kwargs': None}))
        self.assertEqual(self.interp.call(echo, args=(1,)),
                         ((), {'args': (1,)}))

    def test_call_callable_only_positional(self):
        self.check(TypeError,
                   "Interpreter.call() missing 1 required positional "
                   "argument: 'callable'",
                   self.interp.call, callable=pow)

    def test_lowlevel_call_explicit_none(self):
        self.check(TypeError,
                   '_interpreters.call() argument 3 must be tuple, not None',
                   _interpreters.call, self.interp.id, pow, None)
        self.check(TypeError,
                   '_interpreters.call() argument 4 must be dict, not None',
                   _interpreters.call, self.interp.id, pow, (2, 3), None)
        self.assertEqual(_interpreters.call(self.interp.id, pow, (2, 3)),
                         (8, None))
        self.assertEqual(_interpreters.call(self.interp.id, pow, (2, 3), {}),
                         (8, None))

    def test_lowlevel_call_arguments(self):
        # Every way of passing the arguments, as in 3.14.
        call = _interpreters.call
        iid = self.interp.id
        self.assertEqual(call(iid, abs, (-1,)), (1, None))
        self.assertEqual(call(iid, abs, args=(-2,)), (2, None))
        self.assertEqual(call(iid, abs, (-3,), {}, preserve_exc=True,
                              restrict=True), (3, None))
        self.assertEqual(call(iid, dict, kwargs={'a': 1}), ({'a': 1}, None))
        self.assertEqual(call(callable=abs, id=iid, args=(-4,)), (4, None))
        result, excinfo = call(iid, _raise_value_error, preserve_exc=1)
        self.assertIsNone(result)
        self.assertEqual(excinfo.type.__name__, 'ValueError')

    def test_lowlevel_call_bad_arguments(self):
        call = _interpreters.call
        iid = self.interp.id
        self.check(TypeError,
                   "_interpreters.call() missing required argument 'id' "
                   "(pos 1)", call)
        self.check(TypeError,
                   "_interpreters.call() missing required argument "
                   "'callable' (pos 2)", call, iid)
        self.check(TypeError,
                   '_interpreters.call() takes at most 4 positional '
                   'arguments (5 given)', call, iid, abs, (1,), {}, 5)
        self.check(TypeError,
                   "_interpreters.call() got an unexpected keyword "
                   "argument 'bogus'", call, iid, abs, (1,), bogus=1)
        self.check(TypeError,
                   '_interpreters.call() argument 4 must be dict, '
                   'not None', call, iid, abs, (1,), kwargs=None)


class UnboundHelperTests(unittest.TestCase):
    """_crossinterp's unbound helpers, shared by queues and channels."""

    def test_serialize_marker(self):
        marker = _queues.UNBOUND
        self.assertEqual(_crossinterp.serialize_unbound(marker, marker), (3,))
        # The generic marker stays accepted.
        self.assertEqual(
            _crossinterp.serialize_unbound(_crossinterp.UNBOUND, marker), (3,))
        self.assertEqual(
            _crossinterp.serialize_unbound(_queues.UNBOUND_ERROR, marker),
            (2,))

    def test_serialize_other_marker_refused(self):
        # Another container's marker is not this one's.
        other = _crossinterp.UnboundItem.singleton('test', __name__)
        with self.assertRaises(NotImplementedError):
            _crossinterp.serialize_unbound(other, _queues.UNBOUND)

    def test_resolve_gives_marker(self):
        marker = _queues.UNBOUND
        self.assertIs(
            _crossinterp.resolve_unbound(3, _queues.ItemInterpreterDestroyed,
                                         marker),
            marker)
        self.assertIs(
            _crossinterp.resolve_unbound(3, _queues.ItemInterpreterDestroyed),
            _crossinterp.UNBOUND)

    def test_resolve_error(self):
        with self.assertRaises(_queues.ItemInterpreterDestroyed):
            _crossinterp.resolve_unbound(2, _queues.ItemInterpreterDestroyed,
                                         _queues.UNBOUND)

    def test_resolve_bad_flag(self):
        with self.assertRaises(NotImplementedError):
            _crossinterp.resolve_unbound(7, _queues.ItemInterpreterDestroyed,
                                         _queues.UNBOUND)


class IsShareableTests(unittest.TestCase):

    def test_shareable(self):
        for obj in (None, True, 1, 1.5, 'a', b'a', (1, [2]),
                    memoryview(b'a'), interpreters.create_queue()):
            with self.subTest(type(obj)):
                self.assertTrue(interpreters.is_shareable(obj))

    def test_not_shareable(self):
        for obj in ([], {}, len, lambda: None, unittest, object()):
            with self.subTest(type(obj)):
                self.assertFalse(interpreters.is_shareable(obj))

    def test_subclass_not_shareable(self):
        class MyInt(int):
            pass
        self.assertFalse(interpreters.is_shareable(MyInt(1)))


class QueueTests(unittest.TestCase):

    def test_create_default_maxsize(self):
        self.assertEqual(interpreters.create_queue().maxsize, 0)

    def test_create_default_unbounditems(self):
        q = interpreters.create_queue()
        self.assertIs(q.unbounditems, _queues.UNBOUND)

    def test_create_unbounditems(self):
        q = interpreters.create_queue(unbounditems=_queues.UNBOUND_ERROR)
        self.assertIs(q.unbounditems, _queues.UNBOUND_ERROR)

    def test_create_bad_unbounditems(self):
        with self.assertRaises(NotImplementedError):
            interpreters.create_queue(unbounditems=5)

    def test_identity_cache(self):
        q = interpreters.create_queue()
        self.assertIs(interpreters.Queue(q.id), q)

    def test_unknown_id(self):
        with self.assertRaisesRegex(_queues.QueueNotFoundError,
                                    'queue 1000000 not found'):
            interpreters.Queue(1_000_000)

    def test_id_not_int(self):
        with self.assertRaises(TypeError):
            interpreters.Queue('1')

    def test_repr(self):
        q = interpreters.create_queue()
        self.assertEqual(repr(q), f'Queue({q.id})')

    def test_hash(self):
        q = interpreters.create_queue()
        self.assertEqual(hash(q), hash(q.id))

    def test_reduce(self):
        q = interpreters.create_queue()
        self.assertEqual(q.__reduce__(), (interpreters.Queue, (q.id,)))

    def test_pickle_roundtrip(self):
        q = interpreters.create_queue()
        self.assertIs(pickle.loads(pickle.dumps(q)), q)

    def test_put_get(self):
        q = interpreters.create_queue()
        q.put(1)
        self.assertEqual(q.get(), 1)

    def test_put_get_pickled(self):
        q = interpreters.create_queue()
        q.put({'a': [1]})
        self.assertEqual(q.get(), {'a': [1]})

    def test_put_not_shareable(self):
        q = interpreters.create_queue()
        with self.assertRaises(interpreters.NotShareableError):
            q.put(threading.Lock())

    def test_empty_full_qsize(self):
        q = interpreters.create_queue(1)
        self.assertEqual((q.empty(), q.full(), q.qsize()), (True, False, 0))
        q.put(None)
        self.assertEqual((q.empty(), q.full(), q.qsize()), (False, True, 1))

    def test_get_nowait_empty(self):
        q = interpreters.create_queue()
        with self.assertRaisesRegex(interpreters.QueueEmpty,
                                    f'queue {q.id} is empty'):
            q.get_nowait()

    def test_get_nonblocking_empty(self):
        q = interpreters.create_queue()
        with self.assertRaises(interpreters.QueueEmpty):
            q.get(block=False)

    def test_get_timeout_empty(self):
        q = interpreters.create_queue()
        with self.assertRaises(interpreters.QueueEmpty):
            q.get(timeout=0.01)

    def test_get_negative_timeout(self):
        q = interpreters.create_queue()
        with self.assertRaises(ValueError):
            q.get(timeout=-1)

    def test_put_nowait_full(self):
        q = interpreters.create_queue(1)
        q.put(None)
        with self.assertRaisesRegex(interpreters.QueueFull,
                                    f'queue {q.id} is full'):
            q.put_nowait(None)

    def test_put_nonblocking_full(self):
        q = interpreters.create_queue(1)
        q.put(None)
        with self.assertRaises(interpreters.QueueFull):
            q.put(None, block=False)

    def test_put_timeout_full(self):
        q = interpreters.create_queue(1)
        q.put(None)
        with self.assertRaises(interpreters.QueueFull):
            q.put(None, timeout=0.01)

    def test_put_bad_unbounditems(self):
        q = interpreters.create_queue()
        with self.assertRaises(NotImplementedError):
            q.put(None, unbounditems=5)

    def test_unbound_default(self):
        q = interpreters.create_queue()
        interp = interpreters.create()
        interp.prepare_main(q=q)
        interp.exec('q.put(1)')
        interp.close()
        self.assertIs(q.get_nowait(), _queues.UNBOUND)

    def test_unbound_survives_reload(self):
        # A reloaded _queues must keep the UNBOUND marker that defaults
        # and callers captured before.  Reload in a child process: a reload
        # makes new classes, which later tests here must not see.
        assert_python_ok('-c', (
            'import importlib\n'
            'from concurrent import interpreters\n'
            'from concurrent.interpreters import _queues\n'
            'before = _queues.UNBOUND\n'
            'importlib.reload(_queues)\n'
            'assert _queues.UNBOUND is before\n'
            'q = interpreters.create_queue()\n'
            'assert q.unbounditems is before\n'
            'q.put(1, unbounditems=before)\n'
            'assert q.get_nowait() == 1\n'))

    def test_unbound_error(self):
        q = interpreters.create_queue()
        interp = interpreters.create()
        interp.prepare_main(q=q)
        interp.exec('from concurrent.interpreters import _queues\n'
                    'q.put(1, unbounditems=_queues.UNBOUND_ERROR)')
        interp.close()
        with self.assertRaises(_queues.ItemInterpreterDestroyed):
            q.get_nowait()
        self.assertEqual(q.qsize(), 0)

    def test_unbound_remove(self):
        q = interpreters.create_queue()
        interp = interpreters.create()
        interp.prepare_main(q=q)
        interp.exec('from concurrent.interpreters import _queues\n'
                    'q.put(1, unbounditems=_queues.UNBOUND_REMOVE)')
        interp.close()
        self.assertEqual(q.qsize(), 0)

    def test_unbound_repr(self):
        self.assertEqual(repr(_queues.UNBOUND),
                         'concurrent.interpreters._queues.UNBOUND')

    def test_queue_crosses(self):
        q = interpreters.create_queue()
        interp = interpreters.create()
        self.addCleanup(interp.close)
        interp.prepare_main(q=q)
        interp.exec('q.put(q.id)')
        self.assertEqual(q.get_nowait(), q.id)


class ShutdownTests(unittest.TestCase):

    def test_objects_alive_at_shutdown(self):
        # __del__ of Interpreter and Queue must work late at shutdown,
        # after the module globals are gone.
        _, out, err = assert_python_ok('-c', (
            'from concurrent import interpreters\n'
            'import sys\n'
            'cycle = [interpreters.create(), interpreters.create_queue()]\n'
            'cycle.append(cycle)\n'))
        # Only the warning 3.14 gives too, for the interpreter left alive.
        self.assertEqual(err, b'<sys>:0: RuntimeWarning: remaining '
                              b'subinterpreters; close them with '
                              b'Interpreter.close()\n')


if __name__ == '__main__':
    unittest.main()
