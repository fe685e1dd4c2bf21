"""Re-export concurrent.interpreters._queues.

_interpqueues still imports this name to find the Queue type in an
interpreter that has not imported the queue module yet.
"""

from concurrent.interpreters._queues import *  # noqa: F401,F403
