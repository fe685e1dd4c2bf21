"""_interpreters driven the way code written for CPython 3.13 drives it.

Every call here is one that 3.13.5's _interpreters accepts, checked for
its 3.13.5 meaning and result shape.  The file uses nothing newer than
3.13, so that it also passes on a stock python3.13:

    REF313_BIND=$PWD ../shared/tools/ref313 \\
        $PWD/Lib/test/test_interpreters/test_compat313.py
"""

import types
import unittest

try:
    import _interpreters
except ImportError:
    raise unittest.SkipTest('needs _interpreters')


def _in_main():
    # Runs as a script in the target (3.13: the body of the function).
    import __main__
    __main__.ran = True


class Compat313Tests(unittest.TestCase):

    def setUp(self):
        self.id = _interpreters.create()
        self.addCleanup(self.destroy)

    def destroy(self):
        try:
            _interpreters.destroy(self.id)
        except _interpreters.InterpreterNotFoundError:
            pass

    def check_excinfo(self, excinfo, typename, msg):
        self.assertIsInstance(excinfo, types.SimpleNamespace)
        self.assertEqual(excinfo.type.__name__, typename)
        self.assertEqual(excinfo.msg, msg)
        self.assertEqual(excinfo.formatted, f'{typename}: {msg}')
        self.assertIn(typename, excinfo.errdisplay)

    def test_ids_and_lists(self):
        self.assertIsInstance(self.id, int)
        main = _interpreters.get_main()
        self.assertEqual(main, (0, _interpreters.WHENCE_RUNTIME))
        self.assertEqual(_interpreters.get_current(), main)
        listed = _interpreters.list_all()
        self.assertIsInstance(listed, list)
        self.assertIn((self.id, _interpreters.WHENCE_STDLIB), listed)
        self.assertEqual(_interpreters.list_all(require_ready=True), listed)
        self.assertEqual(_interpreters.whence(self.id),
                         _interpreters.WHENCE_STDLIB)
        self.assertIs(_interpreters.is_running(self.id), False)
        self.assertIs(_interpreters.is_running(self.id, restrict=True), False)
        self.assertIs(_interpreters.is_running(0), True)

    def test_configs(self):
        for name in ('isolated', 'legacy', 'default', 'empty'):
            with self.subTest(name=name):
                config = _interpreters.new_config(name)
                self.assertIsInstance(config, types.SimpleNamespace)
                self.assertEqual(
                    sorted(vars(config)),
                    ['allow_daemon_threads', 'allow_exec', 'allow_fork',
                     'allow_threads', 'check_multi_interp_extensions',
                     'gil', 'use_main_obmalloc'])
        config = _interpreters.new_config('isolated', allow_fork=True)
        self.assertIs(config.allow_fork, True)
        legacy = _interpreters.create('legacy')
        self.addCleanup(_interpreters.destroy, legacy)
        self.assertEqual(_interpreters.get_config(legacy).gil, 'shared')
        self.assertEqual(_interpreters.get_config(self.id).gil, 'own')
        self.assertEqual(
            _interpreters.get_config(self.id, restrict=True).gil, 'own')
        made = _interpreters.create(config)
        self.addCleanup(_interpreters.destroy, made)
        self.assertIs(_interpreters.get_config(made).allow_fork, True)

    def test_exec_forms(self):
        _interpreters.set___main___attrs(self.id, {'a': 1})
        _interpreters.set___main___attrs(self.id, {'b': 2}, restrict=True)
        self.assertIsNone(_interpreters.exec(self.id, 'x = a + b'))
        self.assertIsNone(_interpreters.exec(self.id, 'y = x + c',
                                             {'c': 3}))
        self.assertIsNone(_interpreters.exec(self.id, 'z = y',
                                             shared={'d': 4},
                                             restrict=True))
        self.assertIsNone(_interpreters.exec(self.id, _in_main))
        self.assertIsNone(_interpreters.exec(self.id, _in_main.__code__))
        self.assertIsNone(_interpreters.run_string(self.id, 'w = z + 1'))
        self.assertIsNone(_interpreters.run_string(self.id, 'v = e',
                                                   {'e': 5}))
        self.assertIsNone(_interpreters.run_func(self.id, _in_main))
        self.assertIsNone(_interpreters.run_func(self.id, _in_main,
                                                 {'f': 6}))
        # The names are all there: check from inside.
        self.assertIsNone(_interpreters.exec(self.id, (
            'assert (a, b, c, x, y, z, w, v, ran) == '
            '(1, 2, 3, 3, 6, 6, 7, 5, True), '
            '(a, b, c, x, y, z, w, v, ran)')))

    def test_exec_errors(self):
        excinfo = _interpreters.exec(self.id, 'raise ValueError("spam")')
        self.check_excinfo(excinfo, 'ValueError', 'spam')
        excinfo = _interpreters.run_string(self.id, 'raise KeyError(1)')
        self.check_excinfo(excinfo, 'KeyError', '1')
        with self.assertRaises(_interpreters.InterpreterError):
            _interpreters.exec(0, 'pass', restrict=True)
        with self.assertRaises(_interpreters.InterpreterNotFoundError):
            _interpreters.exec(2**40, 'pass')
        with self.assertRaises(TypeError):
            _interpreters.exec(self.id, 42)
        with self.assertRaises(ValueError):
            _interpreters.set___main___attrs(self.id, {})

    def test_call_without_args(self):
        # 3.13's call(): a function taking no arguments, run in the
        # target; None, or the excinfo if it raised.  (3.14 returns a
        # (result, excinfo) pair, given args; see the fork's docs.)
        def spam():
            import __main__
            __main__.called = True
            return 'dropped'

        def fails():
            raise ValueError('ham')

        self.assertIsNone(_interpreters.call(self.id, spam))
        self.assertIsNone(_interpreters.call(self.id, spam, restrict=True))
        self.assertIsNone(_interpreters.exec(self.id, 'assert called'))
        excinfo = _interpreters.call(self.id, fails)
        self.check_excinfo(excinfo, 'ValueError', 'ham')

    def test_capture_exception(self):
        excinfo = _interpreters.capture_exception(ValueError('eggs'))
        self.check_excinfo(excinfo, 'ValueError', 'eggs')
        # With no exception being raised (a handled one does not count).
        try:
            raise KeyError('k')
        except KeyError:
            self.assertIsNone(_interpreters.capture_exception())

    def test_is_shareable(self):
        for obj in (None, True, 1, 1.5, 'x', b'x', (1, 'x')):
            with self.subTest(obj=obj):
                self.assertIs(_interpreters.is_shareable(obj), True)
        for obj in ([], {}, object()):
            with self.subTest(obj=obj):
                self.assertIs(_interpreters.is_shareable(obj), False)

    def test_references(self):
        interpid = _interpreters.create(reqrefs=True)
        _interpreters.incref(interpid)
        _interpreters.incref(interpid)
        _interpreters.decref(interpid)
        self.assertIn(interpid, [i for i, _ in _interpreters.list_all()])
        # The last reference destroys it.
        _interpreters.decref(interpid)
        self.assertNotIn(interpid, [i for i, _ in _interpreters.list_all()])
        _interpreters.incref(self.id, implieslink=False)
        _interpreters.decref(self.id)
        self.assertIn(self.id, [i for i, _ in _interpreters.list_all()])

    def test_destroy(self):
        with self.assertRaises(_interpreters.InterpreterError):
            _interpreters.destroy(0)
        _interpreters.destroy(self.id, restrict=True)
        with self.assertRaises(_interpreters.InterpreterNotFoundError):
            _interpreters.destroy(self.id)
        with self.assertRaises(_interpreters.InterpreterNotFoundError):
            _interpreters.exec(self.id, 'pass')

    def test_whence_constants(self):
        self.assertEqual(
            (_interpreters.WHENCE_UNKNOWN, _interpreters.WHENCE_RUNTIME,
             _interpreters.WHENCE_LEGACY_CAPI, _interpreters.WHENCE_CAPI,
             _interpreters.WHENCE_XI, _interpreters.WHENCE_STDLIB),
            (0, 1, 2, 3, 4, 5))
        self.assertTrue(issubclass(_interpreters.InterpreterNotFoundError,
                                   _interpreters.InterpreterError))


if __name__ == '__main__':
    unittest.main()
