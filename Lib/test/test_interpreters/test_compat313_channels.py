"""_interpchannels called as code written for CPython 3.13 calls it.

The fork reports version 3.13.5, so code takes its 3.13 paths.  Every
call that 3.13.5's _interpchannels accepts keeps its meaning and the
shape of its result; the 3.14 forms are accepted beside them.  This file
uses only what 3.13.5 has, so that it passes on Debian's python3.13 too:

    REF313_BIND=$PWD ../shared/tools/ref313 \
        $PWD/Lib/test/test_interpreters/test_compat313_channels.py

The one call whose 3.13 and 3.14 results cannot both be kept is
list_all(): 3.13.5 gives (cid, unboundop) pairs and 3.14 gives
(cid, unboundop, fallback); the fork gives 3.14's triples, whose first
two items are 3.13's pair (see Doc/library/concurrent.interpreters.rst).
"""

import pickle
import unittest
from textwrap import dedent

from test import support
from test.support import import_helper
_channels = import_helper.import_module('_interpchannels')
_interpreters = import_helper.import_module('_interpreters')


REMOVE = 1
ERROR = 2
REPLACE = 3


def run_in(interpid, code):
    """Run code in the interpreter; fail on an uncaught exception.

    3.13.5's exec(id, code) returns None or a description of the error.
    """
    excinfo = _interpreters.exec(interpid, dedent(code))
    if excinfo is not None:
        raise AssertionError(f'uncaught in interpreter {interpid}: '
                             f'{excinfo!r}')


