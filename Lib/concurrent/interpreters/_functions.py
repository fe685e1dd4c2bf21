"""Send functions to other interpreters by value (a fork extension).

The cross-interpreter layer pickles what it cannot share (see
Python/crossinterp.c); it pickles with dumps() below, whose pickler
sends a Python function like a value:

- A function that can be imported by its qualified name from a real
  module (not __main__) goes by reference, as pickle does it.
- Any other function (a lambda, a nested function, a closure, one
  defined in __main__ or by exec()) goes as its marshalled code, its
  name, qualified name and module name, its defaults and keyword
  defaults, its closure cells and their contents, its __doc__,
  __dict__ and __annotations__, and the globals its code (and the code
  nested in it) loads.  Global values that are builtins are left out:
  the target's are used.  An annotation that cannot be rebuilt in the
  target (a class defined in __main__, say) arrives as a string, as if
  written under "from __future__ import annotations".
- A module crosses by name and is imported in the target.
- Every other value is pickled as usual, so functions nested in
  containers, defaults, cells or globals go by the same rules.  The
  pickle memo keeps the shape: cells shared by several functions stay
  shared, recursive and mutually recursive functions work.

In the target the function is rebuilt with types.FunctionType() over a
globals dict whose __builtins__ are the target's:

- For the functions of a module (the dict is the __dict__ of a module
  in sys.modules, __main__ included), one dict per (source interpreter,
  module name), kept by the target while the source interpreter exists
  and shared by all the functions of that module rebuilt there.  What
  they write stays: a global that some function sent there assigns
  (with a "global" statement) belongs to the target once it is set
  there, and later transfers leave it alone, so a counter keeps
  counting and a value set by a pool's initializer is seen by the
  later tasks.  The other globals (constants, helper functions...) take
  the caller's current value at each transfer.  Neither the caller's
  module nor the target's __main__ sees these writes.
- For other globals dicts (exec() with a dict of one's own), a fresh
  dict per source dict per transfer.
"""

import builtins
import io
import marshal
import pickle
import sys
import types
import weakref

import _interpreters
from _interpreters import NotShareableError


__all__ = ['dumps']


_FunctionType = types.FunctionType
_CellType = types.CellType
_ModuleType = types.ModuleType

_MISSING = object()
_GLOBALS = globals()
_INTERP_ID = _interpreters.get_current()[0]


def global_names(code):
    """Return the sorted names of the globals that code may use."""
    return list(_code_info(code)[1])


# id(code) -> (weakref to code, info).  Keyed by identity: equal code
# objects may differ in co_filename.  An entry goes when its code object
# dies, so the cache keeps no code alive; the bound limits its size.
_code_cache = {}
_CODE_CACHE_SIZE = 256


def _code_info(code):
    """Return (marshalled code, sorted global names, stored names)."""
    key = id(code)
    entry = _code_cache.get(key)
    if entry is not None and entry[0]() is code:
        return entry[1]
    # The globals that code and the code nested in it may read, bind or
    # unbind (STORE_NAME binds one in module-level code made a function),
    # as the C side of the cross-interpreter layer sees them.
    names, stored = _interpreters._code_names(code)
    info = (marshal.dumps(code), tuple(sorted(names)), stored)
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
    """Stand for a source globals dict in the target.

    The dict of a module becomes the target's namespace for that
    module of this interpreter; any other, a fresh dict.
    """

    __slots__ = ('modname', 'of_module')

    def __init__(self, modname, of_module):
        self.modname = modname
        self.of_module = of_module

    def __reduce__(self):
        if self.of_module:
            return _module_globals, (_INTERP_ID, self.modname)
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
        if not isinstance(modname, str):
            modname = None
        module = sys.modules.get(modname) if modname is not None else None
        of_module = getattr(module, '__dict__', None) is ns
        ref = _GlobalsRef(modname, of_module)
        self._globals[id(ns)] = (ns, ref)
        return ref

    def _reduce_function(self, func):
        self.byvalue.append(func)
        codebytes, _, stored = _code_info(func.__code__)
        args = (codebytes, self._globals_ref(func),
                func.__name__, func.__closure__)
        # The function is memoized before its state is pickled, so the
        # state may refer back to it (recursion).
        annotations = func.__annotations__
        state = (func.__qualname__, func.__module__, func.__doc__,
                 func.__defaults__, func.__kwdefaults__, _used_globals(func),
                 stored or None, func.__dict__ or None,
                 _annotations_state(annotations) if annotations else None)
        return _make_function, args, state, None, None, _set_function_state


