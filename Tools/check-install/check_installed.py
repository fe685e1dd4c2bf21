"""Checks that scripts/check-install runs with an installed python3.13.

    python3.13 check_installed.py PREFIX EXTDIR [EXTDIR...] -- NOTISODIR -- MODULE...

PREFIX is where the fork is installed (after DESTDIR).  Each EXTDIR holds
pep734ext built from Tools/check-install/pep734ext.c with one set of flags;
NOTISODIR holds the build that declares no subinterpreter support.  MODULE...
are the _interp* modules the source tree has: each must be built in.

Prints one "ok: ..." line per check and exits non-zero at the first failure.
"""

import importlib.util
import os
import subprocess
import sys
import sysconfig


def ok(what):
    print(f"ok: {what}", flush=True)


def fail(what):
    print(f"FAILED: {what}", flush=True)
    sys.exit(1)


def check(cond, what):
    if not cond:
        fail(what)
    ok(what)


def under(path, prefix):
    path = os.path.realpath(path)
    prefix = os.path.realpath(prefix)
    return os.path.commonpath([path, prefix]) == prefix


def check_layout(prefix, modules):
    check(under(sys.executable, prefix) and under(sys.prefix, prefix),
          f"sys.prefix {sys.prefix} is the install prefix")
    check(sys.version_info[:3] == (3, 13, 5), "sys.version_info is 3.13.5")
    fork_version = os.environ.get("FORK_VERSION")
    if fork_version:
        check(f"({fork_version}," in sys.version,
              f"sys.version names the fork: {sys.version.splitlines()[0]}")
    stdlib = sysconfig.get_paths()["stdlib"]
    check(under(stdlib, prefix), f"stdlib {stdlib} is under the prefix")
    import concurrent.interpreters
    import concurrent.futures.interpreter
    for mod, rel in [
        (concurrent.interpreters, "concurrent/interpreters/__init__.py"),
        (concurrent.futures.interpreter, "concurrent/futures/interpreter.py"),
    ]:
        want = os.path.join(stdlib, rel)
        check(os.path.realpath(mod.__file__) == os.path.realpath(want),
              f"{mod.__name__} is {want}")
    for rel in ["concurrent/interpreters/_queues.py",
                "concurrent/interpreters/_crossinterp.py",
                "test/test_interpreters/__init__.py"]:
        check(os.path.isfile(os.path.join(stdlib, rel)),
              f"{rel} is installed")
    dynload = sysconfig.get_path("platstdlib")
    for name in modules:
        spec = importlib.util.find_spec(name)
        check(name in sys.builtin_module_names and spec is not None
              and spec.origin == "built-in",
              f"{name} is built in")
        leftovers = [f for f in os.listdir(os.path.join(dynload, "lib-dynload"))
                     if f.startswith(name + ".")]
        check(not leftovers, f"no {name} shared module in lib-dynload")
    from concurrent.futures import InterpreterPoolExecutor
    with InterpreterPoolExecutor(max_workers=2) as pool:
        check(list(pool.map(pow, [2, 3], [5, 2])) == [32, 9],
              "InterpreterPoolExecutor runs tasks")


def check_extension(extdir):
    from concurrent import interpreters
    sys.path.insert(0, extdir)
    try:
        import pep734ext
    finally:
        del sys.path[0]
    check(os.path.dirname(pep734ext.__file__) == extdir
          and pep734ext.multi_phase == 1
          and pep734ext.interpreter_id() == 0
          and pep734ext.count() == 1,
          f"pep734ext from {os.path.basename(extdir)} imports in the main interpreter")
    interp = interpreters.create()
    try:
        interp.prepare_main(extdir=extdir)
        interp.exec("import sys; sys.path.insert(0, extdir); import pep734ext")
        sub_id = interp.call(pep734ext.interpreter_id)
        check(sub_id == interp.id != 0,
              f"pep734ext imports and runs in subinterpreter {interp.id}")
        interp.exec("assert pep734ext.count() == 1, pep734ext.count()")
        check(pep734ext.count() == 2,
              "pep734ext keeps one state per interpreter")
    finally:
        interp.close()
    del sys.modules["pep734ext"]


def check_not_isolated(notisodir):
    from concurrent import interpreters
    interp = interpreters.create()
    try:
        interp.prepare_main(extdir=notisodir)
        try:
            interp.exec("import sys; sys.path.insert(0, extdir)\n"
                        "try:\n"
                        "    import pep734ext\n"
                        "except ImportError as exc:\n"
                        "    assert 'subinterpreter' in str(exc), exc\n"
                        "else:\n"
                        "    raise AssertionError('imported')\n")
        except interpreters.ExecutionFailed as exc:
            fail(f"a module without subinterpreter support is refused: {exc}")
        ok("a module without subinterpreter support is refused in a subinterpreter")
    finally:
        interp.close()


def check_help(names):
    env = dict(os.environ, PAGER="cat", MANPAGER="cat", TERM="dumb",
               COLUMNS="80")
    bindir = os.path.dirname(sys.executable)
    runs = {
        "help(concurrent.interpreters)": [
            sys.executable, "-c",
            "import concurrent.interpreters as m; help(m)"],
        # The installed script, run by this python: its #! line names the
        # configured prefix, which a relocated install does not have.
        "pydoc3.13 concurrent.interpreters": [
            sys.executable, os.path.join(bindir, "pydoc3.13"),
            "concurrent.interpreters"],
        "python3.13 -m pydoc concurrent.interpreters": [
            sys.executable, "-m", "pydoc", "concurrent.interpreters"],
    }
    for what, cmd in runs.items():
        out = subprocess.run(cmd, env=env, capture_output=True, text=True,
                             timeout=60)
        if out.returncode != 0:
            fail(f"{what} exits with {out.returncode}: {out.stderr}")
        text = out.stdout
        missing = [n for n in names if n not in text]
        if missing:
            fail(f"{what} lacks {missing}")
        for bad in ("Traceback", "<unknown>", "\x08"):
            if bad in text:
                fail(f"{what} shows {bad!r}")
        ok(f"{what} renders ({len(text.splitlines())} lines, "
           f"{len(names)} names)")


HELP_NAMES = [
    "NAME", "concurrent.interpreters", "DESCRIPTION", "CLASSES", "FUNCTIONS",
    "FILE", "Interpreter", "Queue", "create", "get_current", "get_main",
    "list_all", "create_queue", "is_shareable", "InterpreterError",
    "InterpreterNotFoundError", "ExecutionFailed", "NotShareableError",
    "QueueEmpty", "QueueFull", "exec", "call", "call_in_thread",
    "prepare_main", "close",
]


def main(argv):
    prefix = argv[0]
    rest = argv[1:]
    sep1 = rest.index("--")
    extdirs = rest[:sep1]
    sep2 = rest.index("--", sep1 + 1)
    notiso = rest[sep1 + 1:sep2]
    modules = rest[sep2 + 1:]
    check_layout(prefix, modules)
    for d in extdirs:
        check_extension(os.path.abspath(d))
    for d in notiso:
        check_not_isolated(os.path.abspath(d))
    check_help(HELP_NAMES)


if __name__ == "__main__":
    main(sys.argv[1:])
