"""Interpreter lifetimes when threads race: close() against calls, list_all()
against finalization, run() against other entries, Ctrl-C, daemon threads.

Threads are lined up with events, barriers and queues, never with sleeps;
every loop is bounded in count and in time.
"""

import os
import signal
import sys
import textwrap
import threading
import time
import unittest
from test import support
from test.support import import_helper, script_helper, threading_helper

_interpreters = import_helper.import_module('_interpreters')
from concurrent import interpreters
from concurrent.interpreters import InterpreterError, InterpreterNotFoundError


class Blocker:
    """An argument whose pickling signals "entered" and waits for "go".

    call() converts its arguments after it has looked the interpreter
    up and before it enters it; this holds it there.
    """

    def __init__(self):
        self.entered = threading.Event()
        self.go = threading.Event()

    def __reduce__(self):
        self.entered.set()
        self.go.wait(support.SHORT_TIMEOUT)
        return (int, ())


def run_in_thread(func, *args, **kwargs):
    """Start func in a thread; return (thread, results, errors)."""
    results, errors = [], []

    def target():
        try:
            results.append(func(*args, **kwargs))
        except BaseException as exc:
            errors.append(exc)

    t = threading.Thread(target=target)
    t.start()
    return t, results, errors


class CloseRacingCallTests(unittest.TestCase):
    """Issue 13.1: close() while a call is converting its arguments."""

    def check_close_refused(self, start_call):
        interp = interpreters.create()
        blocker = Blocker()
        t, results, errors = start_call(interp, blocker)
        try:
            self.assertTrue(blocker.entered.wait(support.SHORT_TIMEOUT))
            # The call holds the interpreter: close() refuses, and the
            # interpreter is still there afterwards.
            with self.assertRaisesRegex(InterpreterError,
                                        '^interpreter running$'):
                interp.close()
            self.assertEqual(interp.state, 'idle')
        finally:
            blocker.go.set()
            threading_helper.join_thread(t)
        interp.close()
        self.assertEqual(interp.state, 'closed')
        return results, errors

    def test_call(self):
        results, errors = self.check_close_refused(
            lambda interp, blocker: run_in_thread(interp.call, int, blocker))
        self.assertEqual(errors, [])
        self.assertEqual(results, [0])

    def test_call_kwargs(self):
        results, errors = self.check_close_refused(
            lambda interp, blocker: run_in_thread(interp.call, dict,
                                                  x=blocker))
        self.assertEqual(errors, [])
        self.assertEqual(results, [{'x': 0}])

    def test_call_in_thread(self):
        def start(interp, blocker):
            results = []
            t = interp.call_in_thread(results.append, blocker)
            return t, results, []
        # The result stays in the target; no error reached excepthook.
        with threading_helper.catch_threading_exception() as cm:
            self.check_close_refused(start)
            self.assertIsNone(cm.exc_value)

    def test_low_level_call(self):
        interpid = _interpreters.create()
        blocker = Blocker()
        t, results, errors = run_in_thread(
            _interpreters.call, interpid, int, (blocker,))
        try:
            self.assertTrue(blocker.entered.wait(support.SHORT_TIMEOUT))
            with self.assertRaisesRegex(InterpreterError,
                                        '^interpreter running$'):
                _interpreters.destroy(interpid)
        finally:
            blocker.go.set()
            threading_helper.join_thread(t)
        self.assertEqual(errors, [])
        self.assertEqual(results, [(0, None)])
        _interpreters.destroy(interpid)
        with self.assertRaises(InterpreterNotFoundError):
            _interpreters.destroy(interpid)

    def test_run_with_data(self):
        # run() converts "data" before it looks the interpreter up: a
        # close() meanwhile wins, and run() finds no interpreter.
        interp = interpreters.create()
        blocker = Blocker()
        t, results, errors = run_in_thread(interp.run, 'return data["x"]',
                                           data={'x': blocker})
        try:
            self.assertTrue(blocker.entered.wait(support.SHORT_TIMEOUT))
            interp.close()
        finally:
            blocker.go.set()
            threading_helper.join_thread(t)
        self.assertEqual(results, [])
        self.assertEqual(len(errors), 1, errors)
        self.assertIsInstance(errors[0], InterpreterNotFoundError)

    def test_last_reference_dropped_during_call(self):
        # The interpreter whose last reference goes while a call is
        # converting its arguments is destroyed when the call ends, not
        # under it.
        interpid = _interpreters.create(reqrefs=True)
        _interpreters.incref(interpid)
        blocker = Blocker()
        t, results, errors = run_in_thread(
            _interpreters.call, interpid, int, (blocker,))
        try:
            self.assertTrue(blocker.entered.wait(support.SHORT_TIMEOUT))
            _interpreters.decref(interpid)
            self.assertIn(interpid,
                          [id for id, _ in _interpreters.list_all()])
        finally:
            blocker.go.set()
            threading_helper.join_thread(t)
        self.assertEqual(errors, [])
        self.assertEqual(results, [(0, None)])
        self.assertNotIn(interpid,
                         [id for id, _ in _interpreters.list_all()])

    def test_exec_racing_close(self):
        # exec() converts nothing that runs Python code, but it looks the
        # interpreter up, lets go of the GIL and enters it: close() from
        # another thread either wins (exec raises InterpreterNotFoundError)
        # or refuses (InterpreterError), never frees it under exec().
        deadline = time.monotonic() + support.SHORT_TIMEOUT
        for _ in range(30):
            if time.monotonic() > deadline:
                break
            interp = interpreters.create()
            barrier = threading.Barrier(2, timeout=support.SHORT_TIMEOUT)
            outcome = {}

            def execute():
                barrier.wait()
                try:
                    for _ in range(20):
                        interp.exec('x = 1')
                except InterpreterNotFoundError:
                    outcome['exec'] = 'not found'
                except InterpreterError as exc:
                    outcome['exec'] = str(exc)

            t = threading.Thread(target=execute)
            t.start()
            barrier.wait()
            for _ in range(1000):
                try:
                    interp.close()
                    break
                except InterpreterError as exc:
                    self.assertRegex(str(exc), 'interpreter (already )?'
                                               'running')
            threading_helper.join_thread(t)
            if interp.state != 'closed':
                interp.close()
            self.assertIn(outcome.get('exec', 'not found'),
                          ('not found', 'interpreter already running'))

    def test_prepare_main_racing_close(self):
        deadline = time.monotonic() + support.SHORT_TIMEOUT
        for _ in range(30):
            if time.monotonic() > deadline:
                break
            interp = interpreters.create()
            barrier = threading.Barrier(2, timeout=support.SHORT_TIMEOUT)
            outcome = []

            def prepare():
                barrier.wait()
                try:
                    for i in range(20):
                        interp.prepare_main(x=i)
                except InterpreterNotFoundError:
                    outcome.append('not found')

            t = threading.Thread(target=prepare)
            t.start()
            barrier.wait()
            for _ in range(1000):
                try:
                    interp.close()
                    break
                except InterpreterError:
                    pass
            threading_helper.join_thread(t)
            if interp.state != 'closed':
                interp.close()


