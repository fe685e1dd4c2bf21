"""concurrent.interpreters.transfer(): zero-copy moves (a fork extension,
SPEC B7).

The zero-copy checks compare buffer addresses.  Since a copy could land
at the address just freed, each test that expects the same address keeps
a "blocker" of the same size allocated while the token is in flight: a
copy would then get another address.
"""

import array
import ctypes
import gc
import os
import pickle
import sys
import sysconfig
import textwrap
import threading
import unittest

from test import support
from test.support import import_helper
from test.support import script_helper

# Raise SkipTest if subinterpreters not supported.
_interpreters = import_helper.import_module('_interpreters')
_interpmem = import_helper.import_module('_interpmem')
from concurrent import interpreters
from concurrent.interpreters import transfer

# Not support.with_pymalloc(): it imports _testcapi, which a subinterpreter
# that imports this module (to unpickle its functions) cannot import.
WITH_PYMALLOC = bool(sysconfig.get_config_var('WITH_PYMALLOC'))


# Large enough for pymalloc to hand it to the raw allocator (> 512 bytes),
# so that it moves without a copy.
BIG = 100_000


def address(obj):
    if len(obj) == 0:
        return None
    if isinstance(obj, array.array):
        return obj.buffer_info()[0]
    return ctypes.addressof(ctypes.c_char.from_buffer(obj))


def live_moved():
    support.gc_collect()
    return _interpmem._live_counts()[1]


def zero_copy_expected():
    # tracemalloc's hooks (and unknown allocators) make transfer() copy.
    import tracemalloc
    return not tracemalloc.is_tracing()


def _received(obj):
    """Run in the receiver: describe what arrived."""
    import array
    import ctypes
    if not obj:
        addr = None
    elif isinstance(obj, array.array):
        addr = obj.buffer_info()[0]
    else:
        addr = ctypes.addressof(ctypes.c_char.from_buffer(obj))
    return type(obj).__name__, len(obj), addr, obj[:4].tobytes() if isinstance(obj, array.array) else bytes(obj[:4])


