"""Queues that pass objects safely between interpreters."""

import pickle
import queue
import time
import weakref
import _interpqueues as _queues
from . import _crossinterp

# aliases:
from _interpqueues import (
    QueueError, QueueNotFoundError,
)
from ._crossinterp import (
    UNBOUND_ERROR, UNBOUND_REMOVE,
)

__all__ = [
    'UNBOUND', 'UNBOUND_ERROR', 'UNBOUND_REMOVE',
    'create', 'list_all',
    'Queue',
    'QueueError', 'QueueNotFoundError', 'QueueEmpty', 'QueueFull',
    'ItemInterpreterDestroyed',
]


class QueueEmpty(QueueError, queue.Empty):
    """Raised from get_nowait() when the queue is empty.

    It is also raised from get() when its timeout runs out.
    """


class QueueFull(QueueError, queue.Full):
    """Raised from put_nowait() when the queue is full.

    It is also raised from put() when its timeout runs out.
    """


class ItemInterpreterDestroyed(QueueError,
                               _crossinterp.ItemInterpreterDestroyed):
    """Raised from get() for an item whose interpreter was destroyed.

    Only items put with unbounditems=UNBOUND_ERROR raise it.
    """


# The low-level "fallback" values.
_SHARED_ONLY = 0
_FULL_FALLBACK = 1

# The "fmt" of an item that Python 3.13's queues pickled themselves.
_FMT_PICKLED = 1

UNBOUND = _crossinterp.UnboundItem.singleton('queue', __name__)


def create(maxsize=0, *, unbounditems=UNBOUND):
    """Return a new cross-interpreter queue.

    The queue may be used to pass data safely between interpreters.
    A maxsize of zero or less means the queue is unbounded.

    "unbounditems" sets the default for Queue.put() and
    Queue.put_nowait(); see Queue.put() for the supported values.
    """
    unbound = _crossinterp.serialize_unbound(unbounditems, UNBOUND)
    unboundop, = unbound
    # The fallback goes by keyword: create(maxsize, x, 1) is Python
    # 3.13's create(maxsize, fmt, unboundop) to the low-level module.
    qid = _queues.create(maxsize, unboundop, fallback=_FULL_FALLBACK)
    return Queue(qid, _unbound=unbound)


def list_all():
    """Return a Queue object for every queue that exists."""
    queues = []
    # The entries of queues made by Python 3.13's low-level create()
    # have another shape, so each queue is asked for its defaults.
    for qid, *_ in _queues.list_all():
        try:
            queues.append(Queue(qid))
        except QueueNotFoundError:
            # It was destroyed meanwhile.
            pass
    return queues


_known_queues = weakref.WeakValueDictionary()


_NOT_GIVEN = object()


