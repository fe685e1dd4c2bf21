"""Memory of closed interpreters is given back and reused (fork patches
subinterp-interned-strings, obmalloc-untouched-bookkeeping and
obmalloc-arena-cache)."""

import sys
import threading
import unittest
from test import support
from test.support import import_helper, threading_helper

_interpreters = import_helper.import_module('_interpreters')
from concurrent import interpreters


def _vmrss_kib():
    try:
        with open('/proc/self/status', encoding='ascii') as f:
            for line in f:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1])
    except OSError:
        pass
    raise unittest.SkipTest('needs VmRSS in /proc/self/status')


def _create_close(count):
    for _ in range(count):
        _interpreters.destroy(_interpreters.create())


# Allocates about 4 MiB of small objects in the interpreter it runs in,
# checks them, and frees them.
_CHURN = '''
items = [(i, str(i), [i]) for i in range(40_000)]
assert sum(t[0] for t in items) == 40_000 * 39_999 // 2
assert all(t[1] == str(t[0]) and t[2] == [t[0]] for t in items)
del items
'''


class ClosedInterpreterMemoryTests(unittest.TestCase):

    def test_blocks_freed(self):
        # A closed interpreter used to leave its immortal interned strings,
        # about 2,750 blocks, behind; they kept its arenas alive.
        _create_close(1)
        before = sys.getallocatedblocks()
        _create_close(10)
        grown = sys.getallocatedblocks() - before
        self.assertLess(grown, 500)

    @unittest.skipUnless(sys.platform == 'linux', 'reads /proc/self/status')
    @support.skip_if_sanitizer('freed memory stays resident in the '
                               "sanitizer's quarantine", address=True,
                               memory=True)
    def test_rss_does_not_grow(self):
        # Each create() + close() used to keep about 1.4 MiB resident.
        _create_close(3)
        before = _vmrss_kib()
        _create_close(30)
        grown = _vmrss_kib() - before
        self.assertLess(grown, 10 * 1024)

    def test_reused_arenas_hold_live_objects(self):
        # Interpreters that allocate and free a lot, one after the other,
        # run on the arenas their predecessors left behind.
        for i in range(6):
            with self.subTest(i=i):
                interp = interpreters.create()
                interp.exec(_CHURN)
                interp.prepare_main(spam=('x',) * 3)
                interp.exec('assert spam == ("x", "x", "x"), spam')
                interp.close()

    @threading_helper.requires_working_threading()
    def test_threads_create_and_close_at_once(self):
        # Two threads take arenas from and give arenas back to the shared
        # cache at the same time.
        errors = []

        def worker():
            try:
                for _ in range(5):
                    interp = interpreters.create()
                    interp.exec(_CHURN)
                    interp.close()
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=worker) for _ in range(2)]
        with threading_helper.start_threads(threads):
            pass
        self.assertEqual(errors, [])

    def test_main_interpreter_unaffected(self):
        # Arenas cached from closed interpreters also serve the main one.
        _create_close(3)
        items = [(i, str(i)) for i in range(100_000)]
        self.assertEqual(items[-1], (99_999, '99999'))
        del items


if __name__ == '__main__':
    unittest.main()
