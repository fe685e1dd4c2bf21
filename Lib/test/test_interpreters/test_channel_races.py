"""Channels: crashes, deadlocks and races, in _interpchannels and Channel.

The low-level _interpchannels module must not crash on closed channels,
and must never release an item (which can run Python code, for instance
the dealloc of a ChannelID, which takes the module's mutex) while it
holds a mutex.  The fork's Channel (concurrent.interpreters, built on
queues) must order send() and close(), and a Channel inside a pickled
container must survive its trip through a queue.

Programs that used to crash or hang run in a subprocess with a timeout,
so that a regression fails instead of stopping the test run.
"""

import gc
import pickle
import subprocess
import sys
import threading
import time
import unittest
from textwrap import dedent

from test import support
from test.support import import_helper, threading_helper
# Raise SkipTest if subinterpreters not supported.
_channels = import_helper.import_module('_interpchannels')
import _interpqueues
from concurrent import interpreters
from concurrent.interpreters._channel import Channel, ChannelClosedError


UNBOUND_REMOVE = 1
UNBOUND_ERROR = 2
UNBOUND_REPLACE = 3


def run_python(test, code):
    """Run code in a new interpreter process; fail on a crash or hang."""
    try:
        proc = subprocess.run([sys.executable, '-X', 'faulthandler',
                               '-c', dedent(code)],
                              capture_output=True, text=True,
                              timeout=support.SHORT_TIMEOUT)
    except subprocess.TimeoutExpired:
        test.fail(f'hung (killed after {support.SHORT_TIMEOUT} s)')
    test.assertEqual(proc.returncode, 0,
                     f'exit status {proc.returncode}\n{proc.stderr}')
    return proc.stdout


def cids(listed):
    return [int(entry[0]) for entry in listed]


class LowLevelTestBase(unittest.TestCase):

    def tearDown(self):
        for entry in _channels.list_all():
            try:
                _channels.destroy(entry[0])
            except _channels.ChannelNotFoundError:
                pass


class ListAllTests(LowLevelTestBase):
    """list_all() skips the channels that are closed (issue 12, A)."""

    def test_closed_channel_crash(self):
        # The four lines of the report, in a process of their own:
        # this segfaulted.
        out = run_python(self, """
            import _interpchannels as c
            i = c.create()
            c.close(i)
            print(c.list_all())
            """)
        self.assertEqual(out.strip(), '[]')

    def test_closed_channels_not_listed(self):
        a = _channels.create()
        b = _channels.create()
        c = _channels.create()
        _channels.close(b)
        self.assertEqual(sorted(cids(_channels.list_all())),
                         sorted([int(a), int(c)]))
        _channels.close(a)
        _channels.close(c)
        self.assertEqual(_channels.list_all(), [])

    def test_closing_channel_still_listed(self):
        # Closed for sending but not yet empty: still there.
        cid = _channels.create()
        _channels.send(cid, b'spam', blocking=False)
        _channels.close(cid, send=True)
        self.assertIn(int(cid), cids(_channels.list_all()))
        self.assertEqual(_channels.recv(cid), (b'spam', None))
        self.assertNotIn(int(cid), cids(_channels.list_all()))

    def test_destroyed_channel_not_listed(self):
        a = _channels.create()
        b = _channels.create()
        _channels.close(a)
        _channels.destroy(b)
        self.assertEqual(_channels.list_all(), [])

    def test_list_all_racing_close(self):
        # Another thread closes and creates channels while list_all()
        # runs: every entry names a channel that was open when listed.
        stop = threading.Event()
        errors = []

        def churn():
            deadline = time.monotonic() + support.SHORT_TIMEOUT
            try:
                for _ in range(2000):
                    if stop.is_set() or time.monotonic() > deadline:
                        break
                    cid = _channels.create()
                    _channels.close(cid)
                    _channels.destroy(cid)
            except Exception as exc:
                errors.append(exc)

        t = threading.Thread(target=churn)
        t.start()
        try:
            for _ in range(2000):
                for entry in _channels.list_all():
                    self.assertEqual(len(entry), 3)
                if not t.is_alive():
                    break
        finally:
            stop.set()
            threading_helper.join_thread(t)
        self.assertEqual(errors, [])


