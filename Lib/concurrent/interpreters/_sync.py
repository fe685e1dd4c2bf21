"""Synchronization primitives that every interpreter sees.

Lock, RLock, Event, Semaphore, BoundedSemaphore, Condition and Barrier
have the names, methods, arguments, results and exceptions of their
threading counterparts, but their state lives outside any interpreter:
each of them is shareable, and crosses to another interpreter by any
path (prepare_main(), call() arguments and results, queues, channels,
pickles) as an object of the same type bound to the same primitive.
A primitive lives as long as any interpreter holds an object of it.

They are implemented in C (the _interpsync module); this module only
gathers them.  They are fork extensions, not part of CPython 3.14.

Differences from threading:

* RLock ownership is per (interpreter, thread): the same OS thread
  running in another interpreter (interp.call()) is another owner.
* When an interpreter is closed, the RLocks that its threads still own
  are released.  A Lock has no owner and stays as it is, as a
  threading.Lock does when the thread that acquired it ends.
* Condition's lock must be a Lock or an RLock of this module.
* Barrier takes no action (a callable cannot cross interpreters):
  Barrier(parties, action) raises TypeError.
* Barrier's timeout is checked when the barrier is made.
* The types cannot be subclassed.

Every release() -> acquire(), set() -> wait() returning True,
notify() -> wait() returning True, release() of a Semaphore ->
acquire() and the last arrival -> the return of every Barrier.wait()
is a happens-before edge: what a thread wrote before the former is
seen by the thread after the latter, in whatever interpreter it runs.
"""

from _interpsync import (
    Lock, RLock, Event, Semaphore, BoundedSemaphore, Condition, Barrier,
)
from threading import BrokenBarrierError

__all__ = [
    'Lock', 'RLock', 'Event', 'Semaphore', 'BoundedSemaphore',
    'Condition', 'Barrier', 'BrokenBarrierError',
]
