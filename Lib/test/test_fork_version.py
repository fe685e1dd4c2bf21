"""The fork's version (Include/internal/pycore_pep734_version.h) shows in
sys.version's build information, while the version numbers that code parses
stay CPython's 3.13.5."""

import os
import platform
import re
import sys
import sysconfig
import unittest

FORK_VERSION_RE = r'3\.13\.5\+pep734\.[0-9]+'


def header_suffix():
    """The suffix defined in the header, or None if it is not installed."""
    dirs = [os.path.join(sysconfig.get_paths()['include'], 'internal')]
    srcdir = sysconfig.get_config_var('srcdir')
    if srcdir:
        dirs.append(os.path.join(srcdir, 'Include', 'internal'))
    for d in dirs:
        path = os.path.join(d, 'pycore_pep734_version.h')
        if os.path.exists(path):
            with open(path, encoding='utf-8') as f:
                m = re.search(r'^#define _Py_PEP734_VERSION_SUFFIX "(.*)"$',
                              f.read(), re.M)
            if m:
                return m.group(1)
    return None


class ForkVersionTests(unittest.TestCase):

    def test_build_info_names_the_fork(self):
        # Upstream's build information is "main, DATE, TIME".
        m = re.match(r'3\.13\.5 \((' + FORK_VERSION_RE + r')[ ,]', sys.version)
        self.assertIsNotNone(m, sys.version)
        suffix = header_suffix()
        if suffix is not None:
            self.assertEqual(m.group(1), '3.13.5' + suffix)

    def test_platform_parses_sys_version(self):
        self.assertEqual(platform.python_version(), '3.13.5')
        self.assertEqual(platform.python_version_tuple(), ('3', '13', '5'))
        buildno, builddate = platform.python_build()
        self.assertRegex(buildno, '^' + FORK_VERSION_RE)
        self.assertRegex(builddate, r'\d{4} \d\d:\d\d:\d\d$')
        self.assertEqual(platform.python_implementation(), 'CPython')

    def test_version_numbers_stay_upstream(self):
        self.assertEqual(sys.version_info[:], (3, 13, 5, 'final', 0))
        self.assertEqual(sys.version.split()[0], '3.13.5')
        self.assertEqual(sysconfig.get_config_var('py_version'), '3.13.5')
        self.assertEqual(sysconfig.get_python_version(), '3.13')


if __name__ == '__main__':
    unittest.main()
