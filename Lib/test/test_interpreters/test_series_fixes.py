"""Tests for the bug-fix patches of the series that had none failing
without them (patches/README, "Bug fixes that could go upstream").

- crossinterp-tuple-raw-alloc: _tuple_shared() freed its struct only
  when the allocation of the item array succeeded.
"""

import tracemalloc
import unittest
from test.support import import_helper

_testcapi = import_helper.import_module('_testcapi')
_testinternalcapi = import_helper.import_module('_testinternalcapi')


def _share(obj):
    # The memory allocated here, and not freed, is what the tests count.
    return _testinternalcapi.get_crossinterp_data(obj)


_SHARE_LINE = _share.__code__.co_firstlineno + 2


def _leaked_by_failed_share(obj, failing):
    """Make allocation number *failing* fail while sharing obj.

    Return (failed, size): whether the sharing raised MemoryError, and
    the bytes still traced to the sharing call afterwards (memory that
    nothing will free).
    """
    tracemalloc.start()
    try:
        _testcapi.set_nomemory(failing, failing + 1)
        try:
            data = _share(obj)
        except MemoryError:
            failed = True
        else:
            failed = False
        finally:
            _testcapi.remove_mem_hooks()
        if not failed:
            del data        # releases the data: only a leak stays traced
        snapshot = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    size = sum(trace.size for trace in snapshot.traces
               if any(frame.filename == __file__
                      and frame.lineno == _SHARE_LINE
                      for frame in trace.traceback))
    return failed, size


@unittest.skipIf(tracemalloc.is_tracing(),
                 'counts the traces of a tracemalloc of its own')
class TupleRawAllocTests(unittest.TestCase):

    def test_no_leak_when_an_allocation_fails(self):
        # Fail each allocation of sharing a tuple in turn, until sharing
        # succeeds: none may leave memory behind.  Without the fix, the
        # failure of the item array's allocation leaked the tuple's
        # struct (16 bytes).
        failures = 0
        for failing in range(200):
            with self.subTest(failing=failing):
                failed, size = _leaked_by_failed_share((1, 2.5), failing)
                self.assertEqual(size, 0)
            if not failed:
                break
            failures += 1
        else:
            self.fail('sharing a tuple always raised MemoryError')
        # The loop went through the allocations of the tuple's data.
        self.assertGreater(failures, 2)


if __name__ == '__main__':
    unittest.main()
