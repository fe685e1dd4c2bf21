"""Run Python code in other interpreters of the same process (PEP 734).

Each interpreter has its own modules, its own __main__ and its own GIL;
objects are not shared between interpreters but copied (or, for a few
types, shared safely), and queues pass data between them.
"""

import weakref
import _interpreters

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
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')


def __dir__():
    return sorted(set(globals()) | set(__all__))


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
    return [Interpreter(id, _whence=whence)
            for id, whence in _interpreters.list_all(require_ready=True)]


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
        self._decref()

    def __reduce__(self):
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
        """
        return _interpreters.destroy(self._id, restrict=True)

    def prepare_main(self, ns=None, /, **kwargs):
        """Bind the given values into the interpreter's __main__.

        The values must be shareable (see is_shareable()); nothing is
        pickled.  Raise NotShareableError for any other value.
        """
        ns = dict(ns, **kwargs) if ns is not None else kwargs
        _interpreters.set___main___attrs(self._id, ns, restrict=True)

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
        res, excinfo = _interpreters.call(self._id, callable,
                                          args or None, kwargs or None,
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

    # Fork extension (not in CPython 3.14): awaitable calls.

    async def acall(self, callable, /, *args, **kwargs):
        """Call the object in the interpreter; await the result.

        This is call() for asyncio: the call runs in a new thread, so
        the event loop keeps running meanwhile.  The result, and any
        exception (ExecutionFailed and the rest), are those of call().
        If the awaiting task is cancelled, the call still runs to its
        end and its result is dropped.  This is an extension of the
        fork; CPython 3.14 does not have it.
        """
        import asyncio
        import threading
        from concurrent.futures import Future
        loop = asyncio.get_running_loop()
        future = Future()

        def run():
            if not future.set_running_or_notify_cancel():
                return
            try:
                result = self._call(callable, args, kwargs)
            except BaseException as exc:
                future.set_exception(exc)
            else:
                future.set_result(result)

        threading.Thread(target=run,
                         name=f'Interpreter({self._id}).acall').start()
        return await asyncio.wrap_future(future, loop=loop)