class FinalizeOnceTests(unittest.TestCase):
    """Issue 13.4 and 12.2: an interpreter being finalized is not revived
    or listed, and exactly one finalizer runs."""

    FINALIZING = textwrap.dedent('''
        import atexit
        def at_exit():
            # Tell the test that finalization has started, then wait.
            q.put('finalizing')
            back.get(timeout=%r)
        atexit.register(at_exit)
        ''' % support.SHORT_TIMEOUT)

    def start_blocked_finalizer(self, interpid):
        q = interpreters.create_queue()
        back = interpreters.create_queue()
        _interpreters.set___main___attrs(interpid, dict(q=q, back=back))
        excinfo = _interpreters.exec(interpid, self.FINALIZING)
        self.assertIsNone(excinfo)
        return q, back

    def test_not_revived_while_finalizing(self):
        interpid = _interpreters.create(reqrefs=True)
        _interpreters.incref(interpid)
        q, back = self.start_blocked_finalizer(interpid)
        seen = {}

        def while_finalizing():
            try:
                self.assertEqual(q.get(timeout=support.SHORT_TIMEOUT),
                                 'finalizing')
                seen['low'] = [id for id, _ in _interpreters.list_all()]
                seen['high'] = [i.id for i in interpreters.list_all()]
                try:
                    interpreters.Interpreter(interpid)
                except InterpreterNotFoundError:
                    seen['Interpreter()'] = 'not found'
                try:
                    _interpreters.incref(interpid)
                except InterpreterNotFoundError:
                    seen['incref'] = 'not found'
                try:
                    _interpreters.destroy(interpid)
                except InterpreterNotFoundError:
                    seen['destroy'] = 'not found'
            finally:
                back.put('go')

        t = threading.Thread(target=while_finalizing)
        t.start()
        # The last reference: this finalizes the interpreter, and waits
        # in its atexit handler until the thread has looked.
        _interpreters.decref(interpid)
        threading_helper.join_thread(t)
        self.assertNotIn(interpid, seen['low'])
        self.assertNotIn(interpid, seen['high'])
        self.assertEqual(seen['Interpreter()'], 'not found')
        self.assertEqual(seen['incref'], 'not found')
        self.assertEqual(seen['destroy'], 'not found')
        self.assertNotIn(interpid, [id for id, _ in _interpreters.list_all()])

    def test_close_while_finalizing_by_refcount(self):
        interp = interpreters.create()
        interpid = interp.id
        q, back = self.start_blocked_finalizer(interpid)
        seen = {}

        def while_finalizing():
            try:
                q.get(timeout=support.SHORT_TIMEOUT)
                try:
                    _interpreters.destroy(interpid, restrict=True)
                except InterpreterNotFoundError:
                    seen['close'] = 'not found'
            finally:
                back.put('go')

        t = threading.Thread(target=while_finalizing)
        t.start()
        del interp
        threading_helper.join_thread(t)
        self.assertEqual(seen['close'], 'not found')

    def test_list_all_skips_destroyed(self):
        # concurrent.interpreters.list_all() leaves out an interpreter
        # destroyed after the low-level list was taken.
        interpid = _interpreters.create()
        real = _interpreters.list_all

        def list_then_destroy(**kwargs):
            ids = real(**kwargs)
            _interpreters.destroy(interpid)
            return ids

        _interpreters.list_all = list_then_destroy
        try:
            ids = [i.id for i in interpreters.list_all()]
        finally:
            _interpreters.list_all = real
        self.assertNotIn(interpid, ids)
        self.assertIn(0, ids)


