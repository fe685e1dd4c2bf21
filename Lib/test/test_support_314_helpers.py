"""Tests of the test.support helpers the fork adds for 3.14's PEP 734 tests.

support.nomemtest, support.inject_memory_error_cm and
import_helper.create_module/add_module/module_restored
(patches/test-support-314-helpers.patch).
"""

import importlib.machinery
import sys
import types
import unittest
from unittest import mock

from test import support
from test.support import import_helper


class CreateModuleTests(unittest.TestCase):

    def test_plain(self):
        mod = import_helper.create_module('spam.eggs.ham')
        self.assertIsInstance(mod, types.ModuleType)
        self.assertEqual(mod.__name__, 'spam.eggs.ham')
        self.assertEqual(mod.__spec__.name, 'spam.eggs.ham')
        self.assertEqual(mod.__package__, 'spam.eggs')
        self.assertIsNone(mod.__loader__)
        self.assertFalse(hasattr(mod, '__path__'))
        self.assertFalse(hasattr(mod, '__file__'))
        self.assertNotIn('spam.eggs.ham', sys.modules)
        self.assertNotIn('spam', sys.modules)

    def test_package(self):
        mod = import_helper.create_module('spam_pkg', ispkg=True)
        self.assertEqual(mod.__path__, [])
        self.assertEqual(mod.__package__, 'spam_pkg')
        self.assertNotIn('spam_pkg', sys.modules)

    def test_loader(self):
        class Loader:
            def create_module(self, spec):
                return None
            def exec_module(self, module):
                raise AssertionError('not to be called')
        loader = Loader()
        mod = import_helper.create_module('spam', loader)
        self.assertIs(mod.__spec__.loader, loader)
        self.assertIs(mod.__loader__, loader)

    def test_new_object_each_time(self):
        self.assertIsNot(import_helper.create_module('spam'),
                         import_helper.create_module('spam'))

    def test_bad_name(self):
        with self.assertRaisesRegex(TypeError, 'must be a str, not int'):
            import_helper.create_module(42)
        for name in ('', '.spam', 'spam.', 'spam..eggs'):
            with self.subTest(name=name):
                with self.assertRaisesRegex(ValueError,
                                            'invalid module name'):
                    import_helper.create_module(name)


class AddModuleTests(unittest.TestCase):

    def test_name(self):
        with import_helper.isolated_modules():
            mod = import_helper.add_module('spam')
            self.assertIs(sys.modules['spam'], mod)
            self.assertEqual(mod.__name__, 'spam')
        self.assertNotIn('spam', sys.modules)

    def test_spec(self):
        spec = importlib.machinery.ModuleSpec('spam', None)
        with import_helper.isolated_modules():
            mod = import_helper.add_module(spec)
            self.assertIs(mod.__spec__, spec)
            self.assertIs(sys.modules['spam'], mod)

    def test_replaces(self):
        with import_helper.isolated_modules():
            first = import_helper.add_module('spam')
            second = import_helper.add_module('spam')
            self.assertIsNot(first, second)
            self.assertIs(sys.modules['spam'], second)

    def test_parents(self):
        with import_helper.isolated_modules():
            mod = import_helper.add_module('spam.eggs.ham')
            spam = sys.modules['spam']
            eggs = sys.modules['spam.eggs']
            self.assertEqual(spam.__path__, [])
            self.assertEqual(eggs.__path__, [])
            self.assertIs(spam.eggs, eggs)
            self.assertIs(eggs.ham, mod)
        for name in ('spam', 'spam.eggs', 'spam.eggs.ham'):
            self.assertNotIn(name, sys.modules)

    def test_existing_parent_kept(self):
        with import_helper.isolated_modules():
            spam = import_helper.add_module('spam')
            mod = import_helper.add_module('spam.eggs')
            self.assertIs(sys.modules['spam'], spam)
            self.assertIs(spam.eggs, mod)

    def test_no_parents(self):
        with import_helper.isolated_modules():
            mod = import_helper.add_module('spam.eggs', parents=False)
            self.assertIs(sys.modules['spam.eggs'], mod)
            self.assertNotIn('spam', sys.modules)

    def test_bad_spec(self):
        with import_helper.isolated_modules():
            before = set(sys.modules)
            with self.assertRaisesRegex(TypeError,
                                        'module name or a ModuleSpec, '
                                        'not int'):
                import_helper.add_module(42)
            with self.assertRaisesRegex(ValueError, 'invalid module name'):
                import_helper.add_module('spam..eggs')
            bad_spec = importlib.machinery.ModuleSpec('', None)
            with self.assertRaisesRegex(ValueError, 'invalid module name'):
                import_helper.add_module(bad_spec)
            self.assertEqual(set(sys.modules), before)