class Queue(_queues._QueueBase):
    """A cross-interpreter queue.

    Queue(id) returns the object for an existing queue, the same one
    for the same id within an interpreter.

    Queue() and Queue(maxsize=N) make a new queue, as create_queue()
    does; "unbounditems" may be given too.  This is an extension of
    this fork: CPython 3.14 needs create_queue() for a new queue.
    """

    def __new__(cls, id=None, /, *, maxsize=_NOT_GIVEN,
                unbounditems=_NOT_GIVEN, _unbound=None):
        if id is None:
            kwargs = {}
            if maxsize is not _NOT_GIVEN:
                if not isinstance(maxsize, int):
                    raise TypeError(f'maxsize must be an int, '
                                    f'got {type(maxsize).__name__}')
                kwargs['maxsize'] = maxsize
            if unbounditems is not _NOT_GIVEN:
                kwargs['unbounditems'] = unbounditems
            return create(**kwargs)
        if maxsize is not _NOT_GIVEN or unbounditems is not _NOT_GIVEN:
            raise TypeError('Queue(id) binds to an existing queue; '
                            'maxsize and unbounditems are only for a '
                            'new queue, Queue(maxsize=N)')
        # There is only one instance for any given ID.
        if not isinstance(id, int):
            raise TypeError(f'id must be an int, got {id!r}')
        id = int(id)
        try:
            self = _known_queues[id]
        except KeyError:
            pass
        else:
            return self
        if _unbound is None:
            # This raises QueueNotFoundError for an unknown id.
            fmt = _queues._get_fmt(id)
            if fmt is None:
                unboundop, _ = _queues.get_queue_defaults(id)
            else:
                # Made by Python 3.13's form of the low-level create().
                _, unboundop = _queues.get_queue_defaults(id)
                cls = _Queue313
            _unbound = (unboundop,)
        self = super().__new__(cls)
        self._id = id
        self._unbound = _unbound
        _queues.bind(id)
        _known_queues[id] = self
        return self

    def __del__(self, *, _release=_queues.release,
                _notfound=QueueNotFoundError):
        # Module globals may already be gone late at shutdown, hence
        # the keyword-only defaults.
        try:
            _release(self._id)
        except _notfound:
            pass
        except AttributeError:
            # __new__ failed before the id was set.
            pass

    def __repr__(self):
        return f'{type(self).__name__}({self.id})'

    def __hash__(self):
        return hash(self._id)

    def __reduce__(self):
        # When put() pickles an item that holds this queue, the item
        # keeps the queue alive until it is taken, so that it can be
        # unpickled even if every Queue object of it is gone by then.
        _queues._hold_in_transit(self._id)
        return (type(self), (self._id,))

    @property
    def id(self):
        """The queue's unique, process-wide ID (an int)."""
        return self._id

    @property
    def maxsize(self):
        """The most items the queue holds (0 or less: no limit)."""
        try:
            return self._maxsize
        except AttributeError:
            self._maxsize = _queues.get_maxsize(self._id)
            return self._maxsize

    @property
    def unbounditems(self):
        """The queue's default for put()'s "unbounditems"."""
        flag, = self._unbound
        op = _crossinterp._UNBOUND_FLAG_TO_CONSTANT[flag]
        return UNBOUND if op is _crossinterp.UNBOUND else op

    def empty(self):
        """Return True if the queue holds no items."""
        return self.qsize() == 0

    def full(self):
        """Return True if the queue holds maxsize items."""
        return _queues.is_full(self._id)

    def qsize(self):
        """Return the number of items in the queue."""
        return _queues.get_count(self._id)

    def _unboundop(self, unbounditems):
        if unbounditems is None:
            unboundop, = self._unbound
        else:
            unboundop, = _crossinterp.serialize_unbound(unbounditems, UNBOUND)
        return unboundop

    # put(), put_nowait(), get() and get_nowait() are those of the base
    # class, in C: one call each.  What they leave to Python:

    @staticmethod
    def _resolve_unbound(unboundop):
        # get() of an item whose interpreter was destroyed.
        return _crossinterp.resolve_unbound(
            unboundop, ItemInterpreterDestroyed, UNBOUND)

    # Fork extension (not in CPython 3.14): awaitable put and get.
    # They use the non-blocking calls, so that a cancelled await never
    # takes or adds an item, and between two tries they wait for the
    # queue to change: put() and get(), in any interpreter, make the
    # event loop's signal readable (see _LoopSignal).  Where the loop
    # cannot watch a file descriptor they poll instead, pausing from
    # _AWAIT_MIN_DELAY up to _AWAIT_MAX_DELAY between tries.
    _AWAIT_MIN_DELAY = 0.000_2
    _AWAIT_MAX_DELAY = 0.010

    async def aput(self, obj, timeout=None, *, unbounditems=None):
        """Add the object to the queue, awaiting room if it is full.

        This is put() for asyncio: the event loop keeps running while
        the queue is full, and the await ends as soon as a get() in any
        interpreter makes room.  After "timeout" seconds (None: no
        limit) QueueFull is raised.  The other arguments are those of
        put().  A cancelled aput() has not added the object.  This is
        an extension of the fork; CPython 3.14 does not have it.
        """
        unboundop = self._unboundop(unbounditems)
        end = None if timeout is None else self._deadline(timeout)
        try:
            return _queues.put(self._id, obj, unboundop, _FULL_FALLBACK)
        except QueueFull:
            if end is not None and time.monotonic() >= end:
                raise
        # (Outside the except clause: a later error does not chain to
        # this QueueFull.)
        await self._await(
            lambda: _queues.put(self._id, obj, unboundop, _FULL_FALLBACK),
            QueueFull, end, True)

    async def aget(self, timeout=None):
        """Remove and return the next object, awaiting one if needed.

        This is get() for asyncio: the event loop keeps running while
        the queue is empty, and the await ends as soon as a put() in
        any interpreter adds an item.  After "timeout" seconds (None:
        no limit) QueueEmpty is raised.  A cancelled aget() has taken
        nothing.  This is an extension of the fork; CPython 3.14 does
        not have it.
        """
        end = None if timeout is None else self._deadline(timeout)
        try:
            return self.get_nowait()
        except QueueEmpty:
            if end is not None and time.monotonic() >= end:
                raise
        return await self._await(self.get_nowait, QueueEmpty, end, False)

    async def _retry(self, attempt, exctype, timeout, put):
        # Call attempt() until it does not raise exctype (QueueFull or
        # QueueEmpty), waiting in between for the queue to change, or
        # until the timeout ends.  (aget() and aput() do the same,
        # inlined.)
        end = self._deadline(timeout)
        try:
            return attempt()
        except exctype:
            if end is not None and time.monotonic() >= end:
                raise
        return await self._await(attempt, exctype, end, put)

    def _await(self, attempt, exctype, end, put):
        # Return the awaitable that retries attempt() each time the
        # queue changes (after a first try that failed), until the end
        # (a time.monotonic() value, or None).
        import asyncio
        loop = asyncio.get_running_loop()
        signal = _LoopSignal.of(loop)
        if signal is None:
            return self._poll(attempt, exctype, end)
        return signal.wait(loop, self._id, put, attempt, exctype, end)

    async def _poll(self, attempt, exctype, end):
        import asyncio
        delay = 0
        while True:
            now = time.monotonic()
            delay = self._next_delay(delay, now, end)
            await asyncio.sleep(delay)
            try:
                return attempt()
            except exctype:
                if end is not None and time.monotonic() >= end:
                    raise

    @classmethod
    def _deadline(cls, timeout):
        timeout = cls._timeout(timeout)
        return None if timeout is None else time.monotonic() + timeout

    @classmethod
    def _next_delay(cls, delay, now, end):
        # Start fast, back off, and never sleep past the deadline.
        delay = min(max(delay * 2, cls._AWAIT_MIN_DELAY), cls._AWAIT_MAX_DELAY)
        if end is not None:
            delay = min(delay, end - now)
        return delay

    @staticmethod
    def _timeout(timeout):
        if timeout is None:
            return None
        timeout = float(timeout)
        if timeout < 0:
            raise ValueError('timeout value must be non-negative')
        return timeout


