"""Tests of the benchmark script Tools/interpbench/bench.py.

They check that its measuring code runs and what it reports, never a
speed: the script itself runs in its "tiny" mode, a handful of iterations.
"""

import importlib.util
import json
import os
import platform
import shlex
import sys
import unittest
from test import support
from test.support import import_helper, os_helper, script_helper

# The script is needed, and the interpreters it measures.
import_helper.import_module('_interpreters')
BENCH = os.path.join(support.REPO_ROOT, 'Tools', 'interpbench', 'bench.py')
if not os.path.isfile(BENCH):
    raise unittest.SkipTest(f'{BENCH} is missing (installed Python?)')


def load_bench():
    spec = importlib.util.spec_from_file_location('_interpbench', BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = load_bench()


def run_bench(*args):
    return script_helper.run_python_until_end(BENCH, *args)[0]


@support.requires_subprocess()
class ScriptRunTests(unittest.TestCase):

    def check_result(self, key, result):
        with self.subTest(row=key):
            self.assertIsInstance(result['label'], str)
            self.assertIsInstance(result['unit'], str)
            if result['value'] is None:
                self.assertIsInstance(result['error'], str)
                self.assertTrue(result['error'])
                self.assertIsNone(result['met'])
            else:
                self.assertIsNone(result['error'])
                self.assertIsInstance(result['value'], float)
                self.assertGreater(result['value'], 0)
                self.assertIsInstance(result['median'], float)
                self.assertGreaterEqual(len(result['repeats']), 1)
                self.assertGreaterEqual(result['number'], 1)
                if result['target'] is None:
                    self.assertIsNone(result['met'])
                else:
                    self.assertIsInstance(result['met'], bool)

    def test_every_row_runs(self):
        filename = os_helper.TESTFN + '.json'
        self.addCleanup(os_helper.unlink, filename)
        res = run_bench('--mode', 'tiny', '--json', filename)
        self.assertEqual(res.rc, 0, res.err)
        with open(filename, encoding='utf-8') as f:
            report = json.load(f)

        self.assertEqual(report['mode'], 'tiny')
        self.assertEqual(report['python']['version'],
                         platform.python_version())
        self.assertEqual(report['machine']['cpu_count'], os.cpu_count())
        self.assertIn('best of 1 runs', report['method'])
        self.assertEqual(list(report['results']), bench.ROW_KEYS)
        for key, result in report['results'].items():
            self.check_result(key, result)

        # Every row this Python can run has a value.
        import concurrent.futures
        has_pool = hasattr(concurrent.futures, 'InterpreterPoolExecutor')
        for key, result in report['results'].items():
            if key == 'pool_interp' and not has_pool:
                self.assertEqual(
                    result['error'],
                    'no concurrent.futures.InterpreterPoolExecutor')
            else:
                self.assertIsNone(result['error'], key)
        cpu = report['results']['cpu']
        self.assertEqual(cpu['interpreters'], 2)
        self.assertEqual(len(cpu['serial_s']), len(cpu['parallel_s']))

        # The table names every row, its target and whether it is met.
        out = res.out.decode()
        for result in report['results'].values():
            self.assertIn(result['label'], out)
        self.assertIn('<= 10.0', out)
        self.assertRegex(out, r'create\(\) \+ close\(\) .* (yes|NO) ')

    def test_rows_and_cpu_n(self):
        res = run_bench('--mode', 'tiny', '--rows', 'exec,cpu',
                        '--cpu-n', '3', '--json', '-')
        self.assertEqual(res.rc, 0, res.err)
        report = json.loads(res.out)
        self.assertEqual(list(report['results']), ['exec', 'cpu'])
        self.assertEqual(report['results']['cpu']['interpreters'], 3)
        self.assertIn('3 CPU-bound', report['results']['cpu']['label'])

    def test_compare(self):
        python = shlex.join([sys.executable,
                             *support.args_from_interpreter_flags()])
        filename = os_helper.TESTFN + '.json'
        self.addCleanup(os_helper.unlink, filename)
        res = run_bench('--mode', 'tiny', '--rows', 'call,create',
                        '--compare', python, '--json', filename)
        self.assertEqual(res.rc, 0, res.err)
        with open(filename, encoding='utf-8') as f:
            report = json.load(f)
        other = report['compare']
        self.assertEqual(list(other['results']), ['call', 'create'])
        self.assertEqual(other['mode'], 'tiny')
        for key, result in other['results'].items():
            self.check_result(key, result)
        out = res.out.decode()
        self.assertIn('ratio', out)
        self.assertRegex(out, r'create\(\) \+ close\(\) .*\d\.\d\dx')

    def check_usage_error(self, args, message, rc=2):
        res = run_bench(*args)
        self.assertEqual(res.rc, rc, res.err)
        self.assertIn(message, res.err.decode())
        self.assertNotIn(b'Traceback', res.err)
        self.assertEqual(res.out, b'')

    def test_unknown_row(self):
        self.check_usage_error(['--rows', 'exec,nope'],
                               "unknown row 'nope' in --rows")

    def test_empty_rows(self):
        self.check_usage_error(['--rows', ','], '--rows names no row')

    def test_bad_numbers(self):
        self.check_usage_error(['--cpu-n', '0'],
                               '--cpu-n must be at least 1, got 0')
        self.check_usage_error(['--repeat', '0'],
                               '--repeat must be at least 1, got 0')
        self.check_usage_error(['--min-time', '-1'],
                               '--min-time must not be negative')
        self.check_usage_error(['--cpu-n', 'two'], "invalid int value: 'two'")
        self.check_usage_error(['--mode', 'fast'],
                               "invalid choice: 'fast'")

    def test_json_file_not_writable(self):
        filename = os.path.join(os_helper.TESTFN, 'no-such-dir', 'out.json')
        self.check_usage_error(['--mode', 'tiny', '--json', filename],
                               f'--json {filename}: cannot write', rc=1)

    def test_compare_not_found(self):
        self.check_usage_error(['--compare', 'no-such-python-3.99'],
                               'command not found: no-such-python-3.99', rc=1)

    def test_compare_bad_quoting(self):
        self.check_usage_error(['--compare', 'python "'],
                               'No closing quotation', rc=1)

    def test_compare_empty(self):
        self.check_usage_error(['--compare', ''],
                               '--compare needs a command', rc=1)

    def test_compare_fails(self):
        # The other "Python" ignores the script and exits with status 3.
        python = shlex.join([sys.executable, '-c', 'raise SystemExit(3)'])
        res = run_bench('--mode', 'tiny', '--rows', 'exec',
                        '--compare', python)
        self.assertEqual(res.rc, 1)
        self.assertIn(b'exited with status 3', res.err)
        self.assertNotIn(b'Traceback', res.err)

    def test_compare_no_json(self):
        python = shlex.join([sys.executable, '-c', 'print("hello")'])
        res = run_bench('--mode', 'tiny', '--rows', 'exec',
                        '--compare', python)
        self.assertEqual(res.rc, 1)
        self.assertIn(b"no JSON report on its standard output: 'hello",
                      res.err)
        self.assertNotIn(b'Traceback', res.err)


class MeasuringTests(unittest.TestCase):

    def test_measure_calibrates_then_repeats(self):
        calls = []

        def timer(number):
            calls.append(number)
            return number * 0.001   # 1 ms per operation
        cfg = dict(min_time=0.05, repeat=4)
        number, times = bench._measure(timer, cfg)
        self.assertGreaterEqual(number * 0.001, 0.05)
        self.assertEqual(len(times), 4)
        # Calibration runs, then exactly `repeat` runs of the final count.
        self.assertEqual(calls[-4:], [number] * 4)
        self.assertLess(calls[0], number)
        self.assertEqual(calls[-5], number)

    def test_measure_stops_at_max_number(self):
        cfg = dict(min_time=10.0, repeat=2)
        number, times = bench._measure(lambda n: 0.0, cfg, max_number=500)
        self.assertEqual(number, 500)
        self.assertEqual(times, [0.0, 0.0])

    def test_per_op_and_per_second(self):
        res = bench._per_op(10, [0.004, 0.002, 0.003], 1e6)
        self.assertAlmostEqual(res['value'], 200.0)
        self.assertAlmostEqual(res['median'], 300.0)
        res = bench._per_second(1000, [0.5, 0.25, 1.0])
        self.assertAlmostEqual(res['value'], 4000.0)
        self.assertAlmostEqual(res['median'], 2000.0)


def _row(func, **kwargs):
    return bench.Row('fake', 'a fake row', 'us', func, **kwargs)


class ReportingTests(unittest.TestCase):

    cfg = dict(bench.MODES['tiny'], mode='tiny', cpu_n=2)

    def test_failing_row_is_na(self):
        def func(cfg):
            raise ValueError('boom\nsecond line')
        result = bench.run_row(_row(func, target=10), self.cfg)
        self.assertIsNone(result['value'])
        self.assertEqual(result['error'], 'ValueError: boom')
        self.assertIsNone(result['met'])

    def test_unavailable_row_is_na(self):
        def func(cfg):
            raise bench.Unavailable('no such feature')
        result = bench.run_row(_row(func), self.cfg)
        self.assertIsNone(result['value'])
        self.assertEqual(result['error'], 'no such feature')

    def test_target_met(self):
        row = _row(None, target=10)
        self.assertIs(row.met(9.5), True)
        self.assertIs(row.met(10.5), False)
        self.assertIsNone(row.met(None))
        row = _row(None, target=3e6, higher_is_better=True)
        self.assertIs(row.met(3.5e6), True)
        self.assertIs(row.met(1e6), False)
        self.assertIsNone(_row(None).met(5.0))

    def test_ratio(self):
        lower = dict(value=10.0, higher_is_better=False)
        self.assertAlmostEqual(bench.ratio(lower, dict(value=150.0)), 15.0)
        higher = dict(value=3e6, higher_is_better=True)
        self.assertAlmostEqual(bench.ratio(higher, dict(value=1e6)), 3.0)
        self.assertIsNone(bench.ratio(dict(value=None, higher_is_better=False),
                                      dict(value=1.0)))

    def test_table_shows_na_reason(self):
        def ok(cfg):
            return dict(value=2.5, median=2.5, number=1, repeats=[2.5])

        def fails(cfg):
            raise RuntimeError('queue broke')
        rows = [bench.Row('a', 'row a', 'ms', ok, target=3),
                bench.Row('b', 'row b', 'ms', fails, target=3)]
        report = bench.run_all(rows, self.cfg)
        table = bench.format_table(report)
        self.assertRegex(table, r'row a +ms +2\.50 +<= 3\.00 +yes')
        self.assertRegex(table, r'row b +ms +n/a \[1\] +<= 3\.00')
        self.assertIn('[1] RuntimeError: queue broke', table)
        table = bench.format_table(report, report)
        self.assertRegex(table, r'row a +ms +2\.50 +2\.50 +1\.00x')
        self.assertIn('[2] RuntimeError: queue broke', table)

    def test_table_warns_of_load(self):
        def ok(cfg):
            return dict(value=2.5, median=2.5, number=1, repeats=[2.5])
        report = bench.run_all([bench.Row('a', 'row a', 'ms', ok)], self.cfg)
        report['machine'].update(cpu_count=2, loadavg=[0.3, 0.2, 0.1])
        self.assertNotIn('Warning', bench.format_table(report))
        report['machine'].update(loadavg=[1.5, 0.2, 0.1])
        self.assertIn('Warning: load average 1.50 on 2 CPUs',
                      bench.format_table(report))
        report['machine'].update(loadavg=None)
        self.assertNotIn('Warning', bench.format_table(report))

    def test_fmt_value(self):
        self.assertEqual(bench.fmt_value(3.2e6, 'items/s'), '3.20 M')
        self.assertEqual(bench.fmt_value(25_100, 'tasks/s'), '25.1 k')
        self.assertEqual(bench.fmt_value(10_114.2, 'us'), '10,114')
        self.assertEqual(bench.fmt_value(12.34, 'us'), '12.3')
        self.assertEqual(bench.fmt_value(1.234, 'MiB'), '1.23')
        self.assertEqual(bench.fmt_value(None, 'us'), '-')


if __name__ == '__main__':
    unittest.main()