class ModuleRestoredTests(unittest.TestCase):

    def test_copy_in_block_original_back(self):
        with import_helper.isolated_modules():
            orig = import_helper.add_module('spam')
            orig.x = 1
            with import_helper.module_restored('spam') as mod:
                self.assertIsNot(mod, orig)
                self.assertIs(sys.modules['spam'], mod)
                self.assertEqual(mod.x, 1)
                mod.x = 2
                mod.y = 3
                del mod.__doc__
            self.assertIs(sys.modules['spam'], orig)
            self.assertEqual(orig.x, 1)
            self.assertFalse(hasattr(orig, 'y'))
            self.assertTrue(hasattr(orig, '__doc__'))

    def test_restored_on_error(self):
        with import_helper.isolated_modules():
            orig = import_helper.add_module('spam')
            with self.assertRaises(ZeroDivisionError):
                with import_helper.module_restored('spam') as mod:
                    sys.modules['spam'] = 'replaced'
                    1/0
            self.assertIs(sys.modules['spam'], orig)

    def test_module_subclass(self):
        class MyModule(types.ModuleType):
            pass
        with import_helper.isolated_modules():
            orig = MyModule('spam')
            sys.modules['spam'] = orig
            with import_helper.module_restored('spam') as mod:
                self.assertIs(type(mod), MyModule)
            self.assertIs(sys.modules['spam'], orig)

    def test_main(self):
        main = sys.modules['__main__']
        with import_helper.module_restored('__main__') as mod:
            mod.spam_set_by_test = True
        self.assertIs(sys.modules['__main__'], main)
        self.assertFalse(hasattr(main, 'spam_set_by_test'))

    def test_missing(self):
        with import_helper.isolated_modules():
            with import_helper.module_restored('spam.eggs') as mod:
                self.assertIs(sys.modules['spam.eggs'], mod)
                self.assertNotIn('spam', sys.modules)
            self.assertNotIn('spam.eggs', sys.modules)

    def test_not_a_module(self):
        with import_helper.isolated_modules():
            sys.modules['spam'] = None
            with self.assertRaisesRegex(TypeError,
                                        r"sys.modules\['spam'\] is not a "
                                        "module: None"):
                with import_helper.module_restored('spam'):
                    pass
            self.assertIsNone(sys.modules['spam'])

    def test_bad_name(self):
        with self.assertRaisesRegex(TypeError, 'must be a str'):
            with import_helper.module_restored(None):
                pass
        with self.assertRaisesRegex(ValueError, 'invalid module name'):
            with import_helper.module_restored(''):
                pass


class MemoryErrorTests(unittest.TestCase):

    def test_inject_memory_error_cm(self):
        import_helper.import_module('_testcapi')
        with self.assertRaises(MemoryError):
            with support.inject_memory_error_cm(0, 1):
                bytearray(1000)
        # The allocators are back after the block.
        self.assertEqual(len(bytearray(1000)), 1000)
        with self.assertRaises(MemoryError):
            with support.inject_memory_error_cm():
                bytearray(1000)
        self.assertEqual(len(bytearray(1000)), 1000)
        # Allocations before start succeed.
        with support.inject_memory_error_cm(10**9):
            self.assertEqual(len(bytearray(1000)), 1000)

    def test_inject_memory_error_cm_bad_args(self):
        with self.assertRaisesRegex(TypeError, 'must be integers'):
            with support.inject_memory_error_cm('0'):
                pass
        with self.assertRaisesRegex(ValueError, 'must not be negative'):
            with support.inject_memory_error_cm(0, -1):
                pass

    def test_inject_memory_error_cm_no_testcapi(self):
        with mock.patch.dict(sys.modules, {'_testcapi': None}):
            with self.assertRaises(unittest.SkipTest):
                with support.inject_memory_error_cm(0, 1):
                    self.fail('block ran without _testcapi')

    def test_nomemtest(self):
        calls = []

        @support.nomemtest
        def test(*args, **kwargs):
            calls.append((args, kwargs))
            return 'result'

        self.assertEqual(test.__name__, 'test')
        import_helper.import_module('_testcapi')
        self.assertEqual(test(1, x=2), 'result')
        self.assertEqual(calls, [((1,), {'x': 2})])
        with mock.patch.dict(sys.modules, {'_testcapi': None}):
            with self.assertRaises(unittest.SkipTest):
                test()
        self.assertEqual(len(calls), 1)

    def test_nomemtest_in_all(self):
        self.assertIn('nomemtest', support.__all__)


if __name__ == '__main__':
    unittest.main()
