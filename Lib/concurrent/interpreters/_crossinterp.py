"""Pieces shared by the cross-interpreter containers (queues, channels)."""


class ItemInterpreterDestroyed(Exception):
    """Raised when getting an item whose interpreter was destroyed."""


class classonly:
    """Make a value visible only on the class, not on its instances.

    It works like the classmethod builtin, except that looking the name
    up on an instance raises AttributeError.  Use it as a decorator.
    """

    def __init__(self, value):
        self.value = value
        self.getter = classmethod(value).__get__
        self.name = None

    def __set_name__(self, cls, name):
        if self.name is not None:
            raise TypeError(f'classonly already bound to {self.name!r}')
        self.name = name

    def __get__(self, obj, cls):
        if obj is not None:
            raise AttributeError(self.name)
        return self.getter(None, cls)


# The markers made by UnboundItem.singleton(), by (kind, module, name).
_SINGLETONS = {}


class UnboundItem:
    """Stand for an item whose interpreter was destroyed.

    An item becomes unbound when the interpreter that put it into a
    cross-interpreter container is destroyed before it was taken out.
    """

    __slots__ = ()

    @classonly
    def singleton(cls, kind, module, name='UNBOUND'):
        """Return the one unbound marker of a kind of container.

        The marker is made once: a module that asks again (for example
        after importlib.reload()) gets the same object, so values saved
        from before still compare identical.
        """
        key = (kind, module, name)
        try:
            return _SINGLETONS[key]
        except KeyError:
            pass
        doc = cls.__doc__.replace('cross-interpreter container', kind)
        subclass = type(
            f'Unbound{kind.capitalize()}Item',
            (cls,),
            {'_MODULE': module, '_NAME': name, '__doc__': doc,
             '__slots__': ()},
        )
        return _SINGLETONS.setdefault(key, object.__new__(subclass))

    _MODULE = __name__
    _NAME = 'UNBOUND'

    def __new__(cls):
        raise TypeError(f'use {cls._MODULE}.{cls._NAME} instead')

    def __repr__(self):
        return f'{self._MODULE}.{self._NAME}'


UNBOUND = object.__new__(UnboundItem)
UNBOUND_ERROR = object()
UNBOUND_REMOVE = object()

# The low-level modules' "unboundop" values.
_UNBOUND_CONSTANT_TO_FLAG = {
    UNBOUND_REMOVE: 1,
    UNBOUND_ERROR: 2,
    UNBOUND: 3,
}
_UNBOUND_FLAG_TO_CONSTANT = {flag: op
                             for op, flag in _UNBOUND_CONSTANT_TO_FLAG.items()}


def serialize_unbound(unbound, marker=UNBOUND):
    """Return the low-level flag, as a 1-tuple, for an unbound constant.

    "marker" is the container's own UNBOUND (made with
    UnboundItem.singleton()), which stands for UNBOUND.
    """
    if unbound is marker:
        unbound = UNBOUND
    try:
        flag = _UNBOUND_CONSTANT_TO_FLAG[unbound]
    except (KeyError, TypeError):
        raise NotImplementedError(
            f'unsupported unbound replacement op {unbound!r}') from None
    return (flag,)


def resolve_unbound(flag, exctype_destroyed, marker=UNBOUND):
    """Return what get() gives for an unbound item with the given flag.

    That is "marker", the container's own UNBOUND, for UNBOUND.
    Raise exctype_destroyed for UNBOUND_ERROR.
    """
    try:
        op = _UNBOUND_FLAG_TO_CONSTANT[flag]
    except KeyError:
        raise NotImplementedError(
            f'unsupported unbound replacement op {flag!r}') from None
    if op is UNBOUND:
        return marker
    if op is UNBOUND_ERROR:
        raise exctype_destroyed("item's original interpreter destroyed")
    # UNBOUND_REMOVE items are dropped by the low-level module and
    # never reach the caller.
    raise NotImplementedError(f'unexpected unbound op {op!r}')
