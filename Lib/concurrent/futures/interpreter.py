"""Implements InterpreterPoolExecutor."""

import collections
import itertools
import operator
import queue
import sys
import time
import _interpreters
from concurrent import interpreters
from concurrent.futures import _base
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


# map() without a chunksize sends about this many batches to each worker,
# and never more than _MAX_AUTO_BATCH calls in one.
_BATCHES_PER_WORKER = 16
_MAX_AUTO_BATCH = 256
# map()'s reader, waiting for the next outcome of a batch, looks again
# after _FIRST_PAUSE seconds, then after pauses twice as long, up to
# _LONGEST_PAUSE; a worker wakes it at once only after calls that took
# _SLOW_CALL seconds or more.  Quick calls thus cost no wake-up each, and
# no outcome waits long for the calls after it to end.
_FIRST_PAUSE = 50e-6
_LONGEST_PAUSE = 2e-3
_SLOW_CALL = 50e-6
# A worker makes the calls of a batch in visits to its interpreter (see
# _interpreters.call_batch()): a visit makes at most _MAX_VISIT calls and
# starts no call once _SLOW_CALL seconds have passed, so that outcomes
# reach the reader and an abandoned batch stops soon.  The first visit
# makes one call; the next ones make twice as many as the one before
# while the calls are quick, and one again after slow calls.
_MAX_VISIT = 256


