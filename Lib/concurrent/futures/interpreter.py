"""Implements InterpreterPoolExecutor."""

import operator
import sys
import _interpreters
from concurrent import interpreters
from concurrent.futures import thread as _thread


# The functions below run in the worker interpreters.  They use nothing
# but their arguments, the builtins and modules they import themselves,
# so they cross as marshalled code and the worker need not import this
# module.

def _setup_worker(path, thread_name):
    import sys
    import threading
    sys.path[:] = path
    # The worker thread has no threading.Thread object in this
    # interpreter: name the placeholder that threading makes for it.
    # Each call runs under a new thread state, and the thread-local
    # that keeps the placeholder registered would go with the first
    # one, so the interpreter keeps it until the worker exits.
    thread = threading.current_thread()
    thread.name = thread_name
    local = threading._thread_local_info
    threading._pool_worker_thread = getattr(
        local, '_track_dummy_thread_ref', thread)


def _teardown_worker():
    import threading
    # Let the placeholder go while the threading module is still whole.
    vars(threading).pop('_pool_worker_thread', None)


def _sync_path(old, new):
    import importlib
    import sys
    # Follow the owner's changes; keep what the worker added itself.
    kept = [p for p in sys.path if p not in old and p not in new]
    sys.path[:] = list(new) + kept
    importlib.invalidate_caches()


class BrokenInterpreterPool(_thread.BrokenThreadPool):
    """
    Raised when a worker thread in an InterpreterPoolExecutor failed
    initializing.
    """


class WorkerContext(_thread.WorkerContext):
    """The interpreter of one InterpreterPoolExecutor worker.

    initialize() creates the interpreter in the worker thread, gives it
    the owner's sys.path and the thread's name, and calls the
    initializer there; run() calls each task in it; finalize() closes
    it.
    """

    @classmethod
    def prepare(cls, initializer, initargs):
        """Check the executor's arguments; return the two hooks it uses."""
        if isinstance(initializer, str):
            raise TypeError('scripts not supported')
        if initializer is not None and not callable(initializer):
            raise TypeError('initializer must be a callable')
        # Any iterable, as for ThreadPoolExecutor; call() wants a tuple.
        initargs = tuple(initargs)
        def create_context():
            return cls(initializer, initargs)
        def resolve_task(fn, args, kwargs):
            if isinstance(fn, str):
                raise TypeError('scripts not supported')
            return (fn, args, kwargs)
        return create_context, resolve_task

    def __init__(self, initializer, initargs):
        super().__init__(initializer, initargs)
        self.interp = None
        self._path = None

    def initialize(self):
        """Create the worker's interpreter and run the initializer in it."""
        import threading
        self.interp = interpreters.create()
        self._path = list(sys.path)
        name = threading.current_thread().name
        self._call(_setup_worker, (self._path, name))
        if self.initializer is not None:
            self._call(self.initializer, self.initargs)

    def finalize(self):
        """Close the worker's interpreter."""
        interp, self.interp = self.interp, None
        if interp is not None:
            try:
                _interpreters.call(interp.id, _teardown_worker)
            except interpreters.InterpreterError:
                pass
            try:
                interp.close()
            except interpreters.InterpreterNotFoundError:
                pass

    def run(self, task):
        """Call the task in the worker's interpreter; return the result."""
        fn, args, kwargs = task
        if sys.path != self._path:
            path = list(sys.path)
            self._call(_sync_path, (self._path, path))
            self._path = path
        if not callable(fn):
            # call() refuses a non-callable in the caller; a task fails
            # in the worker instead, with ExecutionFailed as its cause.
            fn, args = operator.call, (fn, *args)
        return self._call(fn, args, kwargs)

    def _call(self, fn, args, kwargs=None):
        res, excinfo = _interpreters.call(self.interp.id, fn,
                                          tuple(args), dict(kwargs or {}),
                                          preserve_exc=True, restrict=True)
        if excinfo is None:
            return res
        exc = excinfo.exc
        del excinfo.exc
        failed = interpreters.ExecutionFailed(excinfo)
        if exc is None:
            # The exception itself could not cross.
            raise failed
        exc.__context__ = failed
        try:
            raise exc from failed
        finally:
            exc = failed = None


class InterpreterPoolExecutor(_thread.ThreadPoolExecutor):
    """An executor that runs each call in one of a pool of interpreters.

    Each worker thread owns an interpreter (see concurrent.interpreters)
    for its whole life, so tasks run in parallel, each worker under its
    own GIL.  The callable, its arguments and its result cross between
    interpreters as with Interpreter.call().
    """

    BROKEN = BrokenInterpreterPool

    @classmethod
    def prepare_context(cls, initializer, initargs):
        """Return the hooks that make each worker's interpreter."""
        return WorkerContext.prepare(initializer, initargs)

    def __init__(self, max_workers=None, thread_name_prefix='',
                 initializer=None, initargs=()):
        """Initializes a new InterpreterPoolExecutor instance.

        Args:
            max_workers: The maximum number of interpreters that can be
                used to execute the given calls.
            thread_name_prefix: An optional name prefix to give our
                threads; the worker interpreters see the same names.
            initializer: A callable used to initialize each worker
                interpreter; it is called in the interpreter.
            initargs: A tuple of arguments to pass to the initializer.
        """
        thread_name_prefix = (thread_name_prefix or
                              f'InterpreterPoolExecutor-{self._counter()}')
        super().__init__(max_workers, thread_name_prefix,
                         initializer, initargs)