class DecrefTests(unittest.TestCase):
    """Issue 13.12: decref() of the main interpreter."""

    def test_decref_main(self):
        for main_id in (0, False):
            with self.subTest(main_id=main_id):
                self.assertIsNone(_interpreters.decref(main_id))
        self.assertIsNone(_interpreters.incref(0))
        self.assertIsNone(_interpreters.decref(0))
        self.assertEqual(interpreters.get_main().id, 0)

    def test_decref_without_incref(self):
        # No reference was taken: nothing happens, as in 3.14.
        interpid = _interpreters.create(reqrefs=True)
        try:
            _interpreters.decref(interpid)
            self.assertIn(interpid,
                          [id for id, _ in _interpreters.list_all()])
        finally:
            _interpreters.destroy(interpid)

    def test_decref_bad_ids(self):
        with self.assertRaisesRegex(ValueError, 'non-negative'):
            _interpreters.decref(-1)
        with self.assertRaises(TypeError):
            _interpreters.decref('0')
        with self.assertRaises(InterpreterNotFoundError):
            _interpreters.decref(2**40)


class DaemonThreadTests(unittest.TestCase):
    """Issue 12.2: closing an interpreter that still has daemon threads."""

    def test_close_with_daemon_threads(self):
        # In a subprocess: the daemon threads wake up after the close and
        # must exit quietly, without touching freed memory.
        script = textwrap.dedent('''
            import os, _interpreters
            from concurrent import interpreters
            r, w = os.pipe()
            config = _interpreters.new_config('isolated',
                                              allow_daemon_threads=True)
            interpid = _interpreters.create(config)
            q = interpreters.create_queue()
            _interpreters.set___main___attrs(interpid, dict(r=r, q=q))
            excinfo = _interpreters.exec(interpid, """if True:
                import os, threading
                def blocked():
                    q.put('started')
                    os.read(r, 1)
                def busy():
                    q.put('started')
                    while True:
                        pass
                threading.Thread(target=blocked, daemon=True).start()
                threading.Thread(target=busy, daemon=True).start()
                """)
            assert excinfo is None, excinfo
            for _ in range(2):
                assert q.get(timeout=%r) == 'started'
            assert _interpreters.destroy(interpid) is None
            assert interpid not in [i for i, _ in _interpreters.list_all()]
            # Wake the blocked thread: it exits as it takes the GIL back.
            os.write(w, b'x')
            for _ in range(5):
                interp = interpreters.create()
                interp.exec('x = 1')
                interp.close()
            print('done')
            ''' % support.SHORT_TIMEOUT)
        rc, out, err = script_helper.assert_python_ok('-c', script)
        self.assertEqual(out.strip(), b'done')
        self.assertNotIn(b'Fatal', err)