class NoReleaseUnderMutexTests(LowLevelTestBase):
    """Items are freed after the module mutex is released (issue 13.13).

    An item holding a ChannelID releases it when freed, and the
    ChannelID's dealloc takes the channels mutex: freeing the item
    while holding that mutex hung forever.
    """

    def test_channel_id_in_channel_at_exit(self):
        # The program of the report.
        run_python(self, """
            import _interpchannels as C
            a = C.create(3)
            b = C.create(3)
            C.send(b, a, blocking=False)
            """)

    def test_channel_holding_its_own_id_at_exit(self):
        for op in (UNBOUND_REMOVE, UNBOUND_ERROR, UNBOUND_REPLACE):
            with self.subTest(unboundop=op):
                run_python(self, f"""
                    import _interpchannels as C
                    a = C.create({op})
                    C.send(a, a, {op}, blocking=False)
                    del a
                    """)

    def test_last_id_dropped(self):
        # The last ChannelID of b frees b, whose item holds a's id.
        run_python(self, """
            import _interpchannels as C
            a = C.create(3)
            b = C.create(3)
            C.send(b, a, blocking=False)
            del a
            del b
            print(C.list_all())
            """)

    def test_force_close(self):
        run_python(self, """
            import _interpchannels as C
            a = C.create(3)
            b = C.create(3)
            C.send(b, a, blocking=False)
            del a
            C.close(b, force=True)
            print(C.list_all())
            """)

    def test_interpreter_closed_with_id_in_channel(self):
        # The interpreter's items are cleared when it is destroyed.
        for op in (UNBOUND_REMOVE, UNBOUND_ERROR, UNBOUND_REPLACE):
            with self.subTest(unboundop=op):
                run_python(self, f"""
                    import _interpchannels as C
                    from concurrent import interpreters
                    b = C.create({op})
                    interp = interpreters.create()
                    interp.prepare_main(b=b)
                    interp.exec('import _interpchannels as C; '
                                'a = C.create({op}); '
                                'C.send(b, a, {op}, blocking=False); '
                                'C.send(a, a, {op}, blocking=False)')
                    interp.close()
                    print("done")
                    """)


class ClearInterpreterTests(LowLevelTestBase):
    """Items removed with their interpreter leave the channel whole."""

    def test_item_removed_with_its_interpreter_was_last(self):
        # A removed item that was the last of the queue: the queue's
        # tail pointed at freed memory, and the next item was lost.
        cid = _channels.create(UNBOUND_REMOVE)
        _channels.send(cid, b'a', blocking=False)
        interp = interpreters.create()
        interp.prepare_main(cid=cid)
        interp.exec('import _interpchannels as C; '
                    f'C.send(cid, b"b", {UNBOUND_REMOVE}, blocking=False)')
        interp.close()
        _channels.send(cid, b'c', blocking=False)
        self.assertEqual(_channels.recv(cid), (b'a', None))
        self.assertEqual(_channels.recv(cid), (b'c', None))


class ListInterpretersTests(LowLevelTestBase):
    """list_interpreters() while other threads destroy interpreters."""

    def test_interpreters_destroyed_meanwhile(self):
        # A bounded stress test: the interpreters and the channel were
        # read without a lock, so a destroyed one could be read after
        # it was freed.  (It rarely crashed the old code.)
        cid = _channels.create()
        _channels.send(cid, b'main', blocking=False)
        stop = threading.Event()
        errors = []

        def churn():
            deadline = time.monotonic() + support.SHORT_TIMEOUT
            try:
                for _ in range(50):
                    if stop.is_set() or time.monotonic() > deadline:
                        break
                    interp = interpreters.create()
                    interp.prepare_main(cid=int(cid))
                    interp.exec('import _interpchannels as C; '
                                'C.send(cid, b"sub", blocking=False)')
                    interp.close()
            except Exception as exc:
                errors.append(exc)

        t = threading.Thread(target=churn)
        t.start()
        main = interpreters.get_main().id
        try:
            for _ in range(20_000):
                ids = _channels.list_interpreters(cid, send=True)
                self.assertIn(main, ids)
                if not t.is_alive():
                    break
        finally:
            stop.set()
            threading_helper.join_thread(t)
        self.assertEqual(errors, [])
        self.assertEqual(_channels.list_interpreters(cid, send=True), [main])