class _LoopSignal:
    # The signal of one event loop: its file descriptor is registered
    # with the loop (add_reader()), and becomes readable when a queue
    # that one of the loop's aget() or aput() calls watches changes,
    # or is destroyed.  The loop then wakes every await of the loop,
    # and each looks at its queue again.  A put() or get() of another
    # interpreter only writes the descriptor, which is safe from any
    # thread.

    # The attribute of the loop that holds its signal.  (Not a weak
    # dictionary keyed by the loop: the futures of pending awaits refer
    # to the loop, so an entry would keep a closed loop alive forever.)
    _ATTR = '_concurrent_interpreters_signal'

    @classmethod
    def of(cls, loop):
        """Return the loop's signal, or None if the loop cannot have one."""
        self = getattr(loop, cls._ATTR, None)
        if self is not None:
            return self
        make = getattr(_queues, '_Signal', None)
        if make is None:
            return None
        signal = make()
        self = cls(signal)
        try:
            setattr(loop, cls._ATTR, self)
        except AttributeError:
            signal.close()
            return None
        try:
            loop.add_reader(signal.fileno(), self._wake)
        except (NotImplementedError, AttributeError):
            # For example the proactor loop of Windows.
            delattr(loop, cls._ATTR)
            signal.close()
            return None
        except BaseException:
            delattr(loop, cls._ATTR)
            signal.close()
            raise
        # The signal closes with its object; queues that still watch it
        # keep its descriptor open until they let go.
        return self

    def __init__(self, signal):
        self._signal = signal
        self._waiters = set()
        # One timer serves every await of the loop that has a deadline
        # ("_deadlines" maps their futures to their ends): it is set for
        # the earliest one, and is not cancelled when an await ends
        # sooner, so that an await with a timeout costs no timer of its
        # own.  When it fires, it wakes the awaits whose deadline has
        # passed, and is set for the next earliest one.
        self._deadlines = {}
        self._timer = None
        self._timer_end = None

    def _wake(self):
        # Drain first, then wake: an await looks at its queue after the
        # drain, so that no change goes unseen.
        self._signal.clear()
        self._wake_all()

    def _wake_all(self):
        waiters = self._waiters
        if waiters:
            self._waiters = set()
            for fut in waiters:
                if not fut.done():
                    fut.set_result(None)

    def _on_timer(self, loop):
        self._timer = None
        now = time.monotonic()
        nearest = None
        for fut, end in self._deadlines.items():
            if fut.done():
                continue
            if end <= now:
                fut.set_result(None)
            elif nearest is None or end < nearest:
                nearest = end
        if nearest is not None:
            self._wake_by(loop, nearest)

    def _wake_by(self, loop, end):
        # Make sure that the timer fires by "end" (time.monotonic()).
        timer = self._timer
        if timer is not None:
            if self._timer_end <= end:
                return
            timer.cancel()
        self._timer_end = end
        self._timer = loop.call_later(end - time.monotonic(),
                                      self._on_timer, loop)

    async def wait(self, loop, qid, put, attempt, exctype, end):
        """Retry attempt() each time the queue changes, until the end."""
        signal = self._signal
        # The caller's try failed; unless the queue changed since (watch()
        # tells), the next try comes after a change.
        ready = signal.watch(qid, put)
        try:
            while True:
                # A change after this try makes the descriptor readable,
                # so the future below is woken.
                if ready:
                    try:
                        return attempt()
                    except exctype:
                        if end is not None and time.monotonic() >= end:
                            raise
                ready = True
                fut = loop.create_future()
                self._waiters.add(fut)
                if end is not None:
                    self._deadlines[fut] = end
                    self._wake_by(loop, end)
                try:
                    await fut
                finally:
                    self._waiters.discard(fut)
                    if end is not None:
                        self._deadlines.pop(fut, None)
        finally:
            signal.unwatch(qid, put)