@unittest.skipUnless(hasattr(signal, 'SIGINT') and hasattr(os, 'kill'),
                     'needs SIGINT and os.kill()')
class SigintTests(unittest.TestCase):
    """Issue 13.15: Ctrl-C reaches code that the main thread runs in a
    subinterpreter, as it would in the main interpreter."""

    # The code signals (through a queue) once it runs; a thread then
    # sends SIGINT to the process, again every half second until the code
    # has stopped: a signal that comes just before a blocking call starts
    # (time.sleep()) waits for the call to end, in a subinterpreter as in
    # the main interpreter.  The default handler raises KeyboardInterrupt
    # for the first signal only, so that a late one cannot hit the
    # program after the code stopped.  The code would run for a minute.
    PROGRAM = textwrap.dedent('''
        import os, signal, sys, threading, time
        from concurrent import interpreters
        interp = interpreters.create()
        q = interpreters.create_queue()
        interp.prepare_main(q=q)
        HANDLER
        done = threading.Event()
        def interrupt():
            q.get(timeout=%r)
            for _ in range(120):
                os.kill(os.getpid(), signal.SIGINT)
                if done.wait(0.5):
                    break
        threading.Thread(target=interrupt).start()
        start = time.monotonic()
        try:
            interp.exec(CODE)
        except BaseException as exc:
            print(type(exc).__name__)
        else:
            print('returned')
        finally:
            done.set()
        print(round(time.monotonic() - start))
        print(interp.exec('import __main__; '
                          'q.put(getattr(__main__, "after", None))') or
              q.get(timeout=5))
        ''' % support.SHORT_TIMEOUT)

    BUSY = ('q.put(1)\n'
            'deadline = __import__("time").monotonic() + 60\n'
            'while __import__("time").monotonic() < deadline: pass\n'
            'after = "finished"\n')
    SLEEP = 'q.put(1)\nimport time\ntime.sleep(60)\nafter = "finished"\n'

    # Raise KeyboardInterrupt for the first SIGINT only (see PROGRAM).
    FIRST_ONLY = textwrap.dedent('''
        def on_sigint(signum, frame, fired=[]):
            if not fired:
                fired.append(signum)
                raise KeyboardInterrupt
        signal.signal(signal.SIGINT, on_sigint)
        ''')

    def run_program(self, code, handler=None):
        if handler is None:
            handler = self.FIRST_ONLY
        program = (self.PROGRAM.replace('HANDLER', handler)
                   .replace('CODE', repr(code)))
        rc, out, err = script_helper.assert_python_ok('-c', program)
        return out.decode().split()

    def test_busy_loop(self):
        exc, elapsed, after = self.run_program(self.BUSY)
        self.assertEqual(exc, 'KeyboardInterrupt')
        self.assertLess(int(elapsed), 30)
        self.assertEqual(after, 'None')

    def test_sleep(self):
        exc, elapsed, after = self.run_program(self.SLEEP)
        self.assertEqual(exc, 'KeyboardInterrupt')
        self.assertLess(int(elapsed), 30)
        self.assertEqual(after, 'None')

    def test_call(self):
        program = textwrap.dedent('''
            import os, signal, threading, time
            from concurrent import interpreters
            interp = interpreters.create()
            q = interpreters.create_queue()
            def on_sigint(signum, frame, fired=[]):
                if not fired:
                    fired.append(signum)
                    raise KeyboardInterrupt
            signal.signal(signal.SIGINT, on_sigint)
            done = threading.Event()
            def interrupt():
                # Again until the call stopped: see SigintTests.PROGRAM.
                q.get(timeout=%r)
                for _ in range(120):
                    os.kill(os.getpid(), signal.SIGINT)
                    if done.wait(0.5):
                        break
            def work(q):
                import time
                q.put(1)
                time.sleep(60)
            threading.Thread(target=interrupt).start()
            try:
                interp.call(work, q)
            except KeyboardInterrupt:
                print('KeyboardInterrupt')
            finally:
                done.set()
            ''' % support.SHORT_TIMEOUT)
        rc, out, err = script_helper.assert_python_ok('-c', program)
        self.assertEqual(out.strip(), b'KeyboardInterrupt')

    def test_handler_that_returns(self):
        # A handler that does not raise lets the code go on.
        handler = ('seen = []\n'
                   'signal.signal(signal.SIGINT, '
                   'lambda *args: seen.append(1))\n')
        code = ('q.put(1)\nimport time\n'
                'for _ in range(200): time.sleep(0.01)\n'
                'after = "finished"\n')
        exc, elapsed, after = self.run_program(code, handler)
        self.assertEqual(exc, 'returned')
        self.assertEqual(after, 'finished')

    def test_code_catches_it(self):
        # The code sees KeyboardInterrupt, as in the main interpreter,
        # and may clean up; the caller still gets the handler's exception.
        # The put is inside the try: the signal may come as it returns.
        code = ('try:\n'
                '    q.put(1)\n'
                '    while True: pass\n'
                'except KeyboardInterrupt:\n'
                '    after = "caught"\n')
        exc, elapsed, after = self.run_program(code)
        self.assertEqual(exc, 'KeyboardInterrupt')
        self.assertEqual(after, 'caught')


