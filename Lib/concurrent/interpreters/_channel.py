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


def _channel(items, closed, lock):
    """Return the Channel for its three queues, or their ids (for pickle).

    Channel.__reduce__() pickles the Queue objects, not their ids, so a
    Channel inside an item put on a queue keeps its queues alive until the
    item is taken.
    """
    def queue(q):
        return q if isinstance(q, Queue) else Queue(q)
    items_id = items.id if isinstance(items, Queue) else items
    try:
        return _known_channels[items_id]
    except KeyError:
        pass
    self = object.__new__(Channel)
    self._items = queue(items)
    self._closed = queue(closed)
    self._lock = queue(lock)
    self._owner = None
    self._depth = 0
    self._close_pending = False
    return _known_channels.setdefault(items_id, self)


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
        # The Queue objects, not their ids: see _channel().
        return (_channel, (self._items, self._closed, self._lock))

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
