"""Tests for the low-level _interpqueues module (the 3.14 signatures)."""

import os
import textwrap
import threading
import unittest

from test.support import import_helper, script_helper

_interpqueues = import_helper.import_module('_interpqueues')
_interpreters = import_helper.import_module('_interpreters')

REMOVE = 1
ERROR = 2
REPLACE = 3
FALLBACK_NONE = 0
FALLBACK_FULL = 1


class QueueError(RuntimeError):
    pass


class QueueEmpty(QueueError):
    pass


class QueueFull(QueueError):
    pass


class Queue:

    def __init__(self, id):
        self.id = id


def setUpModule():
    # The high-level module may have registered its own types already;
    # ours only need to be QueueError subclasses for these tests.
    global QueueEmpty, QueueFull
    try:
        from concurrent.interpreters import _queues
    except ImportError:
        _interpqueues._register_heap_types(Queue, QueueEmpty, QueueFull)
    else:
        QueueEmpty = _queues.QueueEmpty
        QueueFull = _queues.QueueFull


class QueueTestBase(unittest.TestCase):

    def create(self, *args, **kwargs):
        qid = _interpqueues.create(*args, **kwargs)
        self.addCleanup(self.destroy, qid)
        return qid

    def destroy(self, qid):
        try:
            _interpqueues.destroy(qid)
        except _interpqueues.QueueNotFoundError:
            pass

    def new_interpreter(self):
        interpid = _interpreters.create()
        self.addCleanup(self.destroy_interpreter, interpid)
        return interpid

    def destroy_interpreter(self, interpid):
        try:
            _interpreters.destroy(interpid)
        except _interpreters.InterpreterNotFoundError:
            pass

    def put_from_interpreter(self, qid, items, **kwargs):
        interpid = self.new_interpreter()
        _interpqueues.bind(qid)
        self.addCleanup(_interpqueues.release, qid)
        script = textwrap.dedent(f"""
            import _interpqueues
            for item in {items!r}:
                _interpqueues.put({qid}, item, **{kwargs!r})
            """)
        excinfo = _interpreters.exec(interpid, script)
        self.assertIsNone(excinfo)
        return interpid


class CreateTests(QueueTestBase):

    def test_defaults(self):
        qid = self.create(0)
        self.assertEqual(_interpqueues.get_queue_defaults(qid),
                         (REPLACE, FALLBACK_FULL))

    def test_explicit_defaults(self):
        qid = self.create(5, REMOVE, FALLBACK_NONE)
        self.assertEqual(_interpqueues.get_queue_defaults(qid),
                         (REMOVE, FALLBACK_NONE))
        self.assertEqual(_interpqueues.get_maxsize(qid), 5)

    def test_keywords(self):
        qid = self.create(maxsize=1, unboundop=ERROR, fallback=FALLBACK_FULL)
        self.assertEqual(_interpqueues.get_queue_defaults(qid),
                         (ERROR, FALLBACK_FULL))

    def test_minus_one_means_default(self):
        qid = self.create(0, -1, -1)
        self.assertEqual(_interpqueues.get_queue_defaults(qid),
                         (REPLACE, FALLBACK_FULL))

    def test_bad_unboundop(self):
        for op in (0, 4, -2):
            with self.subTest(op=op):
                with self.assertRaises(ValueError):
                    _interpqueues.create(0, op)

    def test_bad_fallback(self):
        for fallback in (2, -2):
            with self.subTest(fallback=fallback):
                # By keyword: create(0, x, 2) is 3.13's create(maxsize,
                # fmt, unboundop) (see test_compat313_queues).
                with self.assertRaises(ValueError):
                    _interpqueues.create(0, REPLACE, fallback=fallback)

    def test_list_all(self):
        qid = self.create(0, ERROR, FALLBACK_NONE)
        self.assertIn((qid, ERROR, FALLBACK_NONE), _interpqueues.list_all())