def _give(kind, size):
    """Run in the sender: transfer a new object, return (token, addr)."""
    import array
    import ctypes
    from concurrent.interpreters import transfer
    if kind == 'bytearray':
        obj = bytearray(b'abcd') * (size // 4)
        addr = ctypes.addressof(ctypes.c_char.from_buffer(obj))
    else:
        obj = array.array('b', b'abcd') * (size // 4)
        addr = obj.buffer_info()[0]
    token = transfer(obj)
    assert len(obj) == 0
    return token, addr


def _receive_from_queue(queue):
    return _received(queue.get(timeout=10))


def _receive_from_channel(channel):
    return _received(channel.recv(timeout=10))


def _receive_pickled(items):
    return [_received(x) for x in items]


class TransferTests(unittest.TestCase):

    def setUp(self):
        self.interp = interpreters.create()
        self.addCleanup(self.interp.close)

    def check_received(self, info, kind, size, addr, blocker=None):
        name, length, received_addr, head = info
        self.assertEqual(name, kind)
        self.assertEqual(length, size)
        self.assertEqual(head, b'abcd')
        if size > 512 and zero_copy_expected():
            self.assertEqual(received_addr, addr)

    def make(self, kind, size=BIG):
        if kind == 'bytearray':
            obj = bytearray(b'abcd') * (size // 4)
        else:
            obj = array.array('b', b'abcd') * (size // 4)
        return obj, address(obj)

    # --- in the sender

    def test_sender_emptied(self):
        for kind in ('bytearray', 'array'):
            obj, addr = self.make(kind)
            token = transfer(obj)
            self.assertEqual(len(obj), 0)
            self.assertEqual(bytes(obj), b'')
            # The emptied object is usable.
            obj.extend(b'xy')
            self.assertEqual(bytes(obj), b'xy')
            self.assertIn('pending', repr(token))
            self.assertFalse(token.received)

    def test_bad_types(self):
        class MyBytearray(bytearray):
            pass
        class MyArray(array.array):
            pass
        for obj in (b'abc', 'abc', memoryview(bytearray(4)), [1, 2],
                    MyBytearray(b'abc'), MyArray('b', b'abc'), None,
                    interpreters.SharedBuffer(8)):
            with self.subTest(obj=type(obj)):
                with self.assertRaisesRegex(TypeError, 'bytearray'):
                    transfer(obj)
        with self.assertRaises(TypeError):
            transfer()
        with self.assertRaises(TypeError):
            type(transfer(bytearray()))()

    def test_live_exports(self):
        for kind in ('bytearray', 'array'):
            for size in (12, BIG):
                obj, addr = self.make(kind, size)
                view = memoryview(obj)
                with self.assertRaises(BufferError):
                    transfer(obj)
                self.assertEqual(len(obj), size)
                self.assertEqual(address(obj), addr)
                self.assertEqual(bytes(view[:4]), b'abcd')
                view.release()
                transfer(obj)
                self.assertEqual(len(obj), 0)

    def test_empty_and_small(self):
        for kind in ('bytearray', 'array'):
            for size in (0, 4, 512):
                with self.subTest(kind=kind, size=size):
                    obj, _ = self.make(kind, size)
                    res = self.interp.call(_received, transfer(obj))
                    self.assertEqual(res[:2], (kind, size))

    def test_array_typecodes(self):
        for code in 'bBhHiIlLqQfdw':
            with self.subTest(typecode=code):
                if code == 'w':
                    obj = array.array(code, 'xyz' * 1000)
                else:
                    obj = array.array(code, range(100)) * 10
                expected = obj.tolist()
                addr = address(obj)
                blocker = array.array(code, obj)
                res = self.interp.call(_roundtrip, transfer(obj))
                self.assertEqual(res.typecode, code)
                self.assertEqual(res.tolist(), expected)
                if zero_copy_expected():
                    self.assertEqual(address(res), addr)
                del blocker

    def test_bytearray_with_offset(self):
        # del ba[:n] leaves the data after the start of the block.
        obj = bytearray(range(256)) * 400
        del obj[:1000]
        expected = bytes(obj)
        res = self.interp.call(_roundtrip, transfer(obj))
        self.assertEqual(bytes(res), expected)
        res.extend(b'more')
        del res[:5]
        self.assertEqual(bytes(res), expected[5:] + b'more')

    def test_receive_here(self):
        obj, addr = self.make('bytearray')
        blocker = bytearray(BIG)
        token = transfer(obj)
        res = token.receive()
        self.assertEqual(address(res), addr)
        self.assertTrue(token.received)
        self.assertIn('received', repr(token))
        with self.assertRaisesRegex(RuntimeError, 'already received'):
            token.receive()
        del blocker

    # --- the paths

    def check_path(self, send):
        for kind in ('bytearray', 'array'):
            with self.subTest(kind=kind):
                obj, addr = self.make(kind)
                blocker, _ = self.make(kind)
                info = send(transfer(obj))
                self.check_received(info, kind, BIG, addr)
                del blocker

    def test_call_argument(self):
        self.check_path(lambda tok: self.interp.call(_received, tok))

    def test_prepare_main(self):
        def send(token):
            self.interp.prepare_main(moved=token)
            return self.interp.call(_received_main)
        self.check_path(send)

    def test_queue(self):
        queue = interpreters.create_queue()
        def send(token):
            queue.put(token)
            return self.interp.call(_receive_from_queue, queue)
        self.check_path(send)

    def test_channel(self):
        channel = interpreters.Channel()
        def send(token):
            channel.send(token)
            return self.interp.call(_receive_from_channel, channel)
        self.check_path(send)

    def test_pickled_container(self):
        def send(token):
            res = self.interp.call(_receive_pickled, [token])
            return res[0]
        self.check_path(send)
        queue = interpreters.create_queue()
        def send(token):
            queue.put({'t': [token]})
            self.interp.prepare_main(queue=queue)
            self.interp.exec(textwrap.dedent('''
                import __main__
                __main__.got = queue.get(timeout=10)['t'][0]
                '''))
            return self.interp.call(_received_main, 'got')
        self.check_path(send)

    def test_call_result(self):
        for kind in ('bytearray', 'array'):
            with self.subTest(kind=kind):
                token_and_addr = self.interp.call(_give_and_keep, kind, BIG)
                obj, addr = token_and_addr
                self.assertEqual(type(obj).__name__, kind)
                self.assertEqual(len(obj), BIG)
                self.assertEqual(bytes(obj[:4]), b'abcd')
                if zero_copy_expected():
                    self.assertEqual(address(obj), addr)

    def test_executor_task(self):
        from concurrent.futures import InterpreterPoolExecutor
        obj, addr = self.make('bytearray')
        blocker = bytearray(BIG)
        with InterpreterPoolExecutor(max_workers=1) as executor:
            info = executor.submit(_received, transfer(obj)).result(
                timeout=support.SHORT_TIMEOUT)
        self.check_received(info, 'bytearray', BIG, addr)
        del blocker

    # --- one-shot and lifetimes

    def test_received_once(self):
        obj, _ = self.make('bytearray')
        token = transfer(obj)
        queue = interpreters.create_queue()
        queue.put(token)
        queue.put(token)
        self.interp.call(_receive_from_queue, queue)
        with self.assertRaisesRegex(RuntimeError, 'already received'):
            queue.get(timeout=support.SHORT_TIMEOUT)
        with self.assertRaises((interpreters.ExecutionFailed,
                                interpreters.NotShareableError)) as cm:
            self.interp.call(_received, token)
        self.assertIn('already received', str(cm.exception.__cause__))
        data = pickle.dumps(token)
        with self.assertRaisesRegex(RuntimeError, 'already received'):
            pickle.loads(data)

    def test_pickle_loaded_once(self):
        obj, addr = self.make('bytearray')
        data = pickle.dumps(transfer(obj))
        res = pickle.loads(data)
        self.assertEqual(address(res), addr)
        with self.assertRaisesRegex(RuntimeError, 'already received'):
            pickle.loads(data)
        with self.assertRaises(RuntimeError):
            _interpmem._receive_pickled(-1)

    def test_dropped_unreceived_frees(self):
        before = live_moved()
        for kind in ('bytearray', 'array'):
            for size in (8, BIG):
                obj, _ = self.make(kind, size)
                token = transfer(obj)
                self.assertEqual(live_moved(), before + 1)
                del token
                self.assertEqual(live_moved(), before)
        # Made and dropped in another interpreter, or received there.
        self.interp.exec(textwrap.dedent('''
            from concurrent.interpreters import transfer
            t = transfer(bytearray(100_000))
            del t
            '''))
        self.interp.prepare_main(moved=transfer(self.make('array')[0]))
        self.interp.exec('del moved')
        self.assertEqual(live_moved(), before)

    def test_token_in_queue_of_closed_sender(self):
        # The putter goes away: its items are unbound, the token dropped
        # and its memory freed.
        before = live_moved()
        interp = interpreters.create()
        queue = interpreters.create_queue()
        interp.prepare_main(queue=queue)
        interp.exec(textwrap.dedent('''
            from concurrent.interpreters import transfer
            queue.put(transfer(bytearray(100_000)))
            queue.put(transfer(bytearray(10)))
            '''))
        interp.close()
        self.assertIs(queue.get(timeout=support.SHORT_TIMEOUT),
                      interpreters._queues.UNBOUND)
        self.assertIs(queue.get(timeout=support.SHORT_TIMEOUT),
                      interpreters._queues.UNBOUND)
        self.assertEqual(live_moved(), before)

    def test_received_outlives_sender(self):
        interp = interpreters.create()
        # The token in the result is received in this interpreter.
        res, addr = interp.call(_give, 'bytearray', BIG)
        interp.close()
        self.assertIsInstance(res, bytearray)
        self.assertEqual(len(res), BIG)
        self.assertEqual(bytes(res[:4]), b'abcd')
        res.extend(b'tail')    # realloc() of a moved block
        self.assertEqual(bytes(res[-4:]), b'tail')

    def test_concurrent_receivers(self):
        # Two interpreters race to receive the same token: one wins.
        obj, _ = self.make('bytearray')
        token = transfer(obj)
        interps = [interpreters.create() for _ in range(2)]
        for interp in interps:
            self.addCleanup(interp.close)
        barrier = threading.Barrier(2)
        results = []

        def receive(interp):
            barrier.wait()
            try:
                results.append(interp.call(_received, token)[1])
            except Exception as exc:
                # The loser's argument cannot be made in its interpreter.
                cause = exc.__cause__ or exc
                results.append(str(cause))

        threads = [threading.Thread(target=receive, args=(i,))
                   for i in interps]
        for t in threads:
            t.start()
        for t in threads:
            t.join(support.SHORT_TIMEOUT)
        self.assertEqual(len(results), 2, results)
        self.assertIn(BIG, results)
        results.remove(BIG)
        self.assertIn('already received', results[0])


def _roundtrip(obj):
    """Run in the receiver: send it back, moved again."""
    from concurrent.interpreters import transfer
    return transfer(obj)


def _received_main(name='moved'):
    import __main__
    return _received(getattr(__main__, name))


def _give_and_keep(kind, size):
    token, addr = _give(kind, size)
    return token, addr


@unittest.skipUnless(WITH_PYMALLOC, 'needs pymalloc (not in sanitizer builds)')
class AccountingTests(unittest.TestCase):
    """A moved block leaves the sender's count of allocated blocks and
    joins the receiver's (patch obmalloc-moved-blocks): otherwise each
    would seem to leak and keep its arenas when closed."""

    def test_blocks_follow_the_memory(self):
        n = 200
        interp = interpreters.create()
        self.addCleanup(interp.close)
        queue = interpreters.create_queue()
        interp.prepare_main(queue=queue, n=n)
        interp.exec(textwrap.dedent('''
            import _interpmem
            from concurrent.interpreters import transfer
            def send(count):
                for _ in range(count):
                    queue.put(transfer(bytearray(100_000)))
            send(2)                 # warm up
            before = _interpmem._allocated_blocks()
            send(n)
            sender_delta = _interpmem._allocated_blocks() - before
            '''))
        for _ in range(2):
            queue.get(timeout=support.SHORT_TIMEOUT)
        before = _interpmem._allocated_blocks()
        received = [queue.get(timeout=support.SHORT_TIMEOUT)
                    for _ in range(n)]
        receiver_delta = _interpmem._allocated_blocks() - before
        sender_delta = interp.call(eval, 'sender_delta')
        self.assertEqual({len(b) for b in received}, {100_000})
        # Small objects come and go meanwhile: allow some noise.
        self.assertLess(abs(sender_delta), n // 4)
        if sys._xoptions.get('tracemalloc') is None and \
                os.environ.get('PYTHONMALLOC', 'pymalloc').startswith('py'):
            self.assertGreater(receiver_delta, n * 3 // 4)
        before = _interpmem._allocated_blocks()
        del received
        self.assertLess(_interpmem._allocated_blocks() - before,
                        -(n * 3 // 4) if receiver_delta > n // 2 else 1)


@unittest.skipUnless(WITH_PYMALLOC, 'needs pymalloc (not in sanitizer builds)')
class AllocatorTests(unittest.TestCase):
    """The move is safe with every allocator: run the paths in a child
    process with each PYTHONMALLOC setting (and tracemalloc, which copies)."""

    SCRIPT = textwrap.dedent('''
        import array, ctypes, sys
        from concurrent import interpreters
        from concurrent.interpreters import transfer

        def addr(obj):
            if isinstance(obj, array.array):
                return obj.buffer_info()[0]
            return ctypes.addressof(ctypes.c_char.from_buffer(obj))

        same = 0
        interps = [interpreters.create() for _ in range(2)]
        for size in (10, 600, 100_000):
            for make in (lambda: bytearray(b'x' * size),
                         lambda: array.array('d', [1.5] * size)):
                obj = make()
                a = addr(obj)
                blocker = make()
                # main -> sub -> other sub -> main, freed at each hop
                # by the receiver's allocator.
                q = interpreters.create_queue()
                q.put(transfer(obj))
                for interp in interps:
                    interp.prepare_main(q=q)
                    interp.exec(
                        'from concurrent.interpreters import transfer\\n'
                        'x = q.get(); x.append(x[0]); q.put(transfer(x))')
                back = q.get()
                assert len(back) == size + 2, (len(back), size)
                same += addr(back) == a
                del back, blocker
        for interp in interps:
            interp.exec('import gc; gc.collect()')
            interp.close()
        print(same)
        ''')

    def run_with(self, *args, **env):
        rc, out, err = script_helper.assert_python_ok(
            *args, '-c', self.SCRIPT, **env)
        return int(out)

    def test_allocators(self):
        for name in ('pymalloc', 'malloc', 'debug', 'pymalloc_debug',
                     'malloc_debug'):
            with self.subTest(PYTHONMALLOC=name):
                # extend() may reallocate, so only count: at least the
                # blocks that grew in place.
                self.run_with(PYTHONMALLOC=name)

    def test_tracemalloc_copies(self):
        # tracemalloc's hooks hide the allocator: the memory is copied.
        # (Only in the main interpreter: tracemalloc itself crashes with
        # subinterpreters in 3.13, transfer() or not.)
        script = textwrap.dedent('''
            import array
            from concurrent.interpreters import transfer
            obj = bytearray(b'y' * 100_000)
            a = obj
            res = transfer(obj).receive()
            arr = transfer(array.array('q', range(10_000))).receive()
            print(len(res), bytes(res[:2]), arr[-1])
            ''')
        for malloc in ('pymalloc', 'debug'):
            rc, out, err = script_helper.assert_python_ok(
                '-X', 'tracemalloc', '-c', script, PYTHONMALLOC=malloc)
            self.assertEqual(out.split(), [b'100000', b"b'yy'", b'9999'])


if __name__ == '__main__':
    unittest.main()
