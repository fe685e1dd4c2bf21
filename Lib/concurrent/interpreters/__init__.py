"""Run Python code in other interpreters of the same process (PEP 734).

Each interpreter has its own modules, its own __main__ and its own GIL;
objects are not shared between interpreters but copied (or, for a few
types, shared safely), and queues pass data between them.
"""

import sys
import threading
import weakref
import _interpreters
from types import FunctionType as _FunctionType

# aliases:
from _interpreters import (
    InterpreterError, InterpreterNotFoundError, NotShareableError,
    is_shareable,
)


__all__ = [
    'get_current', 'get_main', 'create', 'list_all', 'is_shareable',
    'Interpreter',
    'InterpreterError', 'InterpreterNotFoundError', 'ExecutionFailed',
    'NotShareableError',
    'create_queue', 'Queue', 'QueueEmpty', 'QueueFull',
]


# Names of this fork's extensions, not in CPython 3.14 (and so not in
# __all__, which matches 3.14).
_EXTENSIONS = ['Channel', 'ChannelClosedError', 'SharedBuffer', 'transfer']
# The synchronization primitives (Lock, RLock, ...) of _interpsync.
_SYNC_NAMES = ['Lock', 'RLock', 'Event', 'Semaphore', 'BoundedSemaphore',
               'Condition', 'Barrier']
_EXTENSIONS += _SYNC_NAMES


def __getattr__(name):
    # The queue names are loaded on first use, so that importing the
    # package does not import the queue module.
    if name in ('Queue', 'QueueEmpty', 'QueueFull', 'create_queue'):
        global create_queue, Queue, QueueEmpty, QueueFull
        from ._queues import (
            create as create_queue,
            Queue, QueueEmpty, QueueFull,
        )
        return globals()[name]
    if name in _SYNC_NAMES:
        from . import _sync
        value = getattr(_sync, name)
        globals()[name] = value
        return value
    if name in ('SharedBuffer', 'transfer'):
        # Memory shared between interpreters and zero-copy moves (see
        # "Shared memory and the memory model" in the documentation).
        global SharedBuffer, transfer
        from _interpmem import SharedBuffer, transfer
        return globals()[name]
    if name in _EXTENSIONS:
        global Channel, ChannelClosedError
        from ._channel import Channel, ChannelClosedError
        return globals()[name]
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')


def __dir__():
    return sorted(set(globals()) | set(__all__) | set(_EXTENSIONS))


_EXEC_FAILURE_STR = """
{superstr}

Uncaught in the interpreter:

{formatted}
""".strip()


class ExecutionFailed(InterpreterError):
    """An unhandled exception happened during execution.

    This is raised from Interpreter.exec() and Interpreter.call().
    The "excinfo" attribute holds a snapshot of the exception (type,
    msg, formatted, errdisplay); the exception object itself stays in
    the other interpreter.
    """

    def __init__(self, excinfo):
        msg = excinfo.formatted
        if not msg:
            if excinfo.type and excinfo.msg:
                msg = f'{excinfo.type.__name__}: {excinfo.msg}'
            else:
                msg = excinfo.type.__name__ or excinfo.msg
        super().__init__(msg)
        self.excinfo = excinfo

    def __str__(self):
        try:
            formatted = self.excinfo.errdisplay
        except Exception:
            return super().__str__()
        return _EXEC_FAILURE_STR.format(
            superstr=super().__str__(),
            formatted=formatted,
        )


def create():
    """Return a new (idle) Python interpreter.

    It is isolated: it has its own GIL and its own memory allocator.
    It is destroyed when the last Interpreter object for it, in any
    interpreter, goes away, or when close() is called.
    """
    id = _interpreters.create(reqrefs=True)
    return Interpreter(id, _ownsref=True)


def list_all():
    """Return an Interpreter object for every existing interpreter."""
    interps = []
    for id, whence in _interpreters.list_all(require_ready=True):
        try:
            interps.append(Interpreter(id, _whence=whence))
        except InterpreterNotFoundError:
            # Destroyed since it was listed (by another thread, or by
            # the garbage collector while this list is made).
            pass
    return interps