class _Queue313(Queue):
    # A queue made by Python 3.13's low-level create(maxsize, fmt,
    # unboundop), e.g. by a library written for 3.13.  The low-level
    # module answers for it in 3.13's shapes, and an item whose fmt is
    # _FMT_PICKLED holds pickled bytes, as 3.13's own queues made them.
    # Queue(id) returns this for such a queue.

    def _put(self, obj, unbounditems, **kwargs):
        fmt = _queues._get_fmt(self._id)
        if fmt == _FMT_PICKLED:
            obj = pickle.dumps(obj)
        _queues.put(self._id, obj, fmt=fmt,
                    unboundop=self._unboundop(unbounditems),
                    fallback=_FULL_FALLBACK, **kwargs)

    def put(self, obj, block=True, timeout=None, *, unbounditems=None):
        if not block:
            return self.put_nowait(obj, unbounditems=unbounditems)
        if timeout is not None:
            timeout = self._timeout(timeout)
        self._put(obj, unbounditems, block=True, timeout=timeout)

    def put_nowait(self, obj, *, unbounditems=None):
        self._put(obj, unbounditems)

    def _result(self, res):
        obj, fmt, unboundop = res
        if unboundop is not None:
            return _crossinterp.resolve_unbound(
                unboundop, ItemInterpreterDestroyed, UNBOUND)
        if fmt == _FMT_PICKLED:
            return pickle.loads(obj)
        return obj

    def get(self, block=True, timeout=None):
        if not block:
            return self.get_nowait()
        if timeout is not None:
            timeout = self._timeout(timeout)
        return self._result(
            _queues.get(self._id, block=True, timeout=timeout))

    def get_nowait(self):
        return self._result(_queues.get(self._id))

    def __repr__(self):
        return f'Queue({self.id})'

    async def aput(self, obj, timeout=None, *, unbounditems=None):
        await self._retry(
            lambda: self._put(obj, unbounditems), QueueFull, timeout, True)


_queues._register_heap_types(Queue, QueueEmpty, QueueFull)