class ChannelEndIdTests(unittest.TestCase):
    """A channel end whose _id is not a ChannelID is not shareable."""

    def test_bad_id(self):
        # In a process of its own: registering end types replaces the
        # ones test.support.channels registered.
        out = run_python(self, """
            import _interpchannels, _testinternalcapi
            from concurrent import interpreters

            class End:
                pass
            _interpchannels._register_end_types(End, End)

            def check(end):
                try:
                    _testinternalcapi.get_crossinterp_data(end)
                except interpreters.NotShareableError as exc:
                    return type(exc.__cause__).__name__
                return 'shared'

            end = End()
            print(check(end))             # no _id at all
            for value in (5, 'spam', None, 2.0, object()):
                end._id = value
                print(check(end))
            interp = interpreters.create()
            try:
                interp.prepare_main(end=end)
            except interpreters.NotShareableError as exc:
                print(type(exc.__cause__).__name__)
            end._id = _interpchannels.create()
            print(check(end))
            """)
        self.assertEqual(out.split(),
                         ['AttributeError'] + ['TypeError'] * 6 + ['shared'])


class SendTimeoutTests(LowLevelTestBase):
    """A blocking send() that times out while a receiver has its item."""

    def test_receiver_took_the_item(self):
        # The receiver takes the item, then makes the object (here it
        # runs __setstate__(), which waits), and only then tells the
        # sender.  A sender timing out in between found no item to take
        # back and left: send() failed although the object was
        # received, and the receiver then wrote to the sender's freed
        # wait structure.  Now send() waits for the receiver and
        # succeeds.  The wait in __setstate__() is bounded: the sender
        # cannot finish before it ends, which is what is tested.
        out = run_python(self, """
            import threading
            import _interpchannels as C

            in_recv = threading.Event()
            sender_done = threading.Event()

            class Slow:
                def __reduce__(self):
                    return (Slow, (), {'x': 1})
                def __setstate__(self, state):
                    in_recv.set()
                    sender_done.wait(1.0)

            cid = C.create(3, 1)
            sent = []
            def send():
                try:
                    C.send(cid, Slow(), blocking=True, timeout=0.1)
                    sent.append('sent')
                except Exception as exc:
                    sent.append(type(exc).__name__)
                sender_done.set()
            got = []
            def recv():
                for _ in range(10_000):
                    try:
                        got.append(type(C.recv(cid)[0]).__name__)
                        return
                    except C.ChannelEmptyError:
                        threading.Event().wait(0.001)
            threads = [threading.Thread(target=send),
                       threading.Thread(target=recv)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            print(sent, got, in_recv.is_set())
            """)
        self.assertEqual(out.strip(), "['sent'] ['Slow'] True")


class Sleeper:
    """Pickling waits for an event, to widen a race window."""

    def __init__(self, started, proceed):
        self.started = started
        self.proceed = proceed

    def __reduce__(self):
        self.started.set()
        # A bounded wait: with the fix, close() cannot finish until
        # this send() does, so the event is never set before the
        # timeout; without it, close() ends at once.
        self.proceed.wait(0.5)
        return (int, (7,))