class PutGetTests(QueueTestBase):

    def test_shareable_roundtrip(self):
        qid = self.create(0)
        for obj in [None, 1, 2.5, 'spam', b'eggs', (1, ('a',))]:
            with self.subTest(obj=obj):
                _interpqueues.put(qid, obj)
                self.assertEqual(_interpqueues.get(qid), (obj, None))

    def test_picklable_with_full_fallback(self):
        qid = self.create(0)
        _interpqueues.put(qid, [1, {'a': 2}])
        self.assertEqual(_interpqueues.get(qid), ([1, {'a': 2}], None))

    def test_no_fallback_rejects_list(self):
        qid = self.create(0, REPLACE, FALLBACK_NONE)
        with self.assertRaises(_interpreters.NotShareableError):
            _interpqueues.put(qid, [1])
        self.assertEqual(_interpqueues.get_count(qid), 0)

    def test_put_fallback_overrides_default(self):
        qid = self.create(0, REPLACE, FALLBACK_NONE)
        _interpqueues.put(qid, [1], fallback=FALLBACK_FULL)
        self.assertEqual(_interpqueues.get(qid), ([1], None))

    def test_unpicklable(self):
        qid = self.create(0)
        with self.assertRaises(_interpreters.NotShareableError) as cm:
            _interpqueues.put(qid, threading.Lock())
        self.assertIsNotNone(cm.exception.__cause__)

    def test_put_bad_unboundop(self):
        qid = self.create(0)
        with self.assertRaises(ValueError):
            _interpqueues.put(qid, 1, 5)

    def test_put_bad_fallback(self):
        qid = self.create(0)
        with self.assertRaises(ValueError):
            # By keyword: put(qid, 1, x, 3) is 3.13's put(qid, obj,
            # fmt, unboundop) (see test_compat313_queues).
            _interpqueues.put(qid, 1, REPLACE, fallback=3)

    def test_empty(self):
        qid = self.create(0)
        with self.assertRaisesRegex(QueueEmpty, f'queue {qid} is empty'):
            _interpqueues.get(qid)

    def test_full(self):
        qid = self.create(1)
        _interpqueues.put(qid, 1)
        self.assertTrue(_interpqueues.is_full(qid))
        with self.assertRaisesRegex(QueueFull, f'queue {qid} is full'):
            _interpqueues.put(qid, 2)

    def test_not_found(self):
        with self.assertRaisesRegex(_interpqueues.QueueNotFoundError,
                                    'queue 1000000 not found'):
            _interpqueues.get(1_000_000)

    def test_exception_names(self):
        self.assertEqual(_interpqueues.QueueError.__module__,
                         'concurrent.interpreters')
        self.assertEqual(_interpqueues.QueueNotFoundError.__module__,
                         'concurrent.interpreters')

    def test_count(self):
        qid = self.create(0)
        _interpqueues.put(qid, 1)
        _interpqueues.put(qid, 2)
        self.assertEqual(_interpqueues.get_count(qid), 2)

    def test_from_subinterpreter(self):
        qid = self.create(0)
        self.put_from_interpreter(qid, [[1, 2]])
        self.assertEqual(_interpqueues.get(qid), ([1, 2], None))


class UnboundTests(QueueTestBase):

    def put_then_destroy(self, default_op, **kwargs):
        qid = self.create(0, default_op)
        interpid = self.put_from_interpreter(qid, ['spam', [1]], **kwargs)
        self.assertEqual(_interpqueues.get_count(qid), 2)
        _interpreters.destroy(interpid)
        return qid

    def test_replace(self):
        qid = self.put_then_destroy(REPLACE)
        self.assertEqual(_interpqueues.get(qid), (None, REPLACE))
        self.assertEqual(_interpqueues.get(qid), (None, REPLACE))
        self.assertEqual(_interpqueues.get_count(qid), 0)

    def test_error(self):
        qid = self.put_then_destroy(ERROR)
        self.assertEqual(_interpqueues.get(qid), (None, ERROR))
        self.assertEqual(_interpqueues.get_count(qid), 1)

    def test_remove(self):
        qid = self.put_then_destroy(REMOVE)
        self.assertEqual(_interpqueues.get_count(qid), 0)
        with self.assertRaises(QueueEmpty):
            _interpqueues.get(qid)

    def test_put_overrides_queue_default(self):
        qid = self.put_then_destroy(REPLACE, unboundop=REMOVE)
        self.assertEqual(_interpqueues.get_count(qid), 0)

    def test_items_of_living_interpreter_kept(self):
        qid = self.create(0, REMOVE)
        self.put_from_interpreter(qid, ['spam'])
        self.assertEqual(_interpqueues.get(qid), ('spam', None))


class MainScriptPickleTests(unittest.TestCase):

    def test_class_from_callers_main(self):
        # An instance of a class defined in the caller's script is
        # unpickled in a subinterpreter that never ran the script.
        script = textwrap.dedent("""
            import _interpqueues, _interpreters

            class Point:
                def __init__(self, x):
                    self.x = x

            if __name__ == '__main__':
                qid = _interpqueues.create(0)
                _interpqueues.put(qid, Point(3))
                interpid = _interpreters.create()
                excinfo = _interpreters.exec(interpid, f'''if True:
                    import __main__, _interpqueues
                    point, _ = _interpqueues.get({qid})
                    assert point.x == 3, point.x
                    assert not hasattr(__main__, 'Point')
                    _interpqueues.put({qid}, point)
                    ''')
                assert excinfo is None, excinfo
                point, _ = _interpqueues.get(qid)
                assert type(point) is Point, type(point)
                print('ok')
            """)
        with os_helper_temp_script(script) as filename:
            res = script_helper.assert_python_ok(filename)
        self.assertEqual(res.out.strip(), b'ok')


def os_helper_temp_script(source):
    from test.support import os_helper
    import contextlib

    @contextlib.contextmanager
    def cm():
        with os_helper.temp_dir() as dirname:
            filename = os.path.join(dirname, 'script.py')
            with open(filename, 'w', encoding='utf-8') as file:
                file.write(source)
            yield filename
    return cm()


if __name__ == '__main__':
    unittest.main()
