"""Code written for Python 3.13 drives _interpqueues as it does on 3.13.

Libraries that see version 3.13 (anyio >= 4.8 in to_interpreter, for
one) call the low-level modules with 3.13.5's signatures:
create(maxsize, fmt, unboundop), put(qid, obj, fmt, unboundop), and
get() -> (obj, fmt, None) or (None, fmt, unboundop).  These tests use
only _interpqueues and _interpreters, the way such a library does, so
that they also pass unchanged on Debian's python3.13:

    REF313_BIND=$PWD ../shared/tools/ref313 \
        $PWD/Lib/test/test_interpreters/test_compat313_queues.py
"""

import pickle
import textwrap
import unittest

try:
    from test.support import import_helper
except ImportError:
    import_helper = None

if import_helper is not None:
    _interpqueues = import_helper.import_module('_interpqueues')
    _interpreters = import_helper.import_module('_interpreters')
else:
    import _interpqueues
    import _interpreters

# 3.13's values, as its test.support.interpreters.queues names them.
FMT_UNPICKLED = 0
FMT_PICKLED = 1
REMOVE = 1
ERROR = 2
REPLACE = 3

# What anyio's to_interpreter runs in the worker interpreter (3.13 path).
RUN_FUNC = compile(textwrap.dedent("""
    import _interpqueues
    from _interpreters import NotShareableError
    from pickle import loads, dumps, HIGHEST_PROTOCOL

    QUEUE_PICKLE_ARGS = (1, 2)
    QUEUE_UNPICKLE_ARGS = (0, 2)

    item = _interpqueues.get(queue_id)[0]
    try:
        func, args = loads(item)
        retval = func(*args)
    except BaseException as exc:
        is_exception = True
        retval = exc
    else:
        is_exception = False

    try:
        _interpqueues.put(queue_id, (retval, is_exception),
                          *QUEUE_UNPICKLE_ARGS)
    except NotShareableError:
        retval = dumps(retval, HIGHEST_PROTOCOL)
        _interpqueues.put(queue_id, (retval, is_exception),
                          *QUEUE_PICKLE_ARGS)
    """), '<string>', 'exec')


class Worker:
    """anyio's _Worker for Python 3.13, reduced to its calls."""

    def __init__(self):
        self.interpid = _interpreters.create()
        self.qid = _interpqueues.create(1, FMT_UNPICKLED, ERROR)
        _interpqueues.bind(self.qid)
        _interpreters.set___main___attrs(self.interpid,
                                         {'queue_id': self.qid})

    def destroy(self):
        _interpqueues.destroy(self.qid)
        _interpreters.destroy(self.interpid)

    def call(self, func, args):
        item = pickle.dumps((func, args), pickle.HIGHEST_PROTOCOL)
        _interpqueues.put(self.qid, item, FMT_PICKLED, ERROR)
        excinfo = _interpreters.exec(self.interpid, RUN_FUNC)
        if excinfo:
            raise RuntimeError(excinfo)
        res = _interpqueues.get(self.qid)
        (res, is_exception), fmt = res[:2]
        if fmt == FMT_PICKLED:
            res = pickle.loads(res)
        if is_exception:
            raise res
        return res


class LibraryPatternTests(unittest.TestCase):

    def setUp(self):
        self.worker = Worker()
        self.addCleanup(self.worker.destroy)

    def test_shareable_result(self):
        # The result tuple is shareable: it comes back unpickled.
        self.assertEqual(self.worker.call(divmod, (7, 2)), (3, 1))

    def test_pickled_result(self):
        # A list is not shareable: the worker pickles it (fmt=1).
        self.assertEqual(self.worker.call(sorted, ('cba',)),
                         ['a', 'b', 'c'])

    def test_exception(self):
        with self.assertRaises(ValueError):
            self.worker.call(int, ('spam',))

    def test_many_calls(self):
        for i in range(20):
            self.assertEqual(self.worker.call(pow, (i, 2)), i * i)


