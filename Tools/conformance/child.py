"""Run one test module and report each test's outcome, one JSON line each.

Started by run.py, once per test module (and again after a crash, skipping
the tests already reported):

    python child.py MODULE [--timeout SECONDS] < SELECTION

SELECTION is a JSON object on standard input: {"skip": [ids not to run],
"only": [the only ids to run] or null}.

The records go to the process's original standard output; everything else
written to standard output (by the tests, or by the processes they start)
goes to standard error, which run.py keeps in a log.  A test that runs
longer than --timeout seconds makes faulthandler dump the tracebacks and
exit the process, so run.py sees it as the test that did not finish.

This file runs under the Python being tested (the fork or CPython 3.14) and
uses only what both have.
"""

import argparse
import faulthandler
import json
import os
import re
import sys
import traceback
import unittest


def _id_of(test):
    """The id of a test, or of the fixture an error holder stands for."""
    # Call the class's id(): some tests set an `id` attribute of their own.
    name = type(test).id(test)
    # A module that failed to import: its name.
    name = name.removeprefix('unittest.loader._FailedTest.')
    # unittest reports a failing setUpClass/setUpModule as
    # "setUpClass (module.Class)"; give it a dotted id like the tests'.
    m = re.fullmatch(r'(\w+) \((.+)\)', name)
    if m:
        return f'{m.group(2)}.{m.group(1)}'
    return name


def _flatten(suite):
    for test in suite:
        if isinstance(test, unittest.TestSuite):
            yield from _flatten(test)
        else:
            yield test


def _last_line(text):
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else ''


class RecordingResult(unittest.TestResult):

    def __init__(self, emit, timeout):
        super().__init__()
        self._emit = emit
        self._timeout = timeout
        self._current = None

    def _report(self, test, outcome, err=None, text=None, detail=None):
        if err is not None:
            text = ''.join(traceback.format_exception(*err))
        if text:
            print(f'=== {outcome.upper()}: {_id_of(test)}\n{text}',
                  file=sys.stderr, flush=True)
        if detail is None:
            detail = _last_line(text) if text else ''
        cur = self._current
        if cur is not None and cur['id'] == _id_of(test):
            # The worst outcome of the test and its subtests wins.
            order = ['pass', 'skip', 'xfail', 'fail', 'uxsuccess', 'error']
            if order.index(outcome) > order.index(cur['outcome']):
                cur['outcome'] = outcome
                cur['detail'] = detail
        else:
            # An error outside any test: a fixture (setUpClass...).
            self._emit(kind='result', id=_id_of(test), outcome=outcome,
                       detail=detail)

    def startTest(self, test):
        super().startTest(test)
        self._current = {'id': _id_of(test), 'outcome': 'pass', 'detail': ''}
        self._emit(kind='start', id=_id_of(test))
        if self._timeout:
            faulthandler.dump_traceback_later(self._timeout, exit=True)

    def stopTest(self, test):
        if self._timeout:
            faulthandler.cancel_dump_traceback_later()
        cur, self._current = self._current, None
        if cur is not None:
            self._emit(kind='result', **cur)
        super().stopTest(test)

    def addError(self, test, err):
        super().addError(test, err)
        self._report(test, 'error', err)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._report(test, 'fail', err)

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            outcome = ('fail' if issubclass(err[0], test.failureException)
                       else 'error')
            self._report(test, outcome, err)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        if hasattr(test, 'test_case'):
            # A skipped subtest: the test itself ran.
            return
        self._report(test, 'skip', detail=str(reason)[:300])

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self._report(test, 'xfail')

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._report(test, 'uxsuccess', text='unexpected success')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('module')
    parser.add_argument('--timeout', type=float, default=0)
    args = parser.parse_args()

    # Keep the real standard output for the records only.
    records = os.fdopen(os.dup(sys.stdout.fileno()), 'w', buffering=1,
                        encoding='utf-8')
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())

    def emit(**record):
        records.write(json.dumps(record) + '\n')
        records.flush()

    faulthandler.enable()
    from test import support
    support.verbose = 0

    selection = json.load(sys.stdin)
    skip = set(selection.get('skip') or ())
    only = selection.get('only')
    only = None if only is None else set(only)
    suite = unittest.defaultTestLoader.loadTestsFromName(args.module)
    tests = [t for t in _flatten(suite)
             if _id_of(t) not in skip and (only is None or _id_of(t) in only)]
    emit(kind='collected', count=len(tests))

    result = RecordingResult(emit, args.timeout)
    unittest.TestSuite(tests).run(result)

    modules = {name: getattr(mod, '__file__', None)
               for name, mod in sorted(sys.modules.items())
               if (name == 'test' or name.startswith('test.'))
               and getattr(mod, '__file__', None)}
    emit(kind='modules', modules=modules)
    emit(kind='done')
    records.close()


if __name__ == '__main__':
    main()
