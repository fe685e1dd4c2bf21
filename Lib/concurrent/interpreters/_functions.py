"""Send functions to other interpreters by value (a fork extension).

The cross-interpreter layer pickles what it cannot share (see
Python/crossinterp.c); it pickles with dumps() below, whose pickler
sends a Python function like a value:

- A function that can be imported by its qualified name from a real
  module (not __main__) goes by reference, as pickle does it.
- Any other function (a lambda, a nested function, a closure, one
  defined in __main__ or by exec()) goes as its marshalled code, its
  name, qualified name and module name, its defaults and keyword
  defaults, its closure cells and their contents, its __doc__ and
  __dict__, and the globals its code (and the code nested in it) loads.
  Global values that are builtins are left out: the target's are used.
- A module crosses by name and is imported in the target.
- Every other value is pickled as usual, so functions nested in
  containers, defaults, cells or globals go by the same rules.  The
  pickle memo keeps the shape: cells shared by several functions stay
  shared, recursive and mutually recursive functions work.

In the target the function is rebuilt with types.FunctionType() over a
fresh globals dict, one per source globals dict per transfer, whose
__builtins__ are the target's.  The source's globals are copies there:
a function that rebinds a global changes only its own copy.
"""

import builtins
import io
import marshal
import opcode
import pickle
import sys
import types
import weakref

from _interpreters import NotShareableError


__all__ = ['dumps']


_FunctionType = types.FunctionType
_CellType = types.CellType
_CodeType = types.CodeType
_ModuleType = types.ModuleType

_LOAD_GLOBAL = opcode.opmap['LOAD_GLOBAL']
_EXTENDED_ARG = opcode.EXTENDED_ARG
# Opcodes whose argument indexes co_names and that may read or write
# a global.  STORE_NAME and DELETE_NAME are left out: in the code of a
# function they only appear in class bodies, which write to the class.
_NAME_OPS = frozenset(opcode.opmap[name] for name in (
    'LOAD_NAME', 'LOAD_FROM_DICT_OR_GLOBALS',
    'STORE_GLOBAL', 'DELETE_GLOBAL',
))

_MISSING = object()
_GLOBALS = globals()


def _add_global_names(code, names):
    """Add to the set "names" the globals that code may use."""
    co_names = code.co_names
    if co_names:
        raw = code.co_code
        ext = 0
        for i in range(0, len(raw), 2):
            op = raw[i]
            arg = raw[i + 1] | ext
            if op == _EXTENDED_ARG:
                ext = arg << 8
                continue
            ext = 0
            if op == _LOAD_GLOBAL:
                names.add(co_names[arg >> 1])
            elif op in _NAME_OPS:
                names.add(co_names[arg])
    for const in code.co_consts:
        if type(const) is _CodeType:
            _add_global_names(const, names)


def global_names(code):
    """Return the sorted names of the globals that code may use."""
    return list(_code_info(code)[1])


# id(code) -> (weakref to code, info).  Keyed by identity: equal code
# objects may differ in co_filename.  An entry goes when its code object
# dies, so the cache keeps no code alive; the bound limits its size.
_code_cache = {}
_CODE_CACHE_SIZE = 256


def _code_info(code):
    """Return (marshalled code, sorted global names) for code."""
    key = id(code)
    entry = _code_cache.get(key)
    if entry is not None and entry[0]() is code:
        return entry[1]
    names = set()
    _add_global_names(code, names)
    info = (marshal.dumps(code), tuple(sorted(names)))
    if len(_code_cache) >= _CODE_CACHE_SIZE:
        _code_cache.clear()

    def forget(ref, key=key):
        entry = _code_cache.get(key)
        if entry is not None and entry[0] is ref:
            del _code_cache[key]
    _code_cache[key] = (weakref.ref(code, forget), info)
    return info


def by_reference(func):
    """Return True if pickle may send func by reference.

    That is when func.__module__ names a module other than __main__,
    present in sys.modules with a __spec__ (so that another interpreter
    can import it), and looking up func.__qualname__ there gives func.
    """
    modname = getattr(func, '__module__', None)
    if not isinstance(modname, str) or modname == '__main__':
        return False
    module = sys.modules.get(modname)
    if module is None or getattr(module, '__spec__', None) is None:
        return False
    obj = module
    for part in func.__qualname__.split('.'):
        obj = getattr(obj, part, _MISSING)
        if obj is _MISSING:
            return False
    return obj is func


def _function_parts(func):
    """Yield (where, value) for each value that travels with func."""
    code = func.__code__
    defaults = func.__defaults__ or ()
    first = code.co_argcount - len(defaults)
    for i, value in enumerate(defaults):
        yield f'default of parameter {code.co_varnames[first + i]!r}', value
    for name, value in (func.__kwdefaults__ or {}).items():
        yield f'default of parameter {name!r}', value
    for name, cell in zip(code.co_freevars, func.__closure__ or ()):
        try:
            value = cell.cell_contents
        except ValueError:
            continue    # an empty cell
        yield f'closure cell {name!r}', value
    for name, value in _used_globals(func).items():
        yield f'global {name!r}', value
    for name, value in func.__dict__.items():
        yield f'attribute {name!r}', value


