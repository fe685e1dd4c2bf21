/* The version of the CPython PEP 734 fork, defined here and only here.
 *
 * The fork is CPython 3.13.5 (PY_VERSION, which stays as upstream's, as do
 * sys.version_info and platform.python_version()) plus this suffix.  It is
 * shown in sys.version, as the build information (Py_GetBuildInfo():
 * "3.13.5 (3.13.5+pep734.1, Dec  1 2026, 12:00:00) [GCC ...]"), and it names
 * the source tarball of `make dist` and the Debian version of `make deb`
 * (scripts/fork-version reads it from this file).  Bump the number for each
 * release of the fork.
 */
#ifndef Py_INTERNAL_PEP734_VERSION_H
#define Py_INTERNAL_PEP734_VERSION_H

#define _Py_PEP734_VERSION_SUFFIX "+pep734.1"

#endif  /* !Py_INTERNAL_PEP734_VERSION_H */