def get_current():
    """Return the interpreter that runs the calling code."""
    id, whence = _interpreters.get_current()
    return Interpreter(id, _whence=whence)


def get_main():
    """Return the main interpreter."""
    id, whence = _interpreters.get_main()
    return Interpreter(id, _whence=whence)


_known = weakref.WeakValueDictionary()


class Interpreter:
    """A single Python interpreter.

    Interpreter(id) returns the object for an existing interpreter, the
    same one for the same id within an interpreter; use create() to
    make a new interpreter.

    Attributes:

    "id" - the unique process-global ID number for the interpreter
    "whence" - indicates where the interpreter was created

    If the interpreter wasn't created by this module then any method
    that modifies the interpreter fails with InterpreterError, i.e.
    close(), prepare_main(), exec() and call().

    This fork adds run(), run_async(), "state" and use as a context
    manager ("with create() as interp:" closes it); they are not in
    CPython 3.14.
    """

    _WHENCE_TO_STR = {
        _interpreters.WHENCE_UNKNOWN: 'unknown',
        _interpreters.WHENCE_RUNTIME: 'runtime init',
        _interpreters.WHENCE_LEGACY_CAPI: 'legacy C-API',
        _interpreters.WHENCE_CAPI: 'C-API',
        _interpreters.WHENCE_XI: 'cross-interpreter C-API',
        _interpreters.WHENCE_STDLIB: '_interpreters module',
    }

    def __new__(cls, id, /, _whence=None, _ownsref=None):
        # There is only one instance for any given ID.
        if not isinstance(id, int):
            raise TypeError(f'id must be an int, got {id!r}')
        id = int(id)
        try:
            return _known[id]
        except KeyError:
            pass
        if _whence is None:
            if _ownsref:
                _whence = _interpreters.WHENCE_STDLIB
            else:
                # This raises InterpreterNotFoundError for an unknown id.
                _whence = _interpreters.whence(id)
        if _whence not in cls._WHENCE_TO_STR:
            raise ValueError(f'unsupported whence {_whence!r}')
        if _ownsref is None:
            _ownsref = (_whence == _interpreters.WHENCE_STDLIB)
        self = super().__new__(cls)
        self._id = id
        self._whence = _whence
        self._ownsref = False
        if _ownsref:
            # This may raise InterpreterNotFoundError.
            _interpreters.incref(id)
            self._ownsref = True
        _known[id] = self
        return self

    def __repr__(self):
        return f'{type(self).__name__}({self.id})'

    def __hash__(self):
        return hash(self._id)

    def __del__(self):
        worker = self.__dict__.get('_worker')
        if worker is not None:
            worker.stop()
        self._decref()

    def __reduce__(self):
        # When a queue's put() pickles an item that holds this object,
        # the item keeps the interpreter alive until it is taken (an ID
        # reference), so that it can be unpickled even if every
        # Interpreter object of it is gone by then.  close() still
        # destroys it.
        _interpreters._hold_in_transit(self._id)
        return (type(self), (self._id,))

    def _decref(self, *, _decref=_interpreters.decref,
                _notfound=InterpreterNotFoundError):
        # Module globals may already be gone late at shutdown, hence
        # the keyword-only defaults.
        if not getattr(self, '_ownsref', False):
            return
        self._ownsref = False
        try:
            _decref(self._id)
        except _notfound:
            pass

    @property
    def id(self):
        """The interpreter's unique, process-wide ID (an int)."""
        return self._id

    @property
    def whence(self):
        """A string telling how the interpreter was created."""
        return self._WHENCE_TO_STR[self._whence]

    def is_running(self):
        """Return whether some thread is running code in the interpreter.

        It is always True for the main interpreter.
        """
        return _interpreters.is_running(self._id)

    # Everything past here is available only to interpreters created by
    # interpreters.create().

    def close(self):
        """Finalize and destroy the interpreter.

        Raise InterpreterError if the interpreter was not created by
        this module, is the current one, or is running.

        Calls queued with run_async() that have not started fail with
        InterpreterError; the one that is running is waited for.
        """
        with _workers_lock:
            worker = self.__dict__.get('_worker')
            if worker is not None:
                self._worker = None
                worker.stop(closing=True)
        if worker is not None:
            worker.join()
        return _interpreters.destroy(self._id, restrict=True)

    def prepare_main(self, ns=None, /, **kwargs):
        """Bind the given values into the interpreter's __main__.

        The values must be shareable (see is_shareable()) or Python
        functions, which cross by value (a fork extension); nothing
        else is pickled.  Raise NotShareableError for any other value.
        """
        ns = dict(ns, **kwargs) if ns is not None else kwargs
        funcs = {name: value for name, value in ns.items()
                 if type(value) is _FunctionType}
        if not funcs:
            _interpreters.set___main___attrs(self._id, ns, restrict=True)
            return
        for name in funcs:
            if not isinstance(name, str):
                raise TypeError(f'names in arg 2 must be str, '
                                f'got {type(name).__name__}')
        # Pickle the functions first, so that nothing is bound when
        # one of them cannot cross.
        from ._functions import dumps, bind_main
        payload = dumps(funcs)
        others = {name: value for name, value in ns.items()
                  if name not in funcs}
        if others:
            _interpreters.set___main___attrs(self._id, others,
                                             restrict=True)
        _, excinfo = _interpreters.call(self._id, bind_main, (payload,),
                                        restrict=True)
        if excinfo is not None:
            raise NotShareableError(
                f'functions not shareable: {excinfo.formatted}')

    def exec(self, code, /):
        """Run the given source code in the interpreter.

        This is essentially the same as calling the builtin "exec" in
        this interpreter, using the __dict__ of its __main__ module as
        both globals and locals.  "code" is a str, a bytes-like object,
        a code object, or a function taking no arguments that is not
        a closure.

        There is no return value.

        If the code raises an unhandled exception then an
        ExecutionFailed exception is raised, which summarizes the
        unhandled exception.  The actual exception is discarded because
        objects cannot be shared between interpreters.

        This blocks the current Python thread until done.  During that
        time, the previous interpreter is allowed to run in other
        threads.
        """
        excinfo = _interpreters.exec(self._id, code, restrict=True)
        if excinfo is not None:
            raise ExecutionFailed(excinfo)

    def _call(self, callable, args, kwargs):
        res, excinfo = _interpreters.call(self._id, callable, args, kwargs,
                                          restrict=True)
        if excinfo is not None:
            raise ExecutionFailed(excinfo)
        return res

    def call(self, callable, /, *args, **kwargs):
        """Call the object in the interpreter with the given arguments.

        The callable and the arguments are passed to the interpreter
        as shareable objects, as marshalled code for a function that
        uses nothing but its arguments and the builtins, or pickled.
        Return the result, which is copied back the same way.

        If the callable raises an exception then its snapshot (including
        the full traceback) is sent back and ExecutionFailed is raised,
        much like with Interpreter.exec().
        """
        return self._call(callable, args, kwargs)

    def call_in_thread(self, callable, /, *args, **kwargs):
        """Return a new, started thread that calls the object.

        The call is made as with call().  The return value is discarded
        and an exception is reported through threading.excepthook.
        """
        import threading
        t = threading.Thread(target=self._call,
                             args=(callable, args, kwargs))
        t.start()
        return t

    # This fork's extensions (not in CPython 3.14): run(), run_async(),
    # "state" and the context manager.

    @property
    def state(self):
        """'idle', 'running' or 'closed' (an extension of this fork).

        'running' means some thread runs code in the interpreter (the
        main interpreter is always running); 'closed' means it was
        destroyed.
        """
        try:
            running = _interpreters.is_running(self._id)
        except InterpreterNotFoundError:
            return 'closed'
        return 'running' if running else 'idle'

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        try:
            self.close()
        except InterpreterNotFoundError:
            # It was closed in the block already.
            pass

    def run(self, code_or_callable, /, *args, data=None, **kwargs):
        """Run a script or call a callable; return its result.

        This is an extension of this fork, not in CPython 3.14.

        A callable is called with the arguments, as with call(), and
        its result is returned.  A string is a script, run in the
        interpreter's __main__ as with exec(); it may end early with a
        top-level "return EXPR" (also inside if, for, while, with, try
        or match, but not in a def or class), whose value is the
        result (None when no return runs).  Names the script binds at
        top level stay in __main__.  A script takes no arguments.

        "data", a dict, is bound to the name "data" in __main__ before
        the code runs, as a copy (it crosses like a call() argument:
        pickled, with shareable values such as queues still shared).

        A script that does not compile raises SyntaxError here; an
        uncaught exception in the interpreter raises ExecutionFailed.
        The interpreter's sys.stdout and sys.stderr are flushed when
        the code ends (and the caller's before it starts), so output
        of both comes out in order.
        """
        return _run(self._id, code_or_callable, args, data, kwargs)

    def run_async(self, code_or_callable, /, *args, data=None, **kwargs):
        """Start run() in the background; return a Future for its result.

        This is an extension of this fork, not in CPython 3.14.

        The calls of one interpreter run one at a time, in the order
        they were made, on a worker thread the interpreter owns; calls
        to different interpreters run in parallel.  The future (a
        concurrent.futures.Future) holds the result or the exception
        run() would give.  The worker ends when the interpreter is
        closed (calls that have not started then fail with
        InterpreterError) or no longer used.
        """
        import concurrent.futures
        fut = concurrent.futures.Future()
        try:
            _check_run_args(code_or_callable, args, data, kwargs)
            _interpreters.whence(self._id)
        except Exception as exc:
            fut.set_exception(exc)
            return fut
        item = (fut, self, code_or_callable, args, data, kwargs)
        with _workers_lock:
            worker = self.__dict__.get('_worker')
            if worker is None or not worker.submit(item):
                try:
                    worker = _Worker(self._id)
                except RuntimeError as exc:
                    # For example at exit, once threads may not start.
                    fut.set_exception(exc)
                    return fut
                self._worker = worker
                worker.submit(item)
        return fut

    # Fork extension (not in CPython 3.14): awaitable calls.

    async def acall(self, callable, /, *args, **kwargs):
        """Call the object in the interpreter; await the result.

        This is call() for asyncio: the call runs in another thread, so
        the event loop keeps running meanwhile.  The threads are reused:
        one that finished a call takes the next, so a series of awaits
        does not start a thread each.  The result, and any exception
        (ExecutionFailed and the rest), are those of call().  If the
        awaiting task is cancelled, the call still runs to its end and
        its result is dropped.  This is an extension of the fork;
        CPython 3.14 does not have it.
        """
        import asyncio
        from concurrent.futures import Future
        loop = asyncio.get_running_loop()
        future = Future()
        _AcallThread.submit((future, self, callable, args, kwargs))
        return await asyncio.wrap_future(future, loop=loop)


