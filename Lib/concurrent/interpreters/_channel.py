"""A simple channel between interpreters (an extension of this fork).

A Channel is built on three cross-interpreter queues: one carries the
items, each wrapped in a 1-tuple (put with UNBOUND_ERROR), and the
end-of-channel marker None (put with UNBOUND, so that it outlives the
interpreter that closed the channel); the second, of size one, is full
once the channel is closed; the third, of size one, is a lock that
send() and close() hold, so that the end marker comes after every item
whose send() succeeded.  Passing a Channel to another interpreter
passes the ids of the three queues.
"""

import _thread
import weakref
import _interpqueues
from . import _queues
from ._queues import Queue, QueueEmpty, QueueError

__all__ = ['Channel', 'ChannelClosedError']


class ChannelClosedError(QueueError):
    """Raised by send() on a closed channel, and by recv() once a
    closed channel has no items left.
    """


_known_channels = weakref.WeakValueDictionary()


def _channel(items_id, closed_id, lock_id, bound=False):
    """Return the Channel for the three queue ids (used by pickle).

    With bound=True, each queue has a reference that Channel.__reduce__()
    took for the pickle, so that the queues outlive the Channel object
    the pickle was made from (for instance a Channel inside a list put
    on a queue).  It is released here, once this interpreter's Channel
    holds its own.
    """
    try:
        try:
            return _known_channels[items_id]
        except KeyError:
            pass
        self = object.__new__(Channel)
        self._items = Queue(items_id)
        self._closed = Queue(closed_id)
        self._lock = Queue(lock_id)
        self._owner = None
        self._depth = 0
        self._close_pending = False
        return _known_channels.setdefault(items_id, self)
    finally:
        if bound:
            for qid in (items_id, closed_id, lock_id):
                try:
                    _interpqueues.release(qid)
                except _interpqueues.QueueNotFoundError:
                    pass


class Channel:
    """A channel that carries objects between interpreters.

    This is an extension of this fork, not in CPython 3.14.

    Channel() makes a new, unbounded channel.  Pass the Channel object
    to other interpreters (as a call() or run() argument, in data=, in
    a queue, ...): every copy is the same channel.  Objects cross as
    they do through a Queue: shareable objects are shared or copied,
    others are pickled.
    """

    def __new__(cls):
        items = _queues.create(unbounditems=_queues.UNBOUND_ERROR)
        closed = _queues.create(maxsize=1)
        lock = _queues.create(maxsize=1,
                              unbounditems=_queues.UNBOUND_REMOVE)
        return _channel(items.id, closed.id, lock.id)

    def __reduce__(self):
        # The pickle holds a reference on each queue until it is
        # unpickled (see _channel()).  A pickle that is never unpickled
        # keeps the queues alive until the process exits.
        ids = (self._items.id, self._closed.id, self._lock.id)
        bound = []
        try:
            for qid in ids:
                _interpqueues.bind(qid)
                bound.append(qid)
        except BaseException:
            for qid in bound:
                _interpqueues.release(qid)
            raise
        return (_channel, (*ids, True))

    def __repr__(self):
        return f'<{type(self).__name__} {self.id}>'

    def __hash__(self):
        return hash(self._items.id)

    @property
    def id(self):
        """The id of the queue underneath, unique in the process."""
        return self._items.id

    @property
    def closed(self):
        """True once close() was called, from any interpreter."""
        return self._closed.full()

    def send(self, obj):
        """Send the object; raise ChannelClosedError if closed.

        It never blocks for long: the channel has no size limit, and
        send() only waits for a send() or close() that another thread
        is doing on the same channel.
        """
        self._acquire()
        try:
            if self.closed:
                raise ChannelClosedError(f'channel {self.id} is closed')
            self._items.put((obj,))
        finally:
            self._release()

    def _acquire(self):
        # The lock is re-entrant for the thread that holds it, as
        # converting an object in send() may call back into the
        # channel (a __reduce__ that sends or closes).
        me = _thread.get_ident()
        if self._owner == me:
            self._depth += 1
            return
        # A lock held by an interpreter that is destroyed is released
        # (UNBOUND_REMOVE).  Try without waiting first, the common case.
        try:
            _interpqueues.put(self._lock.id, None, -1, 0)
        except _queues.QueueFull:
            self._lock.put(None)
        self._owner = me
        self._depth = 1

    def _release(self):
        self._depth -= 1
        if self._depth:
            return
        try:
            if self._close_pending:
                # After the item of the send() that held the lock when
                # close() was called from inside it, if any.
                self._close_pending = False
                self._items.put(None, unbounditems=_queues.UNBOUND)
        finally:
            self._owner = None
            _interpqueues.get(self._lock.id)

    def recv(self, timeout=None):
        """Return the next object, waiting for one if there is none.

        Wait at most "timeout" seconds if it is not None, then raise
        TimeoutError.  Raise ChannelClosedError when the channel is
        closed and every object sent before has been received.  An
        object whose sending interpreter was destroyed before it was
        received raises ItemInterpreterDestroyed.
        """
        if timeout is not None:
            if not isinstance(timeout, (int, float)):
                raise TypeError(f'timeout must be a number, '
                                f'got {type(timeout).__name__}')
            if timeout < 0:
                raise ValueError('timeout must be non-negative')
        try:
            item = self._items.get(timeout=timeout)
        except QueueEmpty:
            raise TimeoutError(f'nothing received on channel {self.id} '
                               f'within {timeout} seconds') from None
        if type(item) is tuple and len(item) == 1:
            return item[0]
        # The end marker (None, or UNBOUND once the interpreter that
        # closed the channel is gone): put it back for other receivers.
        self._items.put(None, unbounditems=_queues.UNBOUND)
        raise ChannelClosedError(f'channel {self.id} is closed')

    def close(self):
        """Close the channel for every interpreter.

        Objects already sent can still be received; then recv() raises
        ChannelClosedError, as send() does at once.  Closing a closed
        channel does nothing.
        """
        self._acquire()
        try:
            try:
                self._closed.put_nowait(True)
            except _queues.QueueFull:
                return
            # The end marker is put when the lock is released.
            self._close_pending = True
        finally:
            self._release()
