"""Queues stay sound when interpreters, threads and fork() interleave.

Programs that hung or crashed before are run in a subprocess with a
timeout, so that a regression fails instead of hanging the test run.
"""

import subprocess
import sys
import textwrap
import threading
import unittest

from test import support
from test.support import import_helper

_interpqueues = import_helper.import_module('_interpqueues')
_interpreters = import_helper.import_module('_interpreters')
from concurrent import interpreters


def queue_ids():
    return {qid for qid, *_ in _interpqueues.list_all()}


class SubprocessMixin:

    def run_ok(self, script):
        # Return the stdout of the script; fail if it fails or hangs.
        script = textwrap.dedent(script)
        try:
            proc = subprocess.run([sys.executable, '-X', 'faulthandler',
                                   '-c', script],
                                  capture_output=True, text=True,
                                  timeout=support.SHORT_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.fail(f'the script hung:\n{script}')
        self.assertEqual(proc.returncode, 0,
                         f'stdout: {proc.stdout}\nstderr: {proc.stderr}')
        return proc.stdout


class FreeOutsideLockTests(SubprocessMixin, unittest.TestCase):
    # Items were freed while the global lock was held, and freeing an
    # item that holds a queue takes that lock again (13.2, 13.13).

    def test_close_after_putting_a_queue(self):
        out = self.run_ok("""
            from concurrent import interpreters
            q = interpreters.create_queue()
            interp = interpreters.create()
            interp.prepare_main(q=q)
            interp.exec('from concurrent import interpreters;'
                        'q.put(interpreters.create_queue())')
            interp.close()
            print(q.qsize())
            """)
        self.assertEqual(out, '1\n')

    def test_close_after_putting_a_tuple_with_a_queue(self):
        out = self.run_ok("""
            from concurrent import interpreters
            q = interpreters.create_queue()
            interp = interpreters.create()
            interp.prepare_main(q=q)
            interp.exec('from concurrent import interpreters;'
                        'q.put((1, interpreters.create_queue()))')
            interp.close()
            print(q.get() is interpreters._queues.UNBOUND)
            """)
        self.assertEqual(out, 'True\n')

    def test_queue_holding_itself_at_exit(self):
        out = self.run_ok("""
            from concurrent import interpreters
            q = interpreters.create_queue()
            q.put(q)
            print('done')
            """)
        self.assertEqual(out, 'done\n')

    def test_queue_holding_itself_del(self):
        out = self.run_ok("""
            from concurrent import interpreters
            q = interpreters.create_queue()
            q.put(q)
            del q
            import gc; gc.collect()
            print('done')
            """)
        self.assertEqual(out, 'done\n')

    def test_subinterpreter_puts_queue_in_itself(self):
        out = self.run_ok("""
            from concurrent import interpreters
            q = interpreters.create_queue()
            interp = interpreters.create()
            interp.prepare_main(q=q)
            interp.exec('q.put_nowait(q)')
            interp.close()
            print(q.get_nowait() is interpreters._queues.UNBOUND)
            """)
        self.assertEqual(out, 'True\n')

    def test_queue_holding_another_at_exit(self):
        out = self.run_ok("""
            from concurrent import interpreters
            a = interpreters.create_queue()
            b = interpreters.create_queue()
            a.put(b)
            b.put(a)
            print('done')
            """)
        self.assertEqual(out, 'done\n')


class DestroyWhileConvertingTests(SubprocessMixin, unittest.TestCase):
    # destroy() waited for a put() converting its item, spinning with the
    # GIL held (13.3).

    def test_destroy_from_reduce(self):
        out = self.run_ok("""
            import _interpqueues
            from concurrent import interpreters
            q = interpreters.create_queue()
            class Item:
                def __reduce__(self):
                    _interpqueues.destroy(q.id)
                    return (int, ())
            try:
                q.put(Item())
            except _interpqueues.QueueNotFoundError as exc:
                print(type(exc).__name__)
            """)
        self.assertEqual(out, 'QueueNotFoundError\n')

    def test_destroy_from_other_thread(self):
        out = self.run_ok("""
            import threading
            import _interpqueues
            from concurrent import interpreters
            q = interpreters.create_queue()
            converting = threading.Event()
            proceed = threading.Event()
            class Item:
                def __reduce__(self):
                    converting.set()
                    proceed.wait()
                    return (int, ())
            errors = []
            def put():
                try:
                    q.put(Item())
                except _interpqueues.QueueNotFoundError as exc:
                    errors.append(exc)
            t = threading.Thread(target=put)
            t.start()
            converting.wait()
            proceed.set()
            _interpqueues.destroy(q.id)
            t.join()
            print(len(errors))
            """)
        self.assertIn(out, ('0\n', '1\n'))

    @support.requires_fork()
    def test_fork_while_a_thread_waits(self):
        # The child released a queue that a parent thread was blocked on,
        # and waited for that thread's mark forever.
        out = self.run_ok("""
            import os, sys, threading, warnings
            import _interpqueues
            from concurrent import interpreters
            q = interpreters.create_queue()
            # The thread keeps the GIL until get() waits with it
            # released, so this thread runs on only once it waits.
            sys.setswitchinterval(1000)
            waiting = threading.Event()
            def get():
                waiting.set()
                q.get()
            t = threading.Thread(target=get)
            t.start()
            waiting.wait()
            with warnings.catch_warnings():
                warnings.simplefilter('ignore', DeprecationWarning)
                pid = os.fork()
            if pid == 0:
                _interpqueues.destroy(q.id)
                os._exit(0)
            _, status = os.waitpid(pid, 0)
            q.put(None)
            t.join()
            print(os.waitstatus_to_exitcode(status))
            """)
        self.assertEqual(out, '0\n')


class FullTests(unittest.TestCase):
    # An unbounded queue reported full() (13.5, 12.2).

    def test_unbounded_is_never_full(self):
        for maxsize in (0, -1):
            with self.subTest(maxsize=maxsize):
                q = interpreters.create_queue(maxsize)
                self.assertFalse(q.full())
                q.put(1)
                self.assertFalse(q.full())
                self.assertFalse(_interpqueues.is_full(q.id))
                q.get()

    def test_bounded(self):
        q = interpreters.create_queue(2)
        q.put(1)
        self.assertFalse(q.full())
        q.put(2)
        self.assertTrue(q.full())


class ConvertOnceTests(unittest.TestCase):
    # put(block=True) on a full queue pickled its object twice (13.9).

    def test_blocking_put_on_full_queue(self):
        q = interpreters.create_queue(1)
        q.put('first')
        calls = []
        converted = threading.Event()

        class Item:
            def __reduce__(self):
                calls.append(1)
                converted.set()
                return (str, ('second',))

        t = threading.Thread(target=q.put, args=(Item(),))
        t.start()
        self.assertTrue(converted.wait(support.SHORT_TIMEOUT))
        self.assertEqual(q.get(timeout=support.SHORT_TIMEOUT), 'first')
        self.assertEqual(q.get(timeout=support.SHORT_TIMEOUT), 'second')
        t.join(support.SHORT_TIMEOUT)
        self.assertEqual(len(calls), 1)

    def test_put_timeout_converts_once(self):
        q = interpreters.create_queue(1)
        q.put('first')
        calls = []

        class Item:
            def __reduce__(self):
                calls.append(1)
                return (str, ('second',))

        with self.assertRaises(interpreters.QueueFull):
            q.put(Item(), timeout=0.01)
        self.assertEqual(len(calls), 1)


class QueueInTransitTests(unittest.TestCase):
    # A Queue pickled inside an item did not keep its queue alive until the
    # item was taken (13.7).

    def test_queue_in_list(self):
        q = interpreters.create_queue()
        q2 = interpreters.create_queue()
        qid2 = q2.id
        q.put([q2])
        del q2
        support.gc_collect()
        got, = q.get_nowait()
        self.assertEqual(got.id, qid2)
        got.put('spam')
        self.assertEqual(got.get_nowait(), 'spam')
        del got
        support.gc_collect()
        self.assertNotIn(qid2, queue_ids())

    def test_queue_in_list_across_interpreters(self):
        q = interpreters.create_queue()
        interp = interpreters.create()
        self.addCleanup(interp.close)
        interp.prepare_main(q=q)
        interp.exec(textwrap.dedent("""
            from concurrent import interpreters
            q2 = interpreters.create_queue()
            q2.put('from the other side')
            q.put({'queue': q2})
            del q2
            """))
        got = q.get_nowait()['queue']
        self.assertEqual(got.get_nowait(), 'from the other side')

    def test_channel_in_queue(self):
        # A Channel (fork extension) is three queues: pickled in an item,
        # they stay alive until the item is taken.
        q = interpreters.create_queue()
        ch = interpreters.Channel()
        ch.send('spam')
        q.put(ch)
        del ch
        support.gc_collect()
        got = q.get_nowait()
        self.assertEqual(got.recv(), 'spam')

    def test_dropped_item_releases(self):
        q = interpreters.create_queue()
        q2 = interpreters.create_queue()
        qid2 = q2.id
        q.put([q2])
        del q2
        support.gc_collect()
        self.assertIn(qid2, queue_ids())
        _interpqueues.destroy(q.id)
        self.assertNotIn(qid2, queue_ids())

    def test_failed_put_releases(self):
        q = interpreters.create_queue(1)
        q.put(1)
        q2 = interpreters.create_queue()
        qid2 = q2.id
        with self.assertRaises(interpreters.QueueFull):
            q.put_nowait([q2])
        del q2
        support.gc_collect()
        self.assertNotIn(qid2, queue_ids())

    def test_pickle_outside_put_holds_nothing(self):
        import pickle
        q2 = interpreters.create_queue()
        qid2 = q2.id
        data = pickle.dumps([q2])
        del q2
        support.gc_collect()
        self.assertNotIn(qid2, queue_ids())
        del data


if __name__ == '__main__':
    unittest.main()