# The threads of acall() (an extension of this fork)

class _AcallThread:
    """A thread that runs acall() calls, one after another.

    Once a call is done the thread waits up to LINGER seconds for the
    next one, then ends, so that no idle thread outlives a burst of
    awaits for long.  Calls made while every thread is busy start a new
    one: calls run at once, as call() from a new thread would (a call to
    an interpreter that is running still fails as "already running").
    """

    LINGER = 0.05

    _idle = []          # threads waiting for a call, the newest last
    _lock = threading.Lock()

    @classmethod
    def submit(cls, item):
        """Run item, (future, interp, callable, args, kwargs), soon."""
        with cls._lock:
            if cls._idle:
                worker = cls._idle.pop()
                worker._item = item
                worker._wakeup.release()
                return
        cls(item)

    def __init__(self, item):
        self._item = item
        self._wakeup = threading.Lock()
        self._wakeup.acquire()
        threading.Thread(target=self._loop, name='Interpreter.acall').start()

    def _loop(self):
        cls = type(self)
        while True:
            item, self._item = self._item, None
            self._run(*item)
            del item
            if not self._wakeup.acquire(timeout=self.LINGER):
                with cls._lock:
                    if self in cls._idle:
                        cls._idle.remove(self)
                        return
                # submit() took this thread meanwhile and has released
                # the lock already.
                self._wakeup.acquire()

    def _run(self, future, interp, callable, args, kwargs):
        if not future.set_running_or_notify_cancel():
            self._make_idle()
            return
        try:
            result = interp._call(callable, args, kwargs)
        except BaseException as exc:
            # Idle before the awaiting task wakes up, so that its next
            # acall() finds this thread.
            self._make_idle()
            future.set_exception(exc)
        else:
            self._make_idle()
            future.set_result(result)

    def _make_idle(self):
        cls = type(self)
        with cls._lock:
            cls._idle.append(self)

    @classmethod
    def _after_fork_in_child(cls):
        # The idle threads did not come along.
        cls._idle = []
        cls._lock = threading.Lock()


