"""Run CPython 3.14's PEP 734 tests, unmodified, against a Python.

    python run.py --tests-dir DIR [--python CMD] [options] [TEST ...]

DIR holds the pinned 3.14 files (scripts/fetch-testsuite puts them in the
cache); TEST names the test modules to run (default: all those in
upstream/python3.14-testsuite.pin).  See Tools/conformance/README.md.

Each test module runs in its own process (child.py), under a timeout per
test; when a process crashes or hangs, the test that did not finish is
recorded as a crash or a timeout and the module is run again without the
tests already done.  The outcomes are compared with expected-failures.txt:
the run fails when a test that is not listed fails, and when a listed test
(other than an `env` one) passes.  Unlisted failures are run once more in a
fresh process first; one that passes then is reported as flaky.
"""

import argparse
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
PIN = os.path.join(TOP, 'upstream', 'python3.14-testsuite.pin')
LIST = os.path.join(HERE, 'expected-failures.txt')
CHILD = os.path.join(HERE, 'child.py')

CATEGORIES = ('extension', 'compat313', 'py314', 'env', 'bug')
FAILING = ('fail', 'error', 'crash', 'timeout', 'uxsuccess')
MAX_RESTARTS = 20

# The `test` package of a run: the 3.14 files in its directory come first,
# then every other module of the package is the fork's own.  Written into
# the staging directory as test/__init__.py and test/support/__init__.py.
PACKAGE_STUB = '''\
# Written by Tools/conformance/run.py.  The modules of this package are the
# CPython 3.14 files in this directory first, then the tested Python's own.
import os as _conformance_os
__path__.append(_conformance_os.path.join(
    _conformance_os.path.dirname(_conformance_os.__file__), {subdir!r}))
__file__ = _conformance_os.path.join(__path__[-1], '__init__.py')
with open(__file__, encoding='utf-8') as _conformance_f:
    exec(compile(_conformance_f.read(), __file__, 'exec'))
del _conformance_os, _conformance_f
{extra}'''


def read_pin_tests():
    """The TESTSUITE_TESTS of the pin file."""
    out = subprocess.run(
        ['sh', '-c', '. "$1"; echo $TESTSUITE_TESTS', 'sh', PIN],
        capture_output=True, text=True, check=True).stdout
    return out.split()


def read_list(path):
    """Parse the expected-failures list: {id: (category, reason)}."""
    entries = {}
    with open(path, encoding='utf-8') as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            parts = line.split(None, 2)
            if len(parts) < 3 or parts[1] not in CATEGORIES:
                sys.exit(f'{path}:{lineno}: expected "TEST-ID CATEGORY '
                         f'REASON" with CATEGORY one of '
                         f'{", ".join(CATEGORIES)}: {line!r}')
            if parts[0] in entries:
                sys.exit(f'{path}:{lineno}: {parts[0]} listed twice')
            entries[parts[0]] = (parts[1], parts[2])
    return entries


def list_header(path):
    """The comment block at the top of the list (up to its first blank
    line), which a regenerated list keeps."""
    header = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            if not line.startswith('#'):
                break
            header.append(line.rstrip('\n'))
    return header


def belongs(test_id, module):
    return test_id.startswith(f'test.{module}.') or test_id == f'test.{module}'


def stage(tests_dir, workdir):
    """Lay out the `test` package the 3.14 files are imported from."""
    root = os.path.join(workdir, 'stage')
    shutil.copytree(os.path.join(tests_dir, 'test'),
                    os.path.join(root, 'test'))
    support_extra = (
        '# load_package_tests() discovers packages under STDLIB_DIR: the\n'
        '# 3.14 test packages are here.\n'
        f'STDLIB_DIR = {root!r}\n')
    for rel, extra in (('test', ''),
                       (os.path.join('test', 'support'), support_extra)):
        path = os.path.join(root, rel, '__init__.py')
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if os.path.exists(path):
            sys.exit(f'{tests_dir}: {rel}/__init__.py must not be a 3.14 file')
        with open(path, 'w', encoding='utf-8') as f:
            f.write(PACKAGE_STUB.format(subdir=rel, extra=extra))
    return root