def _used_globals(func):
    """Return {name: value} for the globals of func that its code uses.

    Names missing from func.__globals__ (builtins, or not yet bound)
    are left out.
    """
    ns = func.__globals__
    used = {}
    for name in _code_info(func.__code__)[1]:
        if name == '__builtins__':
            continue
        value = ns.get(name, _MISSING)
        if value is not _MISSING:
            used[name] = value
    return used


class _GlobalsRef:
    """Stand for a source globals dict; it becomes a fresh dict."""

    __slots__ = ('modname',)

    def __init__(self, modname):
        self.modname = modname

    def __reduce__(self):
        return _new_globals, (self.modname,)


class _Pickler(pickle.Pickler):

    def __init__(self, file):
        super().__init__(file, pickle.HIGHEST_PROTOCOL)
        # id(source globals) -> (source globals, _GlobalsRef)
        self._globals = {}
        # the functions sent by value, in the order they were met
        self.byvalue = []

    def reducer_override(self, obj):
        cls = type(obj)
        if cls is _FunctionType:
            # This module's own functions rebuild the others.
            if obj.__globals__ is _GLOBALS or by_reference(obj):
                return NotImplemented
            return self._reduce_function(obj)
        if cls is _CellType:
            return _reduce_cell(obj)
        if isinstance(obj, _ModuleType):
            return _reduce_module(obj)
        return NotImplemented

    def _globals_ref(self, func):
        ns = func.__globals__
        try:
            return self._globals[id(ns)][1]
        except KeyError:
            pass
        modname = ns.get('__name__', func.__module__)
        ref = _GlobalsRef(modname if isinstance(modname, str) else None)
        self._globals[id(ns)] = (ns, ref)
        return ref

    def _reduce_function(self, func):
        self.byvalue.append(func)
        args = (_code_info(func.__code__)[0], self._globals_ref(func),
                func.__name__, func.__closure__)
        # The function is memoized before its state is pickled, so the
        # state may refer back to it (recursion).
        state = (func.__qualname__, func.__module__, func.__doc__,
                 func.__defaults__, func.__kwdefaults__, _used_globals(func),
                 func.__dict__ or None)
        return _make_function, args, state, None, None, _set_function_state


def _reduce_cell(cell):
    try:
        value = cell.cell_contents
    except ValueError:
        return _new_cell, ()
    return _new_cell, (), value, None, None, _set_cell


def _reduce_module(module):
    name = getattr(module, '__name__', None)
    if not isinstance(name, str) or sys.modules.get(name) is not module:
        raise pickle.PicklingError(
            f'module {name!r} cannot be imported by name')
    return _import_module, (name,)


# Rebuilding, in the target.

def _new_globals(modname):
    return {'__name__': modname, '__builtins__': builtins}


def _new_cell():
    return _CellType()


def _set_cell(cell, value):
    cell.cell_contents = value


def _import_module(name):
    import importlib
    return importlib.import_module(name)


def _make_function(codebytes, globals, name, closure):
    code = marshal.loads(codebytes)
    return _FunctionType(code, globals, name, None, closure)


def _set_function_state(func, state):
    qualname, modname, doc, defaults, kwdefaults, used, attrs = state
    func.__globals__.update(used)
    func.__qualname__ = qualname
    func.__module__ = modname
    func.__doc__ = doc
    func.__defaults__ = defaults
    func.__kwdefaults__ = kwdefaults
    if attrs:
        func.__dict__.update(attrs)


def bind_main(data):
    """Bind in __main__ the items of a pickled dict (used in the target).

    It uses no globals, so it crosses as its code (see
    Interpreter.prepare_main()).
    """
    import __main__
    import pickle
    vars(__main__).update(pickle.loads(data))


# Errors.

def _typename(value):
    cls = type(value)
    if cls.__module__ == 'builtins':
        return cls.__qualname__
    return f'{cls.__module__}.{cls.__qualname__}'


def _try_dumps(value):
    """Return the exception pickling value alone raises, or None."""
    try:
        _Pickler(io.BytesIO()).dump(value)
    except Exception as exc:
        return exc
    return None


def _find_culprit(func, seen):
    """Return (func, where, value, exc) for a part of func that fails."""
    seen.add(id(func))
    for where, value in _function_parts(func):
        if type(value) is _FunctionType and not by_reference(value):
            if id(value) in seen:
                continue
            found = _find_culprit(value, seen)
            if found is not None:
                return found
            continue
        exc = _try_dumps(value)
        if exc is not None:
            return func, where, value, exc
    return None


def _explain(pickler, exc):
    """Return a NotShareableError that names what made exc, or None."""
    seen = set()
    for func in pickler.byvalue:
        if id(func) in seen:
            continue
        found = _find_culprit(func, seen)
        if found is None:
            continue
        culprit, where, value, cause = found
        typename = _typename(value)
        article = 'an' if typename[:1].lower() in 'aeiou' else 'a'
        err = NotShareableError(
            f'{where} of {culprit.__qualname__} holds {article} {typename},'
            f' which cannot be shared')
        err.__cause__ = cause
        return err
    return None


def dumps(obj):
    """Pickle obj for another interpreter, functions by value."""
    file = io.BytesIO()
    pickler = _Pickler(file)
    try:
        pickler.dump(obj)
    except NotShareableError:
        raise
    except Exception as exc:
        err = None
        if pickler.byvalue:
            try:
                err = _explain(pickler, exc)
            except Exception:
                pass    # report the original error
        if err is not None:
            raise err from err.__cause__
        raise
    return file.getvalue()