class RunRacingEntryTests(unittest.TestCase):
    """Issue 13.6: run() enters the interpreter once.

    Code run by run() signals another thread, which then tries to enter
    the same interpreter until it gets in; it must not get in before
    run() is done.
    """

    ROUNDS = 30

    def race(self, run, other):
        interp = interpreters.create()
        self.addCleanup(interp.close)
        q = interpreters.create_queue()
        interp.prepare_main(q=q)
        done = threading.Event()
        errors = []

        def enter_when_signalled():
            try:
                for _ in range(self.ROUNDS):
                    q.get(timeout=support.SHORT_TIMEOUT)
                    deadline = time.monotonic() + support.SHORT_TIMEOUT
                    for _ in range(10**6):
                        try:
                            other(interp)
                            break
                        except InterpreterError:
                            # run() is still in it.
                            self.assertLess(time.monotonic(), deadline)
                    done.set()
            except BaseException as exc:
                errors.append(exc)
                done.set()

        t = threading.Thread(target=enter_when_signalled)
        t.start()
        results = []
        try:
            for n in range(self.ROUNDS):
                done.clear()
                results.append(run(interp, q, n))
                self.assertTrue(done.wait(support.SHORT_TIMEOUT))
                self.assertEqual(errors, [])
        finally:
            threading_helper.join_thread(t)
        return results

    def test_script_result(self):
        # The result is collected before the other thread gets in.
        results = self.race(
            lambda interp, q, n: interp.run('q.put(1)\nreturn 42'),
            lambda interp: interp.call(time.sleep, 0.005))
        self.assertEqual(results, [42] * self.ROUNDS)

    def test_script_data(self):
        # The other thread's run() binds its own "data" in the same
        # __main__; each run() gets its own result.
        results = self.race(
            lambda interp, q, n: interp.run('q.put(1)\nreturn data["n"]',
                                            data={'n': n}),
            lambda interp: interp.run('return data["n"]', data={'n': -1}))
        self.assertEqual(results, list(range(self.ROUNDS)))

    def test_error_traceback_shows_script(self):
        interp = interpreters.create()
        self.addCleanup(interp.close)
        with self.assertRaises(interpreters.ExecutionFailed) as cm:
            interp.run('x = 1\nraise ValueError("boom")')
        excinfo = cm.exception.excinfo
        self.assertEqual(excinfo.type.__name__, 'ValueError')
        self.assertIn('File "<script>", line 2', excinfo.errdisplay)
        self.assertNotIn('_run_in_main', excinfo.errdisplay)
        # Nothing of run() is left behind in __main__.
        interp.exec('assert not [k for k in dir() if k.startswith("__run")]')


if __name__ == '__main__':
    unittest.main()
