"""Unpickle, in the target interpreter, what names the caller's __main__.

The cross-interpreter layer (Python/crossinterp.c) pickles the objects
it cannot share and unpickles them in the target.  A pickle that refers
to attributes of the caller's __main__ (a class defined in the caller's
script, say) may find them missing from the target's __main__.  Then
the caller's main script is run in the target as a module of another
name, __xi_main__, and the attributes are taken from there: the
target's __main__ is left alone.  Sent back to the interpreter whose
script it is, an object of __xi_main__ is looked up in __main__ again.

The C code calls loads() only for such pickles; it unpickles the others
with pickle.loads() itself, so that this module (and the package) is
imported only where a pickle needs it.
"""

import io
import pickle
import sys

FAKE_MAIN = '__xi_main__'


def _get_fake_main(filename):
    """Return the module __xi_main__, made by running filename if needed."""
    mod = sys.modules.get(FAKE_MAIN)
    if mod is not None and getattr(mod, '__file__', None) == filename:
        return mod
    mod = type(sys)(FAKE_MAIN)
    mod.__file__ = filename
    with open(filename, 'rb') as file:
        source = file.read()
    code = compile(source, filename, 'exec')
    sys.modules[FAKE_MAIN] = mod
    try:
        exec(code, mod.__dict__)
    except BaseException:
        del sys.modules[FAKE_MAIN]
        raise
    return mod


class _Unpickler(pickle.Unpickler):
    """An unpickler that finds in __xi_main__ what __main__ lacks."""

    def __init__(self, file, mainfile):
        super().__init__(file)
        self._mainfile = mainfile

    def find_class(self, module, name):
        if module == FAKE_MAIN and FAKE_MAIN not in sys.modules:
            # Back in the interpreter whose script it is.
            module = '__main__'
        if module == '__main__' and self._mainfile is not None:
            try:
                return super().find_class(module, name)
            except AttributeError:
                pass
            obj = _get_fake_main(self._mainfile)
            for part in name.split('.'):
                obj = getattr(obj, part)
            return obj
        return super().find_class(module, name)


def loads(data, mainfile):
    """Unpickle the bytes data.

    mainfile is the path of the caller's main script (a str), or None
    when the caller has none.
    """
    if mainfile is None and FAKE_MAIN.encode() not in data:
        return pickle.loads(data)
    return _Unpickler(io.BytesIO(data), mainfile).load()