class LowLevelTests(unittest.TestCase):

    def create(self, *args, **kwargs):
        qid = _interpqueues.create(*args, **kwargs)
        self.addCleanup(self.destroy, qid)
        return qid

    def destroy(self, qid):
        try:
            _interpqueues.destroy(qid)
        except _interpqueues.QueueNotFoundError:
            pass

    def test_create_defaults(self):
        qid = self.create(1, FMT_UNPICKLED, ERROR)
        self.assertEqual(_interpqueues.get_queue_defaults(qid),
                         (FMT_UNPICKLED, ERROR))
        self.assertIn((qid, FMT_UNPICKLED, ERROR), _interpqueues.list_all())
        self.assertEqual(_interpqueues.get_maxsize(qid), 1)

    def test_create_keywords(self):
        qid = self.create(maxsize=2, fmt=FMT_PICKLED, unboundop=REPLACE)
        self.assertEqual(_interpqueues.get_queue_defaults(qid),
                         (FMT_PICKLED, REPLACE))

    def test_create_bad_unboundop(self):
        with self.assertRaises(ValueError):
            _interpqueues.create(1, FMT_UNPICKLED, 4)

    def test_get_shape(self):
        qid = self.create(0, FMT_UNPICKLED, REPLACE)
        _interpqueues.put(qid, b'spam', FMT_PICKLED, ERROR)
        _interpqueues.put(qid, 42, FMT_UNPICKLED, ERROR)
        _interpqueues.put(qid, obj=b'eggs', fmt=FMT_PICKLED,
                          unboundop=REPLACE)
        self.assertEqual(_interpqueues.get(qid), (b'spam', FMT_PICKLED, None))
        self.assertEqual(_interpqueues.get(qid), (42, FMT_UNPICKLED, None))
        self.assertEqual(_interpqueues.get(qid), (b'eggs', FMT_PICKLED, None))

    def test_pickled_round_trip(self):
        qid = self.create(0, FMT_PICKLED, REPLACE)
        obj = {'a': [1, 2], 'b': None}
        _interpqueues.put(qid, pickle.dumps(obj), FMT_PICKLED, REPLACE)
        data, fmt, unbound = _interpqueues.get(qid)
        self.assertIsNone(unbound)
        self.assertEqual(fmt, FMT_PICKLED)
        self.assertEqual(pickle.loads(data), obj)

    def test_fmt_one_unboundop_remove(self):
        # put(qid, obj, 1, 1) means fmt 1 and unboundop REMOVE in 3.13.
        qid = self.create(0, FMT_UNPICKLED, REPLACE)
        _interpqueues.put(qid, b'spam', FMT_PICKLED, REMOVE)
        self.assertEqual(_interpqueues.get(qid), (b'spam', FMT_PICKLED, None))

    def test_not_shareable(self):
        # 3.13 queues share only the registered types.
        qid = self.create(0, FMT_UNPICKLED, REPLACE)
        with self.assertRaises(_interpreters.NotShareableError):
            _interpqueues.put(qid, [1, 2], FMT_UNPICKLED, REPLACE)
        self.assertEqual(_interpqueues.get_count(qid), 0)

    def test_empty(self):
        qid = self.create(0, FMT_UNPICKLED, REPLACE)
        with self.assertRaises(_interpqueues.QueueError):
            _interpqueues.get(qid)

    def test_full(self):
        qid = self.create(1, FMT_UNPICKLED, REPLACE)
        self.assertFalse(_interpqueues.is_full(qid))
        _interpqueues.put(qid, 1, FMT_UNPICKLED, REPLACE)
        self.assertTrue(_interpqueues.is_full(qid))
        with self.assertRaises(_interpqueues.QueueError):
            _interpqueues.put(qid, 2, FMT_UNPICKLED, REPLACE)

    def unbound_items(self, unboundop):
        qid = self.create(0, FMT_PICKLED, REPLACE)
        interpid = _interpreters.create()
        _interpreters.set___main___attrs(interpid, {'qid': qid})
        excinfo = _interpreters.exec(interpid, textwrap.dedent(f"""
            import _interpqueues
            _interpqueues.put(qid, b'spam', {FMT_PICKLED}, {unboundop})
            _interpqueues.put(qid, 7, {FMT_UNPICKLED}, {unboundop})
            """))
        self.assertIsNone(excinfo)
        _interpreters.destroy(interpid)
        return qid

    def test_unbound_replace(self):
        qid = self.unbound_items(REPLACE)
        self.assertEqual(_interpqueues.get(qid), (None, FMT_PICKLED, REPLACE))
        self.assertEqual(_interpqueues.get(qid),
                         (None, FMT_UNPICKLED, REPLACE))

    def test_unbound_error(self):
        qid = self.unbound_items(ERROR)
        self.assertEqual(_interpqueues.get(qid), (None, FMT_PICKLED, ERROR))

    def test_unbound_remove(self):
        qid = self.unbound_items(REMOVE)
        self.assertEqual(_interpqueues.get_count(qid), 0)


if __name__ == '__main__':
    unittest.main()