class _Batch:
    """Several calls of one map(), run by a worker as a single work item.

    Each call crosses into the worker's interpreter on its own, exactly as
    a submitted task does, but the calls are made in visits to the
    worker's interpreter (one trip from the main interpreter for several
    quick calls); the outcomes of a visit are there for map()'s reader as
    soon as the visit ends, and a slow call ends its visit.  The batch
    also saves a future and a trip through the work queue per call.
    """

    __slots__ = ('fn', 'argslist', 'abandoned', 'future', '_outcomes',
                 '_next', '_finished', '_waiting', '_wakeup')

    def __init__(self, fn, argslist):
        self.fn = fn
        self.argslist = argslist
        # Set when map()'s caller stops iterating: no further call starts.
        self.abandoned = False
        self.future = None
        # (True, result) or (False, exception) per call made, in order;
        # the reader takes them out one by one from _next on.
        self._outcomes = []
        self._next = 0
        self._finished = False
        self._waiting = False
        self._wakeup = queue.SimpleQueue()

    def submit(self, executor):
        self.future = executor.submit(self)
        self.future.add_done_callback(self._done)

    def run(self, ctx):
        """Make the calls in the worker's context (in the worker thread)."""
        clock = time.perf_counter
        fn = self.fn
        if not callable(fn):
            # As for a submitted task (see WorkerContext.call()).
            fn, argslist = operator.call, [(fn, *a) for a in self.argslist]
        else:
            argslist = self.argslist
        done = 0
        size = 1
        while done < len(argslist) and not self.abandoned:
            calls = [(fn, args, None)
                     for args in argslist[done:done + size]]
            start = clock()
            outcomes = ctx.call_many(calls, _SLOW_CALL)
            elapsed = clock() - start
            calls = None
            done += len(outcomes)
            self._outcomes.extend(outcomes)
            if elapsed < _SLOW_CALL:
                size = min(size * 2, _MAX_VISIT)
            else:
                size = 1 if len(outcomes) == 1 else len(outcomes)
                if self._waiting:
                    self._waiting = False
                    self._wakeup.put(None)
            outcomes = None

    def _done(self, future):
        # The batch has run, or never will (cancelled, broken pool).
        self._finished = True
        self._wakeup.put(None)

    def next_result(self, timeout=None):
        """Return the result of the next call, or raise its exception."""
        if timeout is not None:
            deadline = time.monotonic() + timeout
        pause = _FIRST_PAUSE
        while self._next >= len(self._outcomes):
            if self._finished:
                if self._next < len(self._outcomes):
                    break
                # Raises why the call was not made (CancelledError,
                # BrokenInterpreterPool...).
                self.future.result()
                raise RuntimeError('map() batch ended before all its calls')
            self._waiting = True
            if self._next < len(self._outcomes):
                break
            if timeout is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    self._waiting = False
                    raise TimeoutError
                pause = min(pause, left)
            try:
                self._wakeup.get(timeout=pause)
            except queue.Empty:
                pass
            pause = min(pause * 2, _LONGEST_PAUSE)
        self._waiting = False
        ok, value = self._outcomes[self._next]
        self._outcomes[self._next] = None
        self._next += 1
        if ok:
            return value
        try:
            raise value
        finally:
            value = None


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
        self._interp_id = None
        self._path = None

    def initialize(self):
        """Create the worker's interpreter and run the initializer in it."""
        import threading
        self.interp = interpreters.create()
        self._interp_id = self.interp.id
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
        if type(fn) is _Batch:
            return fn.run(self)
        return self.call(fn, args, kwargs)

    def call(self, fn, args, kwargs=None):
        """Make one call of a task in the worker's interpreter."""
        if sys.path != self._path:
            path = list(sys.path)
            self._call(_sync_path, (self._path, path))
            self._path = path
        if not callable(fn):
            # call() refuses a non-callable in the caller; a task fails
            # in the worker instead, with ExecutionFailed as its cause.
            fn, args = operator.call, (fn, *args)
        return self._call(fn, args, kwargs)

    def call_many(self, calls, budget=0.0):
        """Make calls, (fn, args, kwargs) tuples, in one visit.

        Return a list of (True, result) or (False, exception), one per
        call made: all of them, or, with a budget (seconds), those that
        started before that time had passed.
        """
        if sys.path != self._path:
            path = list(sys.path)
            self._call(_sync_path, (self._path, path))
            self._path = path
        outcomes = _interpreters.call_batch(self._interp_id, calls,
                                            preserve_exc=True, restrict=True,
                                            budget=budget)
        for i, (kind, value) in enumerate(outcomes):
            if kind == 0:
                outcomes[i] = (True, value)
            elif kind == 1:
                outcomes[i] = (False, self._exception(value))
            else:
                outcomes[i] = (False, value)
        return outcomes

    @staticmethod
    def _exception(excinfo):
        # The exception that a call raised, as _call() raises it.
        exc = excinfo.exc
        del excinfo.exc
        failed = interpreters.ExecutionFailed(excinfo)
        if exc is None:
            # The exception itself could not cross.
            return failed
        exc.__context__ = failed
        exc.__cause__ = failed
        return exc

    def _call(self, fn, args, kwargs=None):
        res, excinfo = _interpreters.call(self._interp_id, fn, tuple(args),
                                          {} if kwargs is None
                                          else dict(kwargs),
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

    def map(self, fn, *iterables, timeout=None, chunksize=1,
            buffersize=None):
        """Return an iterator equivalent to map(fn, *iterables).

        As Executor.map(): every call is made, in some worker's interpreter,
        and the iterator yields the results in order, raising the
        exception of a call that failed when it reaches it, or TimeoutError
        once timeout seconds have passed since map() was called.  With a
        buffersize, at most that many inputs are taken from the iterables
        ahead of the results yielded, so they may be infinite.

        Fork extension: the calls go to the workers in batches of
        chunksize; by default the batch size follows the number of calls
        (or the buffersize) and workers.  A batch saves a future and a
        work queue trip per call, which many small calls spend most of
        their time on.  With a buffersize, a batch is never larger than
        it.  Once the caller stops iterating, the calls not yet started
        are dropped.
        """
        _base._check_buffersize(buffersize)
        if timeout is not None:
            end_time = timeout + time.monotonic()
        if chunksize < 1:
            raise ValueError("chunksize must be >= 1.")
        args_iter = zip(*iterables)
        if buffersize is None:
            argslist = list(args_iter)
            args_iter = None
            if chunksize == 1:
                chunksize = self._auto_batch_size(len(argslist))
        else:
            # The first batches fill the buffer; then each result asked
            # for makes room for one input, and a batch goes as soon as
            # there is room for a whole one.
            buffersize = min(buffersize, sys.maxsize)
            argslist = list(itertools.islice(args_iter, buffersize))
            if chunksize == 1:
                chunksize = self._auto_batch_size(buffersize)
            chunksize = min(chunksize, buffersize)
        if argslist:
            # Refuse what submit() refuses (a script, for one) before any
            # call is made.
            self._resolve_work_item_task(fn, (), {})
        batches = collections.deque(
            _Batch(fn, argslist[i:i + chunksize])
            for i in range(0, len(argslist), chunksize))
        fetched = len(argslist)
        del argslist
        for batch in batches:
            batch.submit(self)
        # With a buffersize the iterator submits the next batches: it keeps
        # the executor alive until it is exhausted or closed.  Without one
        # it does not refer to the executor.
        executor = self if buffersize is not None else None

        # Yield must be hidden in a closure so that the calls are submitted
        # before the first value is asked for.
        def result_iterator():
            nonlocal fetched
            asked = 0
            exhausted = buffersize is None or fetched < buffersize
            try:
                while batches:
                    batch = batches[0]
                    for _ in range(len(batch.argslist)):
                        asked += 1
                        while (not exhausted
                               and asked + buffersize - fetched >= chunksize):
                            more = list(itertools.islice(args_iter,
                                                         chunksize))
                            exhausted = len(more) < chunksize
                            if more:
                                fetched += len(more)
                                more = _Batch(fn, more)
                                more.submit(executor)
                                batches.append(more)
                            more = None
                        if timeout is None:
                            yield batch.next_result()
                        else:
                            yield batch.next_result(
                                max(0.0, end_time - time.monotonic()))
                    batches.popleft()
            finally:
                # The current batch too, if it raised or timed out.
                for batch in batches:
                    batch.abandoned = True
                    batch.future.cancel()
        return result_iterator()

    def _auto_batch_size(self, ncalls):
        """Return the size of map()'s batches for ncalls calls."""
        size = ncalls // (self._max_workers * _BATCHES_PER_WORKER)
        return max(1, min(size, _MAX_AUTO_BATCH))