def _register_acall_at_fork():
    import os
    if hasattr(os, 'register_at_fork'):
        os.register_at_fork(after_in_child=_AcallThread._after_fork_in_child)


_register_acall_at_fork()


# run(), run_async() and their worker (extensions of this fork)

def _check_run_args(code_or_callable, args, data, kwargs):
    if isinstance(code_or_callable, str):
        if args or kwargs:
            raise TypeError('a script takes no arguments; '
                            'pass values with data=')
    elif not callable(code_or_callable):
        raise TypeError(f'expected a script (str) or a callable, '
                        f'got {type(code_or_callable).__name__}')
    if data is not None:
        if not isinstance(data, dict):
            raise TypeError(f'data must be a dict, '
                            f'got {type(data).__name__}')


# run() enters the target once, so that another thread entering the same
# interpreter cannot come between binding "data", running the code and
# collecting the result (it gets "interpreter already running" instead,
# as with exec() and call()).

def _run_in_main(code, payload, result_name):
    # Runs in the target interpreter (it crosses as marshalled code).
    # "code" is a marshalled code object, "payload" None or "data" as
    # _dump_data() pickled it.  Return (True, result) or (False, message)
    # when "data" does not unpickle.
    import __main__
    import sys
    ns = __main__.__dict__
    try:
        if payload is not None:
            pickled, mainfile = payload
            try:
                if mainfile is None and b'__xi_main__' not in pickled:
                    import pickle
                    ns['data'] = pickle.loads(pickled)
                else:
                    from concurrent.interpreters import _unpickle
                    ns['data'] = _unpickle.loads(pickled, mainfile)
            except Exception as exc:
                return False, f'{type(exc).__name__}: {exc}'
        import marshal
        code = marshal.loads(code)
        try:
            exec(code, ns)
        except BaseException as exc:
            # Tracebacks show the script, as with exec(), not this frame.
            exc.__traceback__ = exc.__traceback__.tb_next
            raise
        if result_name is None:
            return True, None
        result = ns.pop(result_name, ())
        return True, (result[0] if result else None)
    finally:
        if result_name is not None:
            ns.pop(result_name, None)
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass


def _call_in_main(func, args, kwargs, payload):
    # Runs in the target interpreter (it crosses as marshalled code).
    import __main__
    import sys
    try:
        if payload is not None:
            pickled, mainfile = payload
            try:
                if mainfile is None and b'__xi_main__' not in pickled:
                    import pickle
                    __main__.data = pickle.loads(pickled)
                else:
                    from concurrent.interpreters import _unpickle
                    __main__.data = _unpickle.loads(pickled, mainfile)
            except Exception as exc:
                return False, f'{type(exc).__name__}: {exc}'
        try:
            return True, func(*args, **kwargs)
        except BaseException as exc:
            # Tracebacks show the callable, as with call(), not this frame.
            exc.__traceback__ = exc.__traceback__.tb_next
            raise
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass


def _flush_streams():
    # Flushes the streams of the interpreter it runs in: the caller's, or
    # the target's when it crosses there as marshalled code.
    import sys
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass


def _call_in(interpid, func, args, kwargs):
    res, excinfo = _interpreters.call(interpid, func, tuple(args or ()),
                                      dict(kwargs or {}), restrict=True)
    if excinfo is not None:
        raise ExecutionFailed(excinfo)
    return res


def _dump_data(data):
    # "data" crosses as a call() argument would: pickled here with
    # functions by value (see _functions), and unpickled in the target
    # with the caller's main script when the pickle names __main__ (a
    # class of that script, say), by _unpickle as the C layer does.
    # Return (pickled, mainfile).
    from ._functions import dumps
    try:
        pickled = dumps(data)
    except NotShareableError as exc:
        raise NotShareableError('data is not shareable') from exc
    except Exception as exc:
        cause = NotShareableError(
            f'object of type {type(data).__name__} is not shareable')
        cause.__cause__ = exc
        raise NotShareableError('data is not shareable') from cause
    mainfile = None
    if b'__main__' in pickled:
        mainfile = getattr(sys.modules.get('__main__'), '__file__', None)
        if not isinstance(mainfile, str):
            mainfile = None
    return pickled, mainfile