def child_env(stage_root):
    """The environment of the test processes: no PYTHON* variable of the
    caller's (they change how tests behave), and the staging directory on
    the module search path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith('PYTHON')}
    if stage_root:
        env['PYTHONPATH'] = stage_root
    return env


class FileRun:
    """The outcomes of one test module, across the processes it took."""

    def __init__(self, module):
        self.module = module
        self.results = {}       # id -> (outcome, detail), in run order
        self.collected = None
        self.modules = {}
        self.notes = []
        self.seconds = 0.0

    def counts(self):
        c = {'passed': 0, 'failed': 0, 'errors': 0, 'skipped': 0}
        for outcome, _ in self.results.values():
            if outcome in ('pass', 'xfail'):
                c['passed'] += 1
            elif outcome in ('fail', 'uxsuccess'):
                c['failed'] += 1
            elif outcome == 'skip':
                c['skipped'] += 1
            else:
                c['errors'] += 1
        return c


def run_child(python, module, env, workdir, log, *, skip=(), only=None,
              timeout, deadline):
    """Run child.py once; return (records, returncode, timed_out)."""
    cmd = [*python, CHILD, f'test.{module}', '--timeout', str(timeout)]
    selection = json.dumps({'skip': list(skip), 'only': only}).encode()
    log.write(f'\n##### {shlex.join(cmd)}\n')
    log.flush()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log,
                            stdin=subprocess.PIPE, env=env, cwd=workdir,
                            start_new_session=True)
    timed_out = False
    try:
        out, _ = proc.communicate(selection,
                                  timeout=max(1, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
    records = []
    for line in out.decode('utf-8', 'replace').splitlines():
        try:
            records.append(json.loads(line))
        except ValueError:
            pass
    return records, proc.returncode, timed_out


def log_tail(path, marker):
    """The last meaningful line the crashed process wrote."""
    with open(path, encoding='utf-8', errors='replace') as f:
        text = f.read()
    text = text[text.rfind(marker):] if marker in text else text
    for line in reversed(text.splitlines()):
        line = line.strip()
        if line.startswith('Fatal Python error') or line.startswith('Timeout'):
            return line[:300]
    lines = [l for l in text.splitlines() if l.strip()]
    return lines[-1].strip()[:300] if lines else ''


def run_file(python, module, env, workdir, logpath, args, only=None):
    fr = FileRun(module)
    start = time.monotonic()
    deadline = start + args.file_timeout
    with open(logpath, 'a', encoding='utf-8', errors='replace') as log:
        for attempt in range(MAX_RESTARTS + 1):
            marker = f'##### run {attempt}'
            log.write(f'\n{marker}\n')
            log.flush()
            records, rc, timed_out = run_child(
                python, module, env, workdir, log, skip=list(fr.results),
                only=only, timeout=args.timeout, deadline=deadline)
            started = None
            done = False
            for rec in records:
                kind = rec.get('kind')
                if kind == 'collected' and fr.collected is None:
                    fr.collected = rec['count']
                elif kind == 'start':
                    started = rec['id']
                elif kind == 'result':
                    fr.results[rec['id']] = (rec['outcome'], rec['detail'])
                    if rec['id'] == started:
                        started = None
                elif kind == 'modules':
                    fr.modules = rec['modules']
                elif kind == 'done':
                    done = True
            if done and rc == 0:
                break
            log.flush()
            tail = log_tail(logpath, marker)
            if timed_out:
                what = 'timeout'
                tail = f'the module ran out of its {args.file_timeout:.0f} s'
            elif rc and tail.startswith('Timeout'):
                what = 'timeout'
            else:
                what = 'crash'
            if started is None:
                fr.notes.append(f'process ended (exit status {rc}) outside '
                                f'any test: {tail}')
                fr.results.setdefault(f'test.{module}', ('crash', tail))
                break
            fr.results[started] = (what, f'exit status {rc}: {tail}')
            if timed_out:
                break
        else:
            fr.notes.append(f'gave up after {MAX_RESTARTS} restarts')
    fr.seconds = time.monotonic() - start
    return fr


def main():
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('tests', nargs='*', metavar='TEST',
                        help='test modules to run (default: all of the pin)')
    parser.add_argument('--tests-dir',
                        help='directory holding the pinned 3.14 files')
    parser.add_argument('--python', default=os.path.join(TOP, 'python'),
                        help='command of the Python to test '
                             '(default: %(default)s)')
    parser.add_argument('--native', action='store_true',
                        help="use the tested Python's own test package (to "
                             "run against CPython 3.14 itself)")
    parser.add_argument('--list', default=LIST,
                        help='expected-failures list (default: %(default)s)')
    parser.add_argument('--timeout', type=float, default=300,
                        help='seconds one test may take '
                             '(default: %(default)s)')
    parser.add_argument('--file-timeout', type=float, default=1800,
                        help='seconds one module may take '
                             '(default: %(default)s)')
    parser.add_argument('--print-failures', action='store_true',
                        help='print, after the report, the expected-failures '
                             'list that matches this run (listed tests keep '
                             'their category and reason)')
    parser.add_argument('--write-list', metavar='FILE',
                        help='write that list to FILE')
    parser.add_argument('--json', help='write the outcomes to this file')
    parser.add_argument('--log-dir',
                        default=os.path.join(TOP, 'build', 'conformance'),
                        help='where the output of each module is kept '
                             '(default: %(default)s)')
    args = parser.parse_args()
    if not args.native and not args.tests_dir:
        parser.error('--tests-dir is required (unless --native)')

    def say(*a):
        print(*a, flush=True)

    python = shlex.split(args.python)
    modules = args.tests or read_pin_tests()
    expected = read_list(args.list)

    runs = []
    with tempfile.TemporaryDirectory(prefix='conformance-') as workdir:
        stage_root = None if args.native else stage(args.tests_dir, workdir)
        env = child_env(stage_root)
        logdir = args.log_dir
        os.makedirs(logdir, exist_ok=True)
        say(f'conformance: CPython 3.14 tests from '
            f'{"its own test package" if args.native else args.tests_dir}')
        say(f'conformance: testing {args.python}; logs in {logdir}')
        for module in modules:
            logpath = os.path.join(logdir, f'{module}.log')
            open(logpath, 'w').close()
            fr = run_file(python, module, env, workdir, logpath, args)
            runs.append(fr)
            c = fr.counts()
            say(f'{module}: {c["passed"]} passed, {c["failed"]} failed, '
                f'{c["errors"]} errors, {c["skipped"]} skipped '
                f'({fr.collected} tests collected, {fr.seconds:.0f} s)')
            ours = sorted(n for n, f in fr.modules.items()
                          if stage_root and f.startswith(stage_root))
            if stage_root:
                say(f'    3.14 files: {len(ours)}: {", ".join(ours)}')
                say(f'    fork files: {len(fr.modules) - len(ours)} '
                    f'(test, test.support and its helpers, ...)')
            for note in fr.notes:
                say(f'    note: {note}')
            for tid, (outcome, detail) in fr.results.items():
                if outcome in FAILING:
                    say(f'    {outcome.upper()}: {tid}'
                        + (f'\n        {detail}' if detail else ''))

        results = {}
        owner = {}
        for fr in runs:
            for tid, r in fr.results.items():
                results[tid] = r
                owner[tid] = fr

        # Unlisted failures get a second chance in a fresh process.
        flaky = []
        if not (args.print_failures or args.write_list):
            for fr in runs:
                again = [t for t, (o, _) in fr.results.items()
                         if o in FAILING and t not in expected
                         and t != f'test.{fr.module}']
                if not again:
                    continue
                logpath = os.path.join(logdir, f'{fr.module}.log')
                rerun = run_file(python, fr.module, env, workdir, logpath,
                                 args, only=again)
                for t in again:
                    if rerun.results.get(t, ('',))[0] in ('pass', 'xfail'):
                        flaky.append(t)
                        results[t] = ('pass', 'flaky: passed when run again')

    if args.json:
        with open(args.json, 'w', encoding='utf-8') as f:
            json.dump({fr.module: {'results': fr.results,
                                   'collected': fr.collected,
                                   'modules': fr.modules,
                                   'seconds': fr.seconds} for fr in runs},
                      f, indent=1)

    ran = {fr.module for fr in runs}
    listed = {t: e for t, e in expected.items()
              if any(belongs(t, m) for m in ran)}
    failing = {t: r for t, r in results.items() if r[0] in FAILING}
    unexpected = [t for t in failing if t not in listed]
    unexpected_pass = [t for t, (cat, _) in listed.items()
                       if cat != 'env'
                       and results.get(t, ('',))[0] in ('pass', 'xfail')]
    env_pass = [t for t, (cat, _) in listed.items()
                if cat == 'env'
                and results.get(t, ('',))[0] in ('pass', 'xfail')]
    not_run = [t for t in listed
               if results.get(t, ('',))[0] not in FAILING + ('pass', 'xfail')]

    total = {k: sum(fr.counts()[k] for fr in runs)
             for k in ('passed', 'failed', 'errors', 'skipped')}
    say('')
    say(f'conformance: {total["passed"]} passed, {total["failed"]} failed, '
        f'{total["errors"]} errors, {total["skipped"]} skipped, in '
        f'{len(runs)} files ({sum(fr.seconds for fr in runs):.0f} s)')
    for cat, title in (('extension', 'expected failures: fork extensions'),
                       ('compat313', 'expected failures: 3.13.5 results '
                                     'kept for code written for 3.13'),
                       ('py314', 'expected failures: the test needs a 3.14 '
                                 'feature outside PEP 734'),
                       ('env', 'expected failures: fail on CPython 3.14 '
                               'itself in this environment')):
        ids = [t for t, e in listed.items() if e[0] == cat and t in failing]
        say(f'{title}: {len(ids)}')
        for t in ids:
            say(f'    {t}: {listed[t][1]}')
    bugs = [t for t, e in listed.items() if e[0] == 'bug' and t in failing]
    if bugs:
        say('')
        say('!' * 72)
        say(f'!!! KNOWN BUGS: {len(bugs)} tests of CPython 3.14 fail because '
            f'of differences still to fix')
        say('!' * 72)
        for t in bugs:
            say(f'    {t}: {listed[t][1]}')
    for t in flaky:
        say(f'flaky (failed, then passed when run again): {t}')
    for t in env_pass:
        say(f'note: listed as env but passed: {t}')
    for t in not_run:
        outcome = results.get(t, ('not run',))[0]
        say(f'note: listed but {outcome}: {t}')
    if unexpected:
        say('')
        say(f'UNEXPECTED FAILURES: {len(unexpected)}')
        for t in unexpected:
            outcome, detail = failing[t]
            say(f'    {outcome.upper()}: {t}\n        {detail}')
    if unexpected_pass:
        say('')
        shown = os.path.relpath(args.list, TOP)
        if shown.startswith('..'):
            shown = args.list
        say(f'UNEXPECTED SUCCESSES: {len(unexpected_pass)} (remove them '
            f'from {shown})')
        for t in unexpected_pass:
            say(f'    unexpected success: {t}: remove it from the list')

    if args.print_failures or args.write_list:
        # Modules not run keep their entries as they are.
        by_module = {fr.module: fr for fr in runs}
        order = read_pin_tests()
        order += [m for m in by_module if m not in order]
        lines = list_header(args.list) + ['']
        for module in order:
            fr = by_module.get(module)
            if fr is None:
                ids = [t for t in expected if belongs(t, module)]
            else:
                ids = [t for t, (o, _) in fr.results.items() if o in FAILING]
            if not ids:
                continue
            lines.append(f'# {module}')
            for t in ids:
                cat, reason = expected.get(t) or (
                    'bug', 'TODO: triage: ' + (fr.results[t][1] or
                                               fr.results[t][0]))
                lines.append(f'{t}  {cat}  {reason}')
            lines.append('')
        text = '\n'.join(lines).rstrip('\n') + '\n'
        if args.print_failures:
            say('')
            say('conformance: the list for this run:')
            say('-' * 72)
            sys.stdout.write(text)
            say('-' * 72)
        if args.write_list:
            with open(args.write_list, 'w', encoding='utf-8') as f:
                f.write(text)
            say(f'conformance: wrote the list for this run to '
                f'{args.write_list}')
        return 0

    ok = not unexpected and not unexpected_pass
    say('')
    say('conformance: ' + ('OK' if ok else 'FAILED'))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