class Compat313Tests(unittest.TestCase):

    def setUp(self):
        self.interps = []

    def tearDown(self):
        for interpid in self.interps:
            try:
                _interpreters.destroy(interpid)
            except Exception:
                pass
        for entry in _channels.list_all():
            try:
                _channels.destroy(entry[0])
            except _channels.ChannelNotFoundError:
                pass

    def new_interp(self):
        interpid = _interpreters.create()
        self.interps.append(interpid)
        return interpid

    def test_create_takes_unboundop(self):
        for op in (REMOVE, ERROR, REPLACE):
            with self.subTest(op):
                cid = _channels.create(op)
                self.assertIsInstance(cid, _channels.ChannelID)
                self.assertEqual(_channels.get_channel_defaults(cid), op)
                cid = _channels.create(unboundop=op)
                self.assertEqual(_channels.get_channel_defaults(cid), op)

    def test_get_channel_defaults_is_an_int(self):
        # 3.13's channel helpers do: op = get_channel_defaults(cid);
        # unbound = (op,) and pass it back to send().
        cid = _channels.create(ERROR)
        op = _channels.get_channel_defaults(cid)
        self.assertIs(type(op), int)
        unbound = (op,)
        _channels.send(cid, b'spam', *unbound, blocking=False)
        self.assertEqual(_channels.recv(cid), (b'spam', None))

    def test_bad_unboundop(self):
        with self.assertRaises(ValueError):
            _channels.create(0)
        cid = _channels.create(REPLACE)
        with self.assertRaises(ValueError):
            _channels.send(cid, b'spam', 0, blocking=False)
        with self.assertRaises(ValueError):
            _channels.send_buffer(cid, b'spam', 4, blocking=False)

    def test_list_all_first_items(self):
        a = _channels.create(REMOVE)
        b = _channels.create(REPLACE)
        listed = {int(entry[0]): entry[1] for entry in _channels.list_all()}
        self.assertEqual(listed, {int(a): REMOVE, int(b): REPLACE})
        for entry in _channels.list_all():
            self.assertIsInstance(entry[0], _channels.ChannelID)

    def test_send_recv(self):
        cid = _channels.create(REPLACE)
        for obj in (b'spam', 'ham', 42, None, True, (1, 'two')):
            with self.subTest(obj):
                _channels.send(cid, obj, REPLACE, blocking=False)
                self.assertEqual(_channels.recv(cid), (obj, None))

    def test_send_buffer(self):
        cid = _channels.create(REPLACE)
        data = bytearray(b'eggs')
        _channels.send_buffer(cid, data, REPLACE, blocking=False)
        obj, op = _channels.recv(cid)
        self.assertIsNone(op)
        self.assertEqual(bytes(obj), b'eggs')

    def test_recv_default_and_empty(self):
        cid = _channels.create(REPLACE)
        marker = object()
        self.assertEqual(_channels.recv(cid, marker), (marker, None))
        with self.assertRaises(_channels.ChannelEmptyError):
            _channels.recv(cid)

    def test_blocking_send_times_out(self):
        cid = _channels.create(REPLACE)
        with self.assertRaises(TimeoutError):
            _channels.send(cid, b'spam', REPLACE, timeout=0.01)
        # The item was taken back.
        self.assertEqual(_channels.get_count(cid), 0)

    def test_unbound_replace_and_error(self):
        for op in (ERROR, REPLACE):
            with self.subTest(op):
                cid = _channels.create(op)
                _channels.send(cid, b'first', op, blocking=False)
                interpid = self.new_interp()
                run_in(interpid, f"""
                    import _interpchannels as _channels
                    _channels.send({int(cid)}, b'lost', {op},
                                   blocking=False)
                    """)
                _interpreters.destroy(interpid)
                self.assertEqual(_channels.recv(cid), (b'first', None))
                self.assertEqual(_channels.recv(cid), (None, op))

    def test_unbound_remove(self):
        cid = _channels.create(REMOVE)
        _channels.send(cid, b'first', REMOVE, blocking=False)
        interpid = self.new_interp()
        run_in(interpid, f"""
            import _interpchannels as _channels
            _channels.send({int(cid)}, b'lost', {REMOVE}, blocking=False)
            """)
        _interpreters.destroy(interpid)
        self.assertEqual(_channels.recv(cid), (b'first', None))
        with self.assertRaises(_channels.ChannelEmptyError):
            _channels.recv(cid)

    def send_from_destroyed(self, cid, *args):
        # Send from an interpreter that is then destroyed; return what
        # the channel holds after.
        interpid = self.new_interp()
        run_in(interpid, f"""
            import _interpchannels as _channels
            _channels.send({int(cid)}, b'lost', *{args!r}, blocking=False)
            """)
        _interpreters.destroy(interpid)
        return _channels.recv(cid, 'empty')

    def test_send_without_unboundop_replaces(self):
        # In 3.13.5, send() without unboundop puts the item with
        # "replace", whatever the channel's default.
        for op in (REMOVE, ERROR, REPLACE):
            with self.subTest(op):
                cid = _channels.create(op)
                _channels.send(cid, b'main', op, blocking=False)
                self.assertEqual(_channels.recv(cid), (b'main', None))
                self.assertEqual(self.send_from_destroyed(cid),
                                 (None, REPLACE))

    def test_send_minus_one_is_channel_default(self):
        # The 3.14 form: -1 means the channel's default.
        try:
            _channels.create(-1)
        except ValueError:
            self.skipTest('3.13.5 has no -1 form')
        cid = _channels.create(REMOVE)
        _channels.send(cid, b'main', REMOVE, blocking=False)
        self.assertEqual(_channels.recv(cid), (b'main', None))
        self.assertEqual(self.send_from_destroyed(cid, -1),
                         ('empty', None))
        cid = _channels.create(ERROR)
        _channels.send(cid, b'main', ERROR, blocking=False)
        self.assertEqual(_channels.recv(cid), (b'main', None))
        self.assertEqual(self.send_from_destroyed(cid, -1), (None, ERROR))

    def test_close_and_release(self):
        cid = _channels.create(REPLACE)
        _channels.send(cid, b'spam', REPLACE, blocking=False)
        _channels.close(cid, send=True)
        with self.assertRaises(_channels.ChannelClosedError):
            _channels.send(cid, b'ham', REPLACE, blocking=False)
        self.assertEqual(_channels.recv(cid), (b'spam', None))
        with self.assertRaises(_channels.ChannelClosedError):
            _channels.recv(cid)

        cid = _channels.create(REPLACE)
        _channels.release(cid, send=True, recv=True)
        with self.assertRaises(_channels.ChannelClosedError):
            _channels.send(cid, b'spam', REPLACE, blocking=False)

        cid = _channels.create(REPLACE)
        _channels.destroy(cid)
        with self.assertRaises(_channels.ChannelNotFoundError):
            _channels.send(cid, b'spam', REPLACE, blocking=False)

    def test_info_and_count(self):
        cid = _channels.create(REPLACE)
        _channels.send(cid, b'spam', REPLACE, blocking=False)
        self.assertEqual(_channels.get_count(cid), 1)
        info = _channels.get_info(cid)
        self.assertTrue(info.open)
        self.assertEqual(info.count, 1)
        self.assertTrue(info.send_associated)
        self.assertEqual(len(_channels.list_interpreters(cid, send=True)),
                         1)

    def test_channel_id(self):
        cid = _channels.create(REPLACE)
        same = _channels._channel_id(int(cid))
        self.assertEqual(same, cid)
        self.assertEqual(int(cid.send), int(cid))
        self.assertEqual(cid.send.end, 'send')
        self.assertEqual(cid.recv.end, 'recv')
        self.assertEqual(cid.end, 'both')

    def test_library_pattern(self):
        # What a 3.13 library does: pickle the request itself, send the
        # bytes, let a script in the other interpreter receive, compute
        # and send the pickled answer back on a second channel.
        requests = _channels.create(REPLACE)
        answers = _channels.create(REPLACE)
        interpid = self.new_interp()
        _channels.send(requests, pickle.dumps(('add', (2, 3))), REPLACE,
                       blocking=False)
        run_in(interpid, f"""
            import pickle
            import _interpchannels as _channels
            data, unbound = _channels.recv({int(requests)})
            assert unbound is None, unbound
            name, args = pickle.loads(data)
            result = {{'add': lambda a, b: a + b}}[name](*args)
            _channels.send({int(answers)}, pickle.dumps(result), 3,
                           blocking=False)
            """)
        data, unbound = _channels.recv(answers)
        self.assertIsNone(unbound)
        self.assertEqual(pickle.loads(data), 5)

    def test_channel_id_crosses(self):
        # A ChannelID is shareable: sent on a channel, it names the
        # same channel in the other interpreter.
        inner = _channels.create(REPLACE)
        outer = _channels.create(REPLACE)
        _channels.send(outer, inner, REPLACE, blocking=False)
        interpid = self.new_interp()
        run_in(interpid, f"""
            import _interpchannels as _channels
            cid, _ = _channels.recv({int(outer)})
            _channels.send(cid, b'through', 3, blocking=False)
            """)
        self.assertEqual(_channels.recv(inner), (b'through', None))


if __name__ == '__main__':
    unittest.main()
