"""Memoryviews shared between interpreters.

A view passed to another interpreter points into the memory of the object
in the interpreter that shared it (the owner).  It must stay valid, and
must not crash anything, whichever interpreter goes away first.
"""

import hashlib
import io
import textwrap
import unittest

from test.support import import_helper
from test.support import script_helper

# Raise SkipTest if subinterpreters not supported.
_interpreters = import_helper.import_module('_interpreters')
from concurrent import interpreters


def run_isolated(script):
    """Run the script in a new process, so a crash fails only the test."""
    script = textwrap.dedent(script)
    return script_helper.assert_python_ok('-c', script)


class MemoryviewSharingTests(unittest.TestCase):

    def setUp(self):
        self.interp = interpreters.create()
        self.addCleanup(self.interp.close)

    def test_is_shareable(self):
        self.assertTrue(interpreters.is_shareable(memoryview(b'spam')))

    def test_reads_right_bytes(self):
        data = bytes(range(256)) * 4
        self.interp.prepare_main(mv=memoryview(data), expected=data)
        self.interp.exec(textwrap.dedent('''
            assert isinstance(mv, memoryview), type(mv)
            assert mv.nbytes == len(expected), mv.nbytes
            assert bytes(mv) == expected
            assert mv.readonly
            del mv
            '''))

    def test_through_queue(self):
        queue = interpreters.create_queue()
        data = b'through a queue'
        queue.put(memoryview(data))
        self.interp.prepare_main(queue=queue, expected=data)
        self.interp.exec(textwrap.dedent('''
            mv = queue.get()
            assert bytes(mv) == expected, bytes(mv)
            del mv
            '''))

    def test_writes_visible_to_owner(self):
        buf = bytearray(b'abcdef')
        self.interp.prepare_main(mv=memoryview(buf))
        self.interp.exec(textwrap.dedent('''
            assert not mv.readonly
            mv[0] = ord('X')
            mv[-2:] = b'YZ'
            '''))
        self.assertEqual(buf, bytearray(b'XbcdYZ'))
        # And the owner's writes are seen by the receiver.
        buf[1:3] = b'12'
        self.interp.exec(textwrap.dedent('''
            assert bytes(mv) == b'X12dYZ', bytes(mv)
            del mv
            '''))

    def test_released_by_receiver_while_owner_lives(self):
        buf = bytearray(b'resize me')
        self.interp.prepare_main(mv=memoryview(buf))
        self.interp.exec('del mv; import gc; gc.collect()')
        # The owner gets its buffer back once it runs again.
        for _ in range(10):
            try:
                buf.extend(b'!')
            except BufferError:
                continue
            break
        else:
            self.fail('the buffer was never released')
        self.assertEqual(buf, bytearray(b'resize me!'))

    def test_receiver_has_not_imported_interpreters(self):
        # The receiver needs _interpreters's view type, but need not
        # have imported the module itself.
        self.interp.exec(textwrap.dedent('''
            import sys
            assert '_interpreters' not in sys.modules
            '''))
        self.interp.prepare_main(mv=memoryview(b'no import needed'))
        self.interp.exec(textwrap.dedent('''
            assert bytes(mv) == b'no import needed', bytes(mv)
            del mv
            '''))

    def _view_from(self, script):
        """Return what the script put in a queue, run in self.interp."""
        queue = interpreters.create_queue()
        self.interp.prepare_main(queue=queue)
        self.interp.exec(textwrap.dedent(script))
        return queue.get_nowait()

    def test_reexport_read_only_refuses_writable(self):
        mv = self._view_from('''
            data = b'read only'
            queue.put(memoryview(data))
            ''')
        self.assertTrue(mv.readonly)
        # readinto() asks the buffer's exporter for a writable buffer.
        with self.assertRaises(TypeError):
            io.BytesIO(b'XY').readinto(mv.obj)
        self.assertEqual(bytes(mv), b'read only')

    def test_reexport_writable(self):
        mv = self._view_from('''
            buf = bytearray(b'writable')
            queue.put(memoryview(buf))
            ''')
        self.assertEqual(io.BytesIO(b'WR').readinto(mv.obj), 2)
        self.interp.exec("assert buf == bytearray(b'WRitable'), buf")
        del mv

    def test_reexport_strided_refuses_simple(self):
        mv = self._view_from('''
            data = b'abcdefgh'
            queue.put(memoryview(data)[::2])
            ''')
        self.assertEqual(bytes(mv), b'aceg')
        self.assertEqual(bytes(memoryview(mv.obj)), b'aceg')
        # hashlib asks for a simple (contiguous) buffer.
        with self.assertRaises(BufferError):
            hashlib.sha256(mv.obj)

    def test_reexport_simple(self):
        mv = self._view_from('''
            import array
            data = array.array('i', [1, 2, 3])
            queue.put(memoryview(data))
            ''')
        self.assertEqual(mv.format, 'i')
        expected = bytes(mv)
        # A simple consumer gets the raw bytes, with no format or shape.
        self.assertEqual(hashlib.sha256(mv.obj).digest(),
                         hashlib.sha256(expected).digest())
        self.assertEqual(bytes(memoryview(mv.obj)), expected)

    def test_shared_again_from_receiver(self):
        other = interpreters.create()
        self.addCleanup(other.close)
        queue = interpreters.create_queue()
        self.interp.prepare_main(mv=memoryview(b'passed on'), queue=queue)
        self.interp.exec('queue.put(mv); del mv')
        other.prepare_main(queue=queue)
        other.exec(textwrap.dedent('''
            mv = queue.get()
            assert bytes(mv) == b'passed on', bytes(mv)
            del mv
            '''))