class ChannelSendCloseTests(unittest.TestCase):
    """send() and close() are ordered: the end marker comes last.

    A send() that succeeds delivers its object before the end of the
    channel; one that starts after close() raises ChannelClosedError
    (issue 13.10).
    """

    def drain(self, ch):
        got = []
        for _ in range(100_000):
            try:
                got.append(ch.recv(timeout=support.SHORT_TIMEOUT))
            except ChannelClosedError:
                return got
        self.fail('no end of channel')

    def assert_closed_after(self, ch, expected):
        self.assertEqual(self.drain(ch), expected)
        # Nothing arrives after the end of the channel.
        with self.assertRaises(ChannelClosedError):
            ch.recv(timeout=0)
        self.assertEqual(ch._items.qsize(), 1)   # just the end marker

    def test_close_while_send_converts(self):
        ch = Channel()
        started = threading.Event()
        closed = threading.Event()
        errors = []

        def close():
            started.wait(support.SHORT_TIMEOUT)
            ch.close()
            closed.set()

        t = threading.Thread(target=close)
        t.start()
        try:
            ch.send(Sleeper(started, closed))
        except ChannelClosedError as exc:
            errors.append(exc)
        threading_helper.join_thread(t)
        self.assertTrue(ch.closed)
        # The send began before close(): it succeeds, and its object
        # comes before the end of the channel.
        self.assertEqual(errors, [])
        self.assert_closed_after(ch, [7])

    def test_close_inside_send(self):
        # close() called while this thread's send() converts its object.
        ch = Channel()

        class Closer:
            def __reduce__(self):
                ch.close()
                return (str, ('sent',))

        ch.send(Closer())
        self.assertTrue(ch.closed)
        with self.assertRaises(ChannelClosedError):
            ch.send('late')
        self.assert_closed_after(ch, ['sent'])

    def test_send_inside_send(self):
        ch = Channel()

        class Sender:
            def __reduce__(self):
                ch.send('inner')
                return (str, ('outer',))

        ch.send(Sender())
        ch.close()
        self.assert_closed_after(ch, ['inner', 'outer'])

    def test_senders_racing_close(self):
        # Several threads send while another closes, lined up by a
        # barrier; every send that returned is received before the end,
        # none after.  Bounded in rounds and time.
        nsenders = 3
        deadline = time.monotonic() + support.SHORT_TIMEOUT
        for _ in range(20):
            if time.monotonic() > deadline:
                break
            ch = Channel()
            barrier = threading.Barrier(nsenders + 1)
            sent = [[] for _ in range(nsenders)]

            def sender(n):
                barrier.wait(support.SHORT_TIMEOUT)
                for i in range(1000):
                    try:
                        ch.send((n, i))
                    except ChannelClosedError:
                        return
                    sent[n].append((n, i))

            def closer():
                barrier.wait(support.SHORT_TIMEOUT)
                ch.close()

            threads = [threading.Thread(target=sender, args=(n,))
                       for n in range(nsenders)]
            threads.append(threading.Thread(target=closer))
            with threading_helper.start_threads(threads):
                pass
            got = self.drain(ch)
            self.assertEqual(sorted(got), sorted(sum(sent, [])))
            for n in range(nsenders):
                self.assertEqual([item for item in got if item[0] == n],
                                 sent[n])
            with self.assertRaises(ChannelClosedError):
                ch.recv(timeout=0)

    def test_close_from_other_interpreter_while_sending(self):
        interp = interpreters.create()
        self.addCleanup(interp.close)
        ch = Channel()
        started = threading.Event()
        closed = threading.Event()

        def close():
            started.wait(support.SHORT_TIMEOUT)
            interp.call(ch.close)
            closed.set()

        t = threading.Thread(target=close)
        t.start()
        ch.send(Sleeper(started, closed))
        threading_helper.join_thread(t)
        self.assert_closed_after(ch, [7])


class ChannelInTransitTests(unittest.TestCase):
    """A pickled Channel keeps its queues alive until unpickled (13.7)."""

    def queue_ids(self):
        return {entry[0] for entry in _interpqueues.list_all()}

    def test_channel_put_on_queue(self):
        q = interpreters.Queue()
        q.put(Channel())
        gc.collect()
        ch = q.get(timeout=support.SHORT_TIMEOUT)
        ch.send('spam')
        self.assertEqual(ch.recv(timeout=support.SHORT_TIMEOUT), 'spam')

    def test_channel_in_container(self):
        q = interpreters.Queue()
        ch = Channel()
        ch.send('ham')
        q.put([ch, {'ch': ch}])
        del ch
        gc.collect()
        first, rest = q.get(timeout=support.SHORT_TIMEOUT)
        self.assertIs(rest['ch'], first)
        self.assertEqual(first.recv(timeout=support.SHORT_TIMEOUT), 'ham')

    def test_channel_to_other_interpreter_through_queue(self):
        interp = interpreters.create()
        self.addCleanup(interp.close)
        q = interpreters.Queue()
        ch = Channel()
        q.put([ch])
        ids = (ch._items.id, ch._closed.id, ch._lock.id)
        del ch
        gc.collect()
        interp.prepare_main(q=q)
        interp.exec('ch, = q.get(timeout=10); ch.send("from sub")')
        for qid in ids:
            self.assertIn(qid, self.queue_ids())
        sub_ch = interp.call(eval, 'ch')
        self.assertEqual(sub_ch.recv(timeout=support.SHORT_TIMEOUT),
                         'from sub')

    def test_no_leak_after_round_trip(self):
        before = self.queue_ids()
        ch = Channel()
        for _ in range(3):
            self.assertIs(pickle.loads(pickle.dumps(ch)), ch)
        copy = pickle.loads(pickle.dumps([ch, ch]))
        self.assertIs(copy[0], ch)
        del ch, copy
        gc.collect()
        self.assertEqual(self.queue_ids(), before)

    def test_no_leak_after_queue_transit(self):
        before = self.queue_ids()
        q = interpreters.Queue()
        q.put([Channel()])
        ch, = q.get(timeout=support.SHORT_TIMEOUT)
        del ch, q
        gc.collect()
        self.assertEqual(self.queue_ids(), before)


if __name__ == '__main__':
    unittest.main()