# id() of the annotations dicts being pickled
_annotations_in_progress = set()


def _annotation_text(value):
    """Return value as the string annotation that would stand for it."""
    if isinstance(value, str):
        return value
    if isinstance(value, type):
        if value.__module__ in ('builtins', '__main__'):
            return value.__qualname__
        return f'{value.__module__}.{value.__qualname__}'
    try:
        return repr(value)
    except Exception:
        return _typename(value)


def _annotations_state(annotations):
    """Return what rebuilds annotations in the target.

    That is {name: (pickle or None, string)}: each annotation is pickled
    on its own, so that one that cannot be rebuilt in the target (a
    class of the caller's __main__, say) stops neither the function nor
    the others, and its string is there to fall back on.
    """
    key = id(annotations)
    # An annotation may hold the function itself (or another function
    # whose annotations hold it): its annotations then go as strings.
    nested = key in _annotations_in_progress
    _annotations_in_progress.add(key)
    try:
        state = {}
        for name, value in annotations.items():
            data = None
            if not nested:
                try:
                    file = io.BytesIO()
                    _Pickler(file).dump(value)
                    data = file.getvalue()
                except Exception:
                    pass
            state[name] = (data, _annotation_text(value))
        return state
    finally:
        if not nested:
            _annotations_in_progress.discard(key)


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


# (source interpreter ID, module name) -> the namespace that the
# functions of that module share here (interpreter IDs are not reused).
# Those of closed interpreters go when a new one is made.
_module_namespaces = {}
# id(namespace) -> the names its functions bind or unbind.
_owned_names = {}


def _forget_closed_sources():
    """Drop the namespaces of source interpreters that are gone."""
    try:
        alive = {interpid for interpid, *_ in _interpreters.list_all()}
    except Exception:
        return
    for key in list(_module_namespaces):
        if key[0] not in alive:
            ns = _module_namespaces.pop(key, None)
            if ns is not None:
                _owned_names.pop(id(ns), None)


def _module_globals(interpid, modname):
    key = (interpid, modname)
    ns = _module_namespaces.get(key)
    if ns is None:
        if _module_namespaces:
            _forget_closed_sources()
        # Another thread may make it at the same time: one wins.
        new = _new_globals(modname)
        _owned_names[id(new)] = set()
        ns = _module_namespaces.setdefault(key, new)
        if ns is not new:
            del _owned_names[id(new)]
    return ns


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
    (qualname, modname, doc, defaults, kwdefaults, used, stored, attrs,
     annotations) = state
    ns = func.__globals__
    owned = _owned_names.get(id(ns))
    if owned is None:
        ns.update(used)
    else:
        # What the functions of the module set here stays; the rest
        # follows the caller.
        if stored:
            owned.update(stored)
        for name, value in used.items():
            if name not in owned or name not in ns:
                ns[name] = value
    func.__qualname__ = qualname
    func.__module__ = modname
    func.__doc__ = doc
    func.__defaults__ = defaults
    func.__kwdefaults__ = kwdefaults
    if attrs:
        func.__dict__.update(attrs)
    if annotations is not None:
        func.__annotations__ = {name: _load_annotation(data, text)
                                for name, (data, text) in annotations.items()}


def _load_annotation(data, text):
    if data is not None:
        try:
            return pickle.loads(data)
        except Exception:
            pass
    return text


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