class OwnerGoneTests(unittest.TestCase):

    def test_owner_closed_receiver_reads(self):
        run_isolated('''
            import gc
            from concurrent import interpreters
            owner = interpreters.create()
            receiver = interpreters.create()
            queue = interpreters.create_queue()
            owner.prepare_main(queue=queue)
            owner.exec("""if True:
                small = bytes(range(50))
                large = bytearray(b'x' * 100_000)
                large[:5] = b'owner'
                queue.put(memoryview(small))
                queue.put(memoryview(large))
                del small, large
                """)
            receiver.prepare_main(queue=queue)
            receiver.exec("""if True:
                small = queue.get()
                large = queue.get()
                """)
            owner.close()
            gc.collect()
            # Make the freed memory likely to be reused.
            junk = [bytearray(b'J' * 100_000) for _ in range(20)]
            junk += [bytes([255]) * 50 for _ in range(1000)]
            receiver.exec("""if True:
                import gc
                gc.collect()
                assert bytes(small) == bytes(range(50)), bytes(small)
                data = bytes(large)
                assert data[:5] == b'owner', data[:10]
                assert data[5:] == b'x' * 99_995
                # Still writable, and still readable afterwards.
                large[:5] = b'OWNER'
                assert bytes(large[:5]) == b'OWNER'
                """)
            receiver.close()
            ''')

    def test_owner_closed_receiver_releases(self):
        run_isolated('''
            import gc
            from concurrent import interpreters
            owner = interpreters.create()
            receiver = interpreters.create()
            queue = interpreters.create_queue()
            owner.prepare_main(queue=queue)
            owner.exec("""if True:
                buf = bytearray(b'released late')
                queue.put(memoryview(buf))
                """)
            receiver.prepare_main(queue=queue)
            receiver.exec("""if True:
                mv = queue.get()
                part = mv[9:]
                """)
            owner.close()
            receiver.exec("""if True:
                import gc
                assert bytes(part) == b'late', bytes(part)
                del mv
                gc.collect()
                assert bytes(part) == b'late', bytes(part)
                part.release()
                del part
                gc.collect()
                """)
            # Views made after the owner went away are fine too.
            receiver.exec("""if True:
                import gc
                gc.collect()
                """)
            receiver.close()
            ''')

    def test_owner_closed_before_item_taken(self):
        run_isolated('''
            from concurrent import interpreters
            from concurrent.interpreters import _queues
            owner = interpreters.create()
            queue = interpreters.create_queue()
            owner.prepare_main(queue=queue)
            owner.exec("queue.put(memoryview(b'never taken'))")
            owner.close()
            # The item is unbound now; taking or dropping it must not
            # touch the owner.
            item = queue.get_nowait()
            assert item is _queues.UNBOUND, item
            ''')

    def test_owner_is_main_receiver_alive_at_exit(self):
        # The main interpreter finalizes before its subinterpreters are
        # destroyed at exit, while they still hold views into its memory.
        run_isolated('''
            from concurrent import interpreters
            buf = bytearray(b'main owns this')
            receiver = interpreters.create()
            receiver.prepare_main(mv=memoryview(buf))
            receiver.exec("assert bytes(mv) == b'main owns this'")
            ''')

    def test_receiver_holds_at_exit_after_owner_closed(self):
        run_isolated('''
            from concurrent import interpreters
            owner = interpreters.create()
            receiver = interpreters.create()
            queue = interpreters.create_queue()
            owner.prepare_main(queue=queue)
            owner.exec("queue.put(memoryview(bytearray(b'kept till exit')))")
            receiver.prepare_main(queue=queue)
            receiver.exec("mv = queue.get()")
            owner.close()
            receiver.exec("assert bytes(mv) == b'kept till exit'")
            # The receiver is destroyed at exit, holding the view.
            ''')

    def test_lowlevel_destroy_main_receives(self):
        # The main interpreter holds a view into a destroyed one.
        run_isolated('''
            import gc
            import _interpreters
            from concurrent import interpreters
            queue = interpreters.create_queue()
            owner = _interpreters.create()
            _interpreters.set___main___attrs(owner, {'queue': queue})
            _interpreters.exec(owner, """if True:
                buf = bytearray(b'low level')
                queue.put(memoryview(buf))
                """)
            mv = queue.get()
            _interpreters.destroy(owner)
            gc.collect()
            assert bytes(mv) == b'low level', bytes(mv)
            mv[:3] = b'LOW'
            assert bytes(mv) == b'LOW level', bytes(mv)
            del mv
            gc.collect()
            ''')

if __name__ == '__main__':
    unittest.main()
