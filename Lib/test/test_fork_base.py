"""Tests that the fork's base is what it says: CPython 3.13.5 with Debian's
security fixes applied and the fork's own packages installed."""

import bz2
import http.cookies
import importlib.util
import sys
import sysconfig
import unittest


class BaseVersionTests(unittest.TestCase):

    def test_version(self):
        self.assertEqual(sys.version_info[:3], (3, 13, 5))
        self.assertEqual(sys.version_info.releaselevel, 'final')
        self.assertTrue(sys.version.startswith('3.13.5 '), sys.version)

    def test_interpreters_package_is_present(self):
        spec = importlib.util.find_spec('concurrent.interpreters')
        self.assertIsNotNone(spec)
        self.assertIsNotNone(spec.submodule_search_locations)


class DebianSecurityFixesTests(unittest.TestCase):
    """Each test fails on pristine 3.13.5 and passes with the fix applied."""

    def test_cve_2026_0672_cookie_control_characters(self):
        # Without the fix a control character goes into the Set-Cookie
        # header as it is, which allows header injection.
        morsel = http.cookies.Morsel()
        with self.assertRaises(http.cookies.CookieError):
            morsel.set('key', 'value\r\nX-Injected: 1', 'value')
        with self.assertRaises(http.cookies.CookieError):
            morsel['path'] = '/\n'

    def test_cve_2026_9669_bz2_decompressor_not_reused_after_error(self):
        # Without the fix a decompressor that failed on bad data could be
        # fed again and work on inconsistent internal state.
        bad_block = bytes.fromhex(
            '425a6839314159265359000000000000007fffff000000000000000000000000'
            '00000000000000000000000000000000000000e0370000000000000000000000'
            '000000000000000000000000000000000000000000000000000083f3')
        d = bz2.BZ2Decompressor()
        with self.assertRaises(OSError):
            d.decompress(bad_block)
        with self.assertRaisesRegex(ValueError, 'previous error'):
            d.decompress(b'\x00' * 18)


@unittest.skipIf(sysconfig.is_python_build() is False, 'needs the build tree')
class BuildTreeTests(unittest.TestCase):

    def test_no_git_stamp_in_version(self):
        # The assembled tree keeps its git directory apart, so the build
        # must not stamp sys.version with a commit of it.
        self.assertNotIn('fork', sys.version.split('[')[0])


if __name__ == '__main__':
    unittest.main()