def _run(interpid, code_or_callable, args, data, kwargs):
    _check_run_args(code_or_callable, args, data, kwargs)
    script = isinstance(code_or_callable, str)
    if script:
        from ._script import marshal_script, RESULT_NAME
        code, has_return = marshal_script(code_or_callable)
        result_name = RESULT_NAME if has_return else None
    payload = _dump_data(data) if data is not None else None
    _flush_streams()
    if script:
        ok, res = _call_in(interpid, _run_in_main,
                           (code, payload, result_name), None)
    elif payload is not None:
        ok, res = _call_in(interpid, _call_in_main,
                           (code_or_callable, args, kwargs, payload), None)
    else:
        try:
            return _call_in(interpid, code_or_callable, args, kwargs)
        finally:
            try:
                _call_in(interpid, _flush_streams, (), None)
            except InterpreterError:
                # Busy or gone: the streams are flushed by whoever is in
                # it, or went with it.
                pass
    if not ok:
        raise NotShareableError('data is not shareable') from \
            NotShareableError(res)
    return res


class _Worker:
    """The thread that runs an interpreter's run_async() calls in order."""

    def __init__(self, interpid):
        import queue
        self._interpid = interpid
        self._items = queue.SimpleQueue()
        # Nothing is queued after the stop marker.
        self._lock = threading.Lock()
        self._closing = False
        self._stopped = False
        self._thread = threading.Thread(
            target=self._loop, args=(interpid, self._items),
            name=f'Interpreter({interpid}).run_async')
        _register_worker(self)
        try:
            self._thread.start()
        except BaseException:
            self._stopped = True
            raise

    def submit(self, item):
        """Queue (fut, interp, code_or_callable, args, data, kwargs).

        Return False if the worker was stopped.  The item holds the
        Interpreter until the call is done, so the interpreter is not
        destroyed with calls pending.
        """
        with self._lock:
            if self._stopped:
                return False
            self._items.put(item)
            return True

    def stop(self, *, closing=False):
        with self._lock:
            if closing:
                self._closing = True
            if not self._stopped:
                self._stopped = True
                self._items.put(None)

    def join(self):
        if self._thread is not threading.current_thread():
            self._thread.join()

    def _loop(self, interpid, items):
        while True:
            item = items.get()
            if item is None:
                break
            fut, interp, code_or_callable, args, data, kwargs = item
            del item
            if not fut.set_running_or_notify_cancel():
                pass  # cancelled
            elif self._closing:
                fut.set_exception(InterpreterError(
                    f'interpreter {interpid} was closed before the '
                    f'call ran'))
            else:
                try:
                    res = _run(interpid, code_or_callable, args, data,
                               kwargs)
                except BaseException as exc:
                    fut.set_exception(exc)
                    del exc
                else:
                    fut.set_result(res)
                    del res
            # Let go of the interpreter before waiting for more.
            del fut, interp, code_or_callable, args, data, kwargs


_workers = weakref.WeakSet()
# Makes one worker per interpreter when threads call run_async() at once.
_workers_lock = threading.Lock()
_atexit_registered = False


def _register_worker(worker):
    global _atexit_registered
    if not _atexit_registered:
        # Stop idle workers before threading joins its threads at exit;
        # calls already queued still run.
        threading._register_atexit(_stop_workers)
        _atexit_registered = True
    _workers.add(worker)


def _stop_workers():
    for worker in list(_workers):
        worker.stop()
