"""A simple channel between interpreters (an extension of this fork).

A Channel is built on two cross-interpreter queues: one carries the
items, each wrapped in a 1-tuple (put with UNBOUND_ERROR), and the
end-of-channel marker None (put with UNBOUND, so that it outlives the
interpreter that closed the channel);
the other, of size one, is full once the channel is closed.  Passing a
Channel to another interpreter passes the ids of the two queues.
"""

import weakref
from . import _queues
from ._queues import Queue, QueueEmpty, QueueError

__all__ = ['Channel', 'ChannelClosedError']


class ChannelClosedError(QueueError):
    """Raised by send() on a closed channel, and by recv() once a
    closed channel has no items left.
    """


_known_channels = weakref.WeakValueDictionary()


def _channel(items, closed):
    """Return the Channel for its two queues, or their ids (for pickle)."""
    items_id = items.id if isinstance(items, Queue) else items
    try:
        return _known_channels[items_id]
    except KeyError:
        pass
    self = object.__new__(Channel)
    self._items = items if isinstance(items, Queue) else Queue(items)
    self._closed = closed if isinstance(closed, Queue) else Queue(closed)
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
        return _channel(items.id, closed.id)

    def __reduce__(self):
        # The Queue objects, not their ids: a Channel pickled in a queue
        # item then keeps its queues alive until the item is taken.
        return (_channel, (self._items, self._closed))

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

        It never blocks: the channel has no size limit.
        """
        if self.closed:
            raise ChannelClosedError(f'channel {self.id} is closed')
        self._items.put((obj,))

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
        try:
            self._closed.put_nowait(True)
        except _queues.QueueFull:
            return
        self._items.put(None, unbounditems=_queues.UNBOUND)
