"""Re-export test.support.channels.

_interpchannels still imports this name to find the channel end types
in an interpreter that has not imported the channels module yet.
"""

from test.support.channels import *  # noqa: F401,F403
