/*[clinic input]
preserve
[clinic start generated code]*/

#if defined(Py_BUILD_CORE) && !defined(Py_BUILD_CORE_MODULE)
#  include "pycore_gc.h"          // PyGC_Head
#  include "pycore_runtime.h"     // _Py_ID()
#endif
#include "pycore_abstract.h"      // _PyNumber_Index()
#include "pycore_modsupport.h"    // _PyArg_NoKeywords()

PyDoc_STRVAR(_interpsync_Lock__doc__,
"Lock()\n"
"--\n"
"\n"
"A lock that every interpreter of the process sees (threading.Lock).\n"
"\n"
"It is shareable: passed to another interpreter by any path, it arrives\n"
"as a Lock bound to the same lock.  Any thread of any interpreter may\n"
"release it.");

static PyObject *
_interpsync_Lock_impl(PyTypeObject *type);

static PyObject *
_interpsync_Lock(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    PyObject *return_value = NULL;
    PyTypeObject *base_tp = type;

    if ((type == base_tp || type->tp_init == base_tp->tp_init) &&
        !_PyArg_NoPositional("Lock", args)) {
        goto exit;
    }
    if ((type == base_tp || type->tp_init == base_tp->tp_init) &&
        !_PyArg_NoKeywords("Lock", kwargs)) {
        goto exit;
    }
    return_value = _interpsync_Lock_impl(type);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpsync_Lock_acquire__doc__,
"acquire($self, /, blocking=True, timeout=-1)\n"
"--\n"
"\n"
"Acquire the lock, waiting for it if \"blocking\" is true.\n"
"\n"
"Without arguments this waits until the lock is released by whatever\n"
"thread of whatever interpreter holds it, and returns True.  With\n"
"blocking=False it returns at once; with a timeout (in seconds) it\n"
"waits at most that long.  The result says whether the lock was\n"
"acquired.  The wait can be interrupted (by Ctrl-C, for one).");

#define _INTERPSYNC_LOCK_ACQUIRE_METHODDEF    \
    {"acquire", _PyCFunction_CAST(_interpsync_Lock_acquire), METH_FASTCALL|METH_KEYWORDS, _interpsync_Lock_acquire__doc__},

static PyObject *
_interpsync_Lock_acquire_impl(syncobject *self, int blocking,
                              PyObject *timeout_obj);

static PyObject *
_interpsync_Lock_acquire(syncobject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *return_value = NULL;
    #if defined(Py_BUILD_CORE) && !defined(Py_BUILD_CORE_MODULE)

    #define NUM_KEYWORDS 2
    static struct {
        PyGC_Head _this_is_not_used;
        PyObject_VAR_HEAD
        PyObject *ob_item[NUM_KEYWORDS];
    } _kwtuple = {
        .ob_base = PyVarObject_HEAD_INIT(&PyTuple_Type, NUM_KEYWORDS)
        .ob_item = { &_Py_ID(blocking), &_Py_ID(timeout), },
    };
    #undef NUM_KEYWORDS
    #define KWTUPLE (&_kwtuple.ob_base.ob_base)

    #else  // !Py_BUILD_CORE
    #  define KWTUPLE NULL
    #endif  // !Py_BUILD_CORE

    static const char * const _keywords[] = {"blocking", "timeout", NULL};
    static _PyArg_Parser _parser = {
        .keywords = _keywords,
        .fname = "acquire",
        .kwtuple = KWTUPLE,
    };
    #undef KWTUPLE
    PyObject *argsbuf[2];
    Py_ssize_t noptargs = nargs + (kwnames ? PyTuple_GET_SIZE(kwnames) : 0) - 0;
    int blocking = 1;
    PyObject *timeout_obj = NULL;

    args = _PyArg_UnpackKeywords(args, nargs, NULL, kwnames, &_parser, 0, 2, 0, argsbuf);
    if (!args) {
        goto exit;
    }
    if (!noptargs) {
        goto skip_optional_pos;
    }
    if (args[0]) {
        blocking = PyObject_IsTrue(args[0]);
        if (blocking < 0) {
            goto exit;
        }
        if (!--noptargs) {
            goto skip_optional_pos;
        }
    }
    timeout_obj = args[1];
skip_optional_pos:
    return_value = _interpsync_Lock_acquire_impl(self, blocking, timeout_obj);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpsync_Lock___enter____doc__,
"__enter__($self, /)\n"
"--\n"
"\n"
"Acquire the lock (waiting for it).");

#define _INTERPSYNC_LOCK___ENTER___METHODDEF    \
    {"__enter__", (PyCFunction)_interpsync_Lock___enter__, METH_NOARGS, _interpsync_Lock___enter____doc__},

static PyObject *
_interpsync_Lock___enter___impl(syncobject *self);

static PyObject *
_interpsync_Lock___enter__(syncobject *self, PyObject *Py_UNUSED(ignored))
{
    return _interpsync_Lock___enter___impl(self);
}

PyDoc_STRVAR(_interpsync_Lock_release__doc__,
"release($self, /)\n"
"--\n"
"\n"
"Release the lock; RuntimeError if it is not locked.\n"
"\n"
"Any thread of any interpreter may release it.");

#define _INTERPSYNC_LOCK_RELEASE_METHODDEF    \
    {"release", (PyCFunction)_interpsync_Lock_release, METH_NOARGS, _interpsync_Lock_release__doc__},

static PyObject *
_interpsync_Lock_release_impl(syncobject *self);

static PyObject *
_interpsync_Lock_release(syncobject *self, PyObject *Py_UNUSED(ignored))
{
    return _interpsync_Lock_release_impl(self);
}

PyDoc_STRVAR(_interpsync_Lock___exit____doc__,
"__exit__($self, /, *args)\n"
"--\n"
"\n"
"Release the lock.");

#define _INTERPSYNC_LOCK___EXIT___METHODDEF    \
    {"__exit__", _PyCFunction_CAST(_interpsync_Lock___exit__), METH_FASTCALL, _interpsync_Lock___exit____doc__},

static PyObject *
_interpsync_Lock___exit___impl(syncobject *self, PyObject *args);

static PyObject *
_interpsync_Lock___exit__(syncobject *self, PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *return_value = NULL;
    PyObject *__clinic_args = NULL;

    if (!_PyArg_CheckPositional("__exit__", nargs, 0, PY_SSIZE_T_MAX)) {
        goto exit;
    }
    __clinic_args = PyTuple_New(nargs - 0);
    if (!__clinic_args) {
        goto exit;
    }
    for (Py_ssize_t i = 0; i < nargs - 0; ++i) {
        PyTuple_SET_ITEM(__clinic_args, i, Py_NewRef(args[0 + i]));
    }
    return_value = _interpsync_Lock___exit___impl(self, __clinic_args);

exit:
    Py_XDECREF(__clinic_args);
    return return_value;
}

PyDoc_STRVAR(_interpsync_Lock_locked__doc__,
"locked($self, /)\n"
"--\n"
"\n"
"Return whether the lock is locked.");

#define _INTERPSYNC_LOCK_LOCKED_METHODDEF    \
    {"locked", (PyCFunction)_interpsync_Lock_locked, METH_NOARGS, _interpsync_Lock_locked__doc__},

static PyObject *
_interpsync_Lock_locked_impl(syncobject *self);

static PyObject *
_interpsync_Lock_locked(syncobject *self, PyObject *Py_UNUSED(ignored))
{
    return _interpsync_Lock_locked_impl(self);
}

PyDoc_STRVAR(_interpsync_RLock__doc__,
"RLock()\n"
"--\n"
"\n"
"A reentrant lock that every interpreter sees (threading.RLock).\n"
"\n"
"Its owner is a thread of an interpreter: the same OS thread running in\n"
"another interpreter (interp.call(), for one) is another owner.  Only\n"
"the owner may release it.  When an interpreter is closed, the RLocks\n"
"that its threads own are released.");

static PyObject *
_interpsync_RLock_impl(PyTypeObject *type);

static PyObject *
_interpsync_RLock(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    PyObject *return_value = NULL;
    PyTypeObject *base_tp = type;

    if ((type == base_tp || type->tp_init == base_tp->tp_init) &&
        !_PyArg_NoPositional("RLock", args)) {
        goto exit;
    }
    if ((type == base_tp || type->tp_init == base_tp->tp_init) &&
        !_PyArg_NoKeywords("RLock", kwargs)) {
        goto exit;
    }
    return_value = _interpsync_RLock_impl(type);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpsync_RLock_acquire__doc__,
"acquire($self, /, blocking=True, timeout=-1)\n"
"--\n"
"\n"
"Acquire the lock, or add one level if this thread already owns it.\n"
"\n"
"The arguments and the result are those of Lock.acquire().");

#define _INTERPSYNC_RLOCK_ACQUIRE_METHODDEF    \
    {"acquire", _PyCFunction_CAST(_interpsync_RLock_acquire), METH_FASTCALL|METH_KEYWORDS, _interpsync_RLock_acquire__doc__},

static PyObject *
_interpsync_RLock_acquire_impl(syncobject *self, int blocking,
                               PyObject *timeout_obj);

static PyObject *
_interpsync_RLock_acquire(syncobject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *return_value = NULL;
    #if defined(Py_BUILD_CORE) && !defined(Py_BUILD_CORE_MODULE)

    #define NUM_KEYWORDS 2
    static struct {
        PyGC_Head _this_is_not_used;
        PyObject_VAR_HEAD
        PyObject *ob_item[NUM_KEYWORDS];
    } _kwtuple = {
        .ob_base = PyVarObject_HEAD_INIT(&PyTuple_Type, NUM_KEYWORDS)
        .ob_item = { &_Py_ID(blocking), &_Py_ID(timeout), },
    };
    #undef NUM_KEYWORDS
    #define KWTUPLE (&_kwtuple.ob_base.ob_base)

    #else  // !Py_BUILD_CORE
    #  define KWTUPLE NULL
    #endif  // !Py_BUILD_CORE

    static const char * const _keywords[] = {"blocking", "timeout", NULL};
    static _PyArg_Parser _parser = {
        .keywords = _keywords,
        .fname = "acquire",
        .kwtuple = KWTUPLE,
    };
    #undef KWTUPLE
    PyObject *argsbuf[2];
    Py_ssize_t noptargs = nargs + (kwnames ? PyTuple_GET_SIZE(kwnames) : 0) - 0;
    int blocking = 1;
    PyObject *timeout_obj = NULL;

    args = _PyArg_UnpackKeywords(args, nargs, NULL, kwnames, &_parser, 0, 2, 0, argsbuf);
    if (!args) {
        goto exit;
    }
    if (!noptargs) {
        goto skip_optional_pos;
    }
    if (args[0]) {
        blocking = PyObject_IsTrue(args[0]);
        if (blocking < 0) {
            goto exit;
        }
        if (!--noptargs) {
            goto skip_optional_pos;
        }
    }
    timeout_obj = args[1];
skip_optional_pos:
    return_value = _interpsync_RLock_acquire_impl(self, blocking, timeout_obj);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpsync_RLock___enter____doc__,
"__enter__($self, /)\n"
"--\n"
"\n"
"Acquire the lock (waiting for it).");

#define _INTERPSYNC_RLOCK___ENTER___METHODDEF    \
    {"__enter__", (PyCFunction)_interpsync_RLock___enter__, METH_NOARGS, _interpsync_RLock___enter____doc__},

static PyObject *
_interpsync_RLock___enter___impl(syncobject *self);

static PyObject *
_interpsync_RLock___enter__(syncobject *self, PyObject *Py_UNUSED(ignored))
{
    return _interpsync_RLock___enter___impl(self);
}

PyDoc_STRVAR(_interpsync_RLock_release__doc__,
"release($self, /)\n"
"--\n"
"\n"
"Drop one level; the last one releases the lock.\n"
"\n"
"RuntimeError if this thread (of this interpreter) does not own it.");

#define _INTERPSYNC_RLOCK_RELEASE_METHODDEF    \
    {"release", (PyCFunction)_interpsync_RLock_release, METH_NOARGS, _interpsync_RLock_release__doc__},

static PyObject *
_interpsync_RLock_release_impl(syncobject *self);

static PyObject *
_interpsync_RLock_release(syncobject *self, PyObject *Py_UNUSED(ignored))
{
    return _interpsync_RLock_release_impl(self);
}

PyDoc_STRVAR(_interpsync_RLock___exit____doc__,
"__exit__($self, /, *args)\n"
"--\n"
"\n"
"Release the lock (one level).");

#define _INTERPSYNC_RLOCK___EXIT___METHODDEF    \
    {"__exit__", _PyCFunction_CAST(_interpsync_RLock___exit__), METH_FASTCALL, _interpsync_RLock___exit____doc__},

static PyObject *
_interpsync_RLock___exit___impl(syncobject *self, PyObject *args);

static PyObject *
_interpsync_RLock___exit__(syncobject *self, PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *return_value = NULL;
    PyObject *__clinic_args = NULL;

    if (!_PyArg_CheckPositional("__exit__", nargs, 0, PY_SSIZE_T_MAX)) {
        goto exit;
    }
    __clinic_args = PyTuple_New(nargs - 0);
    if (!__clinic_args) {
        goto exit;
    }
    for (Py_ssize_t i = 0; i < nargs - 0; ++i) {
        PyTuple_SET_ITEM(__clinic_args, i, Py_NewRef(args[0 + i]));
    }
    return_value = _interpsync_RLock___exit___impl(self, __clinic_args);

exit:
    Py_XDECREF(__clinic_args);
    return return_value;
}

PyDoc_STRVAR(_interpsync_RLock_locked__doc__,
"locked($self, /)\n"
"--\n"
"\n"
"Return whether the lock is held by any thread.");

#define _INTERPSYNC_RLOCK_LOCKED_METHODDEF    \
    {"locked", (PyCFunction)_interpsync_RLock_locked, METH_NOARGS, _interpsync_RLock_locked__doc__},

static PyObject *
_interpsync_RLock_locked_impl(syncobject *self);

static PyObject *
_interpsync_RLock_locked(syncobject *self, PyObject *Py_UNUSED(ignored))
{
    return _interpsync_RLock_locked_impl(self);
}

PyDoc_STRVAR(_interpsync_RLock__is_owned__doc__,
"_is_owned($self, /)\n"
"--\n"
"\n"
"Return whether this thread of this interpreter owns the lock.");

#define _INTERPSYNC_RLOCK__IS_OWNED_METHODDEF    \
    {"_is_owned", (PyCFunction)_interpsync_RLock__is_owned, METH_NOARGS, _interpsync_RLock__is_owned__doc__},

static PyObject *
_interpsync_RLock__is_owned_impl(syncobject *self);

static PyObject *
_interpsync_RLock__is_owned(syncobject *self, PyObject *Py_UNUSED(ignored))
{
    return _interpsync_RLock__is_owned_impl(self);
}

PyDoc_STRVAR(_interpsync_RLock__release_save__doc__,
"_release_save($self, /)\n"
"--\n"
"\n"
"Release the lock fully and return its state (for threading.Condition).");

#define _INTERPSYNC_RLOCK__RELEASE_SAVE_METHODDEF    \
    {"_release_save", (PyCFunction)_interpsync_RLock__release_save, METH_NOARGS, _interpsync_RLock__release_save__doc__},

static PyObject *
_interpsync_RLock__release_save_impl(syncobject *self);

static PyObject *
_interpsync_RLock__release_save(syncobject *self, PyObject *Py_UNUSED(ignored))
{
    return _interpsync_RLock__release_save_impl(self);
}

PyDoc_STRVAR(_interpsync_RLock__acquire_restore__doc__,
"_acquire_restore($self, state, /)\n"
"--\n"
"\n"
"Acquire the lock and restore the state from _release_save().");

#define _INTERPSYNC_RLOCK__ACQUIRE_RESTORE_METHODDEF    \
    {"_acquire_restore", (PyCFunction)_interpsync_RLock__acquire_restore, METH_O, _interpsync_RLock__acquire_restore__doc__},

static PyObject *
_interpsync_RLock__acquire_restore_impl(syncobject *self, Py_ssize_t state);

static PyObject *
_interpsync_RLock__acquire_restore(syncobject *self, PyObject *arg)
{
    PyObject *return_value = NULL;
    Py_ssize_t state;

    {
        Py_ssize_t ival = -1;
        PyObject *iobj = _PyNumber_Index(arg);
        if (iobj != NULL) {
            ival = PyLong_AsSsize_t(iobj);
            Py_DECREF(iobj);
        }
        if (ival == -1 && PyErr_Occurred()) {
            goto exit;
        }
        state = ival;
    }
    return_value = _interpsync_RLock__acquire_restore_impl(self, state);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpsync_Event__doc__,
"Event()\n"
"--\n"
"\n"
"An event that every interpreter sees (threading.Event).\n"
"\n"
"It holds a flag, false at first: set() sets it and wakes every thread\n"
"(of every interpreter) waiting in wait(), clear() resets it.");

static PyObject *
_interpsync_Event_impl(PyTypeObject *type);

static PyObject *
_interpsync_Event(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    PyObject *return_value = NULL;
    PyTypeObject *base_tp = type;

    if ((type == base_tp || type->tp_init == base_tp->tp_init) &&
        !_PyArg_NoPositional("Event", args)) {
        goto exit;
    }
    if ((type == base_tp || type->tp_init == base_tp->tp_init) &&
        !_PyArg_NoKeywords("Event", kwargs)) {
        goto exit;
    }
    return_value = _interpsync_Event_impl(type);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpsync_Event_is_set__doc__,
"is_set($self, /)\n"
"--\n"
"\n"
"Return True if the flag is set.");

#define _INTERPSYNC_EVENT_IS_SET_METHODDEF    \
    {"is_set", (PyCFunction)_interpsync_Event_is_set, METH_NOARGS, _interpsync_Event_is_set__doc__},

static PyObject *
_interpsync_Event_is_set_impl(syncobject *self);

static PyObject *
_interpsync_Event_is_set(syncobject *self, PyObject *Py_UNUSED(ignored))
{
    return _interpsync_Event_is_set_impl(self);
}

PyDoc_STRVAR(_interpsync_Event_set__doc__,
"set($self, /)\n"
"--\n"
"\n"
"Set the flag and wake every waiting thread.");

#define _INTERPSYNC_EVENT_SET_METHODDEF    \
    {"set", (PyCFunction)_interpsync_Event_set, METH_NOARGS, _interpsync_Event_set__doc__},

static PyObject *
_interpsync_Event_set_impl(syncobject *self);

static PyObject *
_interpsync_Event_set(syncobject *self, PyObject *Py_UNUSED(ignored))
{
    return _interpsync_Event_set_impl(self);
}

PyDoc_STRVAR(_interpsync_Event_clear__doc__,
"clear($self, /)\n"
"--\n"
"\n"
"Reset the flag: wait() then waits until set() is called again.");

#define _INTERPSYNC_EVENT_CLEAR_METHODDEF    \
    {"clear", (PyCFunction)_interpsync_Event_clear, METH_NOARGS, _interpsync_Event_clear__doc__},

static PyObject *
_interpsync_Event_clear_impl(syncobject *self);

static PyObject *
_interpsync_Event_clear(syncobject *self, PyObject *Py_UNUSED(ignored))
{
    return _interpsync_Event_clear_impl(self);
}

PyDoc_STRVAR(_interpsync_Event_wait__doc__,
"wait($self, /, timeout=None)\n"
"--\n"
"\n"
"Wait until the flag is set, for at most \"timeout\" seconds if given.\n"
"\n"
"Return True if the flag was set (even if it was cleared again since),\n"
"False on timeout.");

#define _INTERPSYNC_EVENT_WAIT_METHODDEF    \
    {"wait", _PyCFunction_CAST(_interpsync_Event_wait), METH_FASTCALL|METH_KEYWORDS, _interpsync_Event_wait__doc__},

static PyObject *
_interpsync_Event_wait_impl(syncobject *self, PyObject *timeout_obj);

static PyObject *
_interpsync_Event_wait(syncobject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *return_value = NULL;
    #if defined(Py_BUILD_CORE) && !defined(Py_BUILD_CORE_MODULE)

    #define NUM_KEYWORDS 1
    static struct {
        PyGC_Head _this_is_not_used;
        PyObject_VAR_HEAD
        PyObject *ob_item[NUM_KEYWORDS];
    } _kwtuple = {
        .ob_base = PyVarObject_HEAD_INIT(&PyTuple_Type, NUM_KEYWORDS)
        .ob_item = { &_Py_ID(timeout), },
    };
    #undef NUM_KEYWORDS
    #define KWTUPLE (&_kwtuple.ob_base.ob_base)

    #else  // !Py_BUILD_CORE
    #  define KWTUPLE NULL
    #endif  // !Py_BUILD_CORE

    static const char * const _keywords[] = {"timeout", NULL};
    static _PyArg_Parser _parser = {
        .keywords = _keywords,
        .fname = "wait",
        .kwtuple = KWTUPLE,
    };
    #undef KWTUPLE
    PyObject *argsbuf[1];
    Py_ssize_t noptargs = nargs + (kwnames ? PyTuple_GET_SIZE(kwnames) : 0) - 0;
    PyObject *timeout_obj = Py_None;

    args = _PyArg_UnpackKeywords(args, nargs, NULL, kwnames, &_parser, 0, 1, 0, argsbuf);
    if (!args) {
        goto exit;
    }
    if (!noptargs) {
        goto skip_optional_pos;
    }
    timeout_obj = args[0];
skip_optional_pos:
    return_value = _interpsync_Event_wait_impl(self, timeout_obj);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpsync_Semaphore__doc__,
"Semaphore(value=1)\n"
"--\n"
"\n"
"A semaphore that every interpreter sees (threading.Semaphore).\n"
"\n"
"It holds a counter: acquire() waits while it is zero, then decrements\n"
"it; release() increments it.");

static PyObject *
_interpsync_Semaphore_impl(PyTypeObject *type, Py_ssize_t value);

static PyObject *
_interpsync_Semaphore(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    PyObject *return_value = NULL;
    #if defined(Py_BUILD_CORE) && !defined(Py_BUILD_CORE_MODULE)

    #define NUM_KEYWORDS 1
    static struct {
        PyGC_Head _this_is_not_used;
        PyObject_VAR_HEAD
        PyObject *ob_item[NUM_KEYWORDS];
    } _kwtuple = {
        .ob_base = PyVarObject_HEAD_INIT(&PyTuple_Type, NUM_KEYWORDS)
        .ob_item = { &_Py_ID(value), },
    };
    #undef NUM_KEYWORDS
    #define KWTUPLE (&_kwtuple.ob_base.ob_base)

    #else  // !Py_BUILD_CORE
    #  define KWTUPLE NULL
    #endif  // !Py_BUILD_CORE

    static const char * const _keywords[] = {"value", NULL};
    static _PyArg_Parser _parser = {
        .keywords = _keywords,
        .fname = "Semaphore",
        .kwtuple = KWTUPLE,
    };
    #undef KWTUPLE
    PyObject *argsbuf[1];
    PyObject * const *fastargs;
    Py_ssize_t nargs = PyTuple_GET_SIZE(args);
    Py_ssize_t noptargs = nargs + (kwargs ? PyDict_GET_SIZE(kwargs) : 0) - 0;
    Py_ssize_t value = 1;

    fastargs = _PyArg_UnpackKeywords(_PyTuple_CAST(args)->ob_item, nargs, kwargs, NULL, &_parser, 0, 1, 0, argsbuf);
    if (!fastargs) {
        goto exit;
    }
    if (!noptargs) {
        goto skip_optional_pos;
    }
    {
        Py_ssize_t ival = -1;
        PyObject *iobj = _PyNumber_Index(fastargs[0]);
        if (iobj != NULL) {
            ival = PyLong_AsSsize_t(iobj);
            Py_DECREF(iobj);
        }
        if (ival == -1 && PyErr_Occurred()) {
            goto exit;
        }
        value = ival;
    }
skip_optional_pos:
    return_value = _interpsync_Semaphore_impl(type, value);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpsync_BoundedSemaphore__doc__,
"BoundedSemaphore(value=1)\n"
"--\n"
"\n"
"A bounded semaphore that every interpreter sees.\n"
"\n"
"Like Semaphore, but release() raises ValueError when it would raise the\n"
"counter above its initial value (threading.BoundedSemaphore).");

static PyObject *
_interpsync_BoundedSemaphore_impl(PyTypeObject *type, Py_ssize_t value);

static PyObject *
_interpsync_BoundedSemaphore(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    PyObject *return_value = NULL;
    #if defined(Py_BUILD_CORE) && !defined(Py_BUILD_CORE_MODULE)

    #define NUM_KEYWORDS 1
    static struct {
        PyGC_Head _this_is_not_used;
        PyObject_VAR_HEAD
        PyObject *ob_item[NUM_KEYWORDS];
    } _kwtuple = {
        .ob_base = PyVarObject_HEAD_INIT(&PyTuple_Type, NUM_KEYWORDS)
        .ob_item = { &_Py_ID(value), },
    };
    #undef NUM_KEYWORDS
    #define KWTUPLE (&_kwtuple.ob_base.ob_base)

    #else  // !Py_BUILD_CORE
    #  define KWTUPLE NULL
    #endif  // !Py_BUILD_CORE

    static const char * const _keywords[] = {"value", NULL};
    static _PyArg_Parser _parser = {
        .keywords = _keywords,
        .fname = "BoundedSemaphore",
        .kwtuple = KWTUPLE,
    };
    #undef KWTUPLE
    PyObject *argsbuf[1];
    PyObject * const *fastargs;
    Py_ssize_t nargs = PyTuple_GET_SIZE(args);
    Py_ssize_t noptargs = nargs + (kwargs ? PyDict_GET_SIZE(kwargs) : 0) - 0;
    Py_ssize_t value = 1;

    fastargs = _PyArg_UnpackKeywords(_PyTuple_CAST(args)->ob_item, nargs, kwargs, NULL, &_parser, 0, 1, 0, argsbuf);
    if (!fastargs) {
        goto exit;
    }
    if (!noptargs) {
        goto skip_optional_pos;
    }
    {
        Py_ssize_t ival = -1;
        PyObject *iobj = _PyNumber_Index(fastargs[0]);
        if (iobj != NULL) {
            ival = PyLong_AsSsize_t(iobj);
            Py_DECREF(iobj);
        }
        if (ival == -1 && PyErr_Occurred()) {
            goto exit;
        }
        value = ival;
    }
skip_optional_pos:
    return_value = _interpsync_BoundedSemaphore_impl(type, value);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpsync_Semaphore_acquire__doc__,
"acquire($self, /, blocking=True, timeout=None)\n"
"--\n"
"\n"
"Decrement the counter, waiting while it is zero if \"blocking\" is true.\n"
"\n"
"Return True once it was decremented, False if \"blocking\" is false or\n"
"\"timeout\" (seconds) ran out first.");

#define _INTERPSYNC_SEMAPHORE_ACQUIRE_METHODDEF    \
    {"acquire", _PyCFunction_CAST(_interpsync_Semaphore_acquire), METH_FASTCALL|METH_KEYWORDS, _interpsync_Semaphore_acquire__doc__},

static PyObject *
_interpsync_Semaphore_acquire_impl(syncobject *self, int blocking,
                                   PyObject *timeout_obj);

static PyObject *
_interpsync_Semaphore_acquire(syncobject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *return_value = NULL;
    #if defined(Py_BUILD_CORE) && !defined(Py_BUILD_CORE_MODULE)

    #define NUM_KEYWORDS 2
    static struct {
        PyGC_Head _this_is_not_used;
        PyObject_VAR_HEAD
        PyObject *ob_item[NUM_KEYWORDS];
    } _kwtuple = {
        .ob_base = PyVarObject_HEAD_INIT(&PyTuple_Type, NUM_KEYWORDS)
        .ob_item = { &_Py_ID(blocking), &_Py_ID(timeout), },
    };
    #undef NUM_KEYWORDS
    #define KWTUPLE (&_kwtuple.ob_base.ob_base)

    #else  // !Py_BUILD_CORE
    #  define KWTUPLE NULL
    #endif  // !Py_BUILD_CORE

    static const char * const _keywords[] = {"blocking", "timeout", NULL};
    static _PyArg_Parser _parser = {
        .keywords = _keywords,
        .fname = "acquire",
        .kwtuple = KWTUPLE,
    };
    #undef KWTUPLE
    PyObject *argsbuf[2];
    Py_ssize_t noptargs = nargs + (kwnames ? PyTuple_GET_SIZE(kwnames) : 0) - 0;
    int blocking = 1;
    PyObject *timeout_obj = Py_None;

    args = _PyArg_UnpackKeywords(args, nargs, NULL, kwnames, &_parser, 0, 2, 0, argsbuf);
    if (!args) {
        goto exit;
    }
    if (!noptargs) {
        goto skip_optional_pos;
    }
    if (args[0]) {
        blocking = PyObject_IsTrue(args[0]);
        if (blocking < 0) {
            goto exit;
        }
        if (!--noptargs) {
            goto skip_optional_pos;
        }
    }
    timeout_obj = args[1];
skip_optional_pos:
    return_value = _interpsync_Semaphore_acquire_impl(self, blocking, timeout_obj);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpsync_Semaphore___enter____doc__,
"__enter__($self, /)\n"
"--\n"
"\n"
"Decrement the counter (waiting while it is zero).");

#define _INTERPSYNC_SEMAPHORE___ENTER___METHODDEF    \
    {"__enter__", (PyCFunction)_interpsync_Semaphore___enter__, METH_NOARGS, _interpsync_Semaphore___enter____doc__},

static PyObject *
_interpsync_Semaphore___enter___impl(syncobject *self);

static PyObject *
_interpsync_Semaphore___enter__(syncobject *self, PyObject *Py_UNUSED(ignored))
{
    return _interpsync_Semaphore___enter___impl(self);
}

PyDoc_STRVAR(_interpsync_Semaphore_release__doc__,
"release($self, /, n=1)\n"
"--\n"
"\n"
"Add \"n\" to the counter and wake the threads waiting for it.\n"
"\n"
"A BoundedSemaphore raises ValueError when the counter would go above\n"
"its initial value.");

#define _INTERPSYNC_SEMAPHORE_RELEASE_METHODDEF    \
    {"release", _PyCFunction_CAST(_interpsync_Semaphore_release), METH_FASTCALL|METH_KEYWORDS, _interpsync_Semaphore_release__doc__},

static PyObject *
_interpsync_Semaphore_release_impl(syncobject *self, Py_ssize_t n);

static PyObject *
_interpsync_Semaphore_release(syncobject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *return_value = NULL;
    #if defined(Py_BUILD_CORE) && !defined(Py_BUILD_CORE_MODULE)

    #define NUM_KEYWORDS 1
    static struct {
        PyGC_Head _this_is_not_used;
        PyObject_VAR_HEAD
        PyObject *ob_item[NUM_KEYWORDS];
    } _kwtuple = {
        .ob_base = PyVarObject_HEAD_INIT(&PyTuple_Type, NUM_KEYWORDS)
        .ob_item = { _Py_LATIN1_CHR('n'), },
    };
    #undef NUM_KEYWORDS
    #define KWTUPLE (&_kwtuple.ob_base.ob_base)

    #else  // !Py_BUILD_CORE
    #  define KWTUPLE NULL
    #endif  // !Py_BUILD_CORE

    static const char * const _keywords[] = {"n", NULL};
    static _PyArg_Parser _parser = {
        .keywords = _keywords,
        .fname = "release",
        .kwtuple = KWTUPLE,
    };
    #undef KWTUPLE
    PyObject *argsbuf[1];
    Py_ssize_t noptargs = nargs + (kwnames ? PyTuple_GET_SIZE(kwnames) : 0) - 0;
    Py_ssize_t n = 1;

    args = _PyArg_UnpackKeywords(args, nargs, NULL, kwnames, &_parser, 0, 1, 0, argsbuf);
    if (!args) {
        goto exit;
    }
    if (!noptargs) {
        goto skip_optional_pos;
    }
    {
        Py_ssize_t ival = -1;
        PyObject *iobj = _PyNumber_Index(args[0]);
        if (iobj != NULL) {
            ival = PyLong_AsSsize_t(iobj);
            Py_DECREF(iobj);
        }
        if (ival == -1 && PyErr_Occurred()) {
            goto exit;
        }
        n = ival;
    }
skip_optional_pos:
    return_value = _interpsync_Semaphore_release_impl(self, n);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpsync_Semaphore___exit____doc__,
"__exit__($self, /, *args)\n"
"--\n"
"\n"
"Release the semaphore (add 1 to the counter).");

#define _INTERPSYNC_SEMAPHORE___EXIT___METHODDEF    \
    {"__exit__", _PyCFunction_CAST(_interpsync_Semaphore___exit__), METH_FASTCALL, _interpsync_Semaphore___exit____doc__},

static PyObject *
_interpsync_Semaphore___exit___impl(syncobject *self, PyObject *args);

static PyObject *
_interpsync_Semaphore___exit__(syncobject *self, PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *return_value = NULL;
    PyObject *__clinic_args = NULL;

    if (!_PyArg_CheckPositional("__exit__", nargs, 0, PY_SSIZE_T_MAX)) {
        goto exit;
    }
    __clinic_args = PyTuple_New(nargs - 0);
    if (!__clinic_args) {
        goto exit;
    }
    for (Py_ssize_t i = 0; i < nargs - 0; ++i) {
        PyTuple_SET_ITEM(__clinic_args, i, Py_NewRef(args[0 + i]));
    }
    return_value = _interpsync_Semaphore___exit___impl(self, __clinic_args);

exit:
    Py_XDECREF(__clinic_args);
    return return_value;
}

PyDoc_STRVAR(_interpsync_Condition__doc__,
"Condition(lock=None)\n"
"--\n"
"\n"
"A condition variable that every interpreter sees (threading.Condition).\n"
"\n"
"\"lock\" must be a Lock or an RLock of concurrent.interpreters; by\n"
"default a new RLock is made.  The condition\'s acquire(), release() and\n"
"\"with\" act on that lock.");

static PyObject *
_interpsync_Condition_impl(PyTypeObject *type, PyObject *lock);

static PyObject *
_interpsync_Condition(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    PyObject *return_value = NULL;
    #if defined(Py_BUILD_CORE) && !defined(Py_BUILD_CORE_MODULE)

    #define NUM_KEYWORDS 1
    static struct {
        PyGC_Head _this_is_not_used;
        PyObject_VAR_HEAD
        PyObject *ob_item[NUM_KEYWORDS];
    } _kwtuple = {
        .ob_base = PyVarObject_HEAD_INIT(&PyTuple_Type, NUM_KEYWORDS)
        .ob_item = { &_Py_ID(lock), },
    };
    #undef NUM_KEYWORDS
    #define KWTUPLE (&_kwtuple.ob_base.ob_base)

    #else  // !Py_BUILD_CORE
    #  define KWTUPLE NULL
    #endif  // !Py_BUILD_CORE

    static const char * const _keywords[] = {"lock", NULL};
    static _PyArg_Parser _parser = {
        .keywords = _keywords,
        .fname = "Condition",
        .kwtuple = KWTUPLE,
    };
    #undef KWTUPLE
    PyObject *argsbuf[1];
    PyObject * const *fastargs;
    Py_ssize_t nargs = PyTuple_GET_SIZE(args);
    Py_ssize_t noptargs = nargs + (kwargs ? PyDict_GET_SIZE(kwargs) : 0) - 0;
    PyObject *lock = Py_None;

    fastargs = _PyArg_UnpackKeywords(_PyTuple_CAST(args)->ob_item, nargs, kwargs, NULL, &_parser, 0, 1, 0, argsbuf);
    if (!fastargs) {
        goto exit;
    }
    if (!noptargs) {
        goto skip_optional_pos;
    }
    lock = fastargs[0];
skip_optional_pos:
    return_value = _interpsync_Condition_impl(type, lock);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpsync_Condition_wait__doc__,
"wait($self, /, timeout=None)\n"
"--\n"
"\n"
"Release the lock, wait until notified or timed out, then re-acquire it.\n"
"\n"
"The lock must be held (RuntimeError otherwise).  Return True when\n"
"notified, False on timeout.  The lock is held again on return, even\n"
"when the wait was interrupted, and even when the notifying thread\'s\n"
"interpreter was closed while it held the lock.");

#define _INTERPSYNC_CONDITION_WAIT_METHODDEF    \
    {"wait", _PyCFunction_CAST(_interpsync_Condition_wait), METH_FASTCALL|METH_KEYWORDS, _interpsync_Condition_wait__doc__},

static PyObject *
_interpsync_Condition_wait_impl(condobject *self, PyObject *timeout_obj);

static PyObject *
_interpsync_Condition_wait(condobject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *return_value = NULL;
    #if defined(Py_BUILD_CORE) && !defined(Py_BUILD_CORE_MODULE)

    #define NUM_KEYWORDS 1
    static struct {
        PyGC_Head _this_is_not_used;
        PyObject_VAR_HEAD
        PyObject *ob_item[NUM_KEYWORDS];
    } _kwtuple = {
        .ob_base = PyVarObject_HEAD_INIT(&PyTuple_Type, NUM_KEYWORDS)
        .ob_item = { &_Py_ID(timeout), },
    };
    #undef NUM_KEYWORDS
    #define KWTUPLE (&_kwtuple.ob_base.ob_base)

    #else  // !Py_BUILD_CORE
    #  define KWTUPLE NULL
    #endif  // !Py_BUILD_CORE

    static const char * const _keywords[] = {"timeout", NULL};
    static _PyArg_Parser _parser = {
        .keywords = _keywords,
        .fname = "wait",
        .kwtuple = KWTUPLE,
    };
    #undef KWTUPLE
    PyObject *argsbuf[1];
    Py_ssize_t noptargs = nargs + (kwnames ? PyTuple_GET_SIZE(kwnames) : 0) - 0;
    PyObject *timeout_obj = Py_None;

    args = _PyArg_UnpackKeywords(args, nargs, NULL, kwnames, &_parser, 0, 1, 0, argsbuf);
    if (!args) {
        goto exit;
    }
    if (!noptargs) {
        goto skip_optional_pos;
    }
    timeout_obj = args[0];
skip_optional_pos:
    return_value = _interpsync_Condition_wait_impl(self, timeout_obj);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpsync_Condition_wait_for__doc__,
"wait_for($self, /, predicate, timeout=None)\n"
"--\n"
"\n"
"Wait until the predicate (a callable) is true, or the timeout runs out.\n"
"\n"
"Return the predicate\'s last result, as threading.Condition.wait_for().");

#define _INTERPSYNC_CONDITION_WAIT_FOR_METHODDEF    \
    {"wait_for", _PyCFunction_CAST(_interpsync_Condition_wait_for), METH_FASTCALL|METH_KEYWORDS, _interpsync_Condition_wait_for__doc__},

static PyObject *
_interpsync_Condition_wait_for_impl(condobject *self, PyObject *predicate,
                                    PyObject *timeout_obj);

static PyObject *
_interpsync_Condition_wait_for(condobject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *return_value = NULL;
    #if defined(Py_BUILD_CORE) && !defined(Py_BUILD_CORE_MODULE)

    #define NUM_KEYWORDS 2
    static struct {
        PyGC_Head _this_is_not_used;
        PyObject_VAR_HEAD
        PyObject *ob_item[NUM_KEYWORDS];
    } _kwtuple = {
        .ob_base = PyVarObject_HEAD_INIT(&PyTuple_Type, NUM_KEYWORDS)
        .ob_item = { &_Py_ID(predicate), &_Py_ID(timeout), },
    };
    #undef NUM_KEYWORDS
    #define KWTUPLE (&_kwtuple.ob_base.ob_base)

    #else  // !Py_BUILD_CORE
    #  define KWTUPLE NULL
    #endif  // !Py_BUILD_CORE

    static const char * const _keywords[] = {"predicate", "timeout", NULL};
    static _PyArg_Parser _parser = {
        .keywords = _keywords,
        .fname = "wait_for",
        .kwtuple = KWTUPLE,
    };
    #undef KWTUPLE
    PyObject *argsbuf[2];
    Py_ssize_t noptargs = nargs + (kwnames ? PyTuple_GET_SIZE(kwnames) : 0) - 1;
    PyObject *predicate;
    PyObject *timeout_obj = Py_None;

    args = _PyArg_UnpackKeywords(args, nargs, NULL, kwnames, &_parser, 1, 2, 0, argsbuf);
    if (!args) {
        goto exit;
    }
    predicate = args[0];
    if (!noptargs) {
        goto skip_optional_pos;
    }
    timeout_obj = args[1];
skip_optional_pos:
    return_value = _interpsync_Condition_wait_for_impl(self, predicate, timeout_obj);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpsync_Condition_notify__doc__,
"notify($self, /, n=1)\n"
"--\n"
"\n"
"Wake up at most \"n\" threads waiting on the condition.\n"
"\n"
"The lock must be held (RuntimeError otherwise).");

#define _INTERPSYNC_CONDITION_NOTIFY_METHODDEF    \
    {"notify", _PyCFunction_CAST(_interpsync_Condition_notify), METH_FASTCALL|METH_KEYWORDS, _interpsync_Condition_notify__doc__},

static PyObject *
_interpsync_Condition_notify_impl(condobject *self, Py_ssize_t n);

static PyObject *
_interpsync_Condition_notify(condobject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *return_value = NULL;
    #if defined(Py_BUILD_CORE) && !defined(Py_BUILD_CORE_MODULE)

    #define NUM_KEYWORDS 1
    static struct {
        PyGC_Head _this_is_not_used;
        PyObject_VAR_HEAD
        PyObject *ob_item[NUM_KEYWORDS];
    } _kwtuple = {
        .ob_base = PyVarObject_HEAD_INIT(&PyTuple_Type, NUM_KEYWORDS)
        .ob_item = { _Py_LATIN1_CHR('n'), },
    };
    #undef NUM_KEYWORDS
    #define KWTUPLE (&_kwtuple.ob_base.ob_base)

    #else  // !Py_BUILD_CORE
    #  define KWTUPLE NULL
    #endif  // !Py_BUILD_CORE

    static const char * const _keywords[] = {"n", NULL};
    static _PyArg_Parser _parser = {
        .keywords = _keywords,
        .fname = "notify",
        .kwtuple = KWTUPLE,
    };
    #undef KWTUPLE
    PyObject *argsbuf[1];
    Py_ssize_t noptargs = nargs + (kwnames ? PyTuple_GET_SIZE(kwnames) : 0) - 0;
    Py_ssize_t n = 1;

    args = _PyArg_UnpackKeywords(args, nargs, NULL, kwnames, &_parser, 0, 1, 0, argsbuf);
    if (!args) {
        goto exit;
    }
    if (!noptargs) {
        goto skip_optional_pos;
    }
    {
        Py_ssize_t ival = -1;
        PyObject *iobj = _PyNumber_Index(args[0]);
        if (iobj != NULL) {
            ival = PyLong_AsSsize_t(iobj);
            Py_DECREF(iobj);
        }
        if (ival == -1 && PyErr_Occurred()) {
            goto exit;
        }
        n = ival;
    }
skip_optional_pos:
    return_value = _interpsync_Condition_notify_impl(self, n);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpsync_Condition_notify_all__doc__,
"notify_all($self, /)\n"
"--\n"
"\n"
"Wake up every thread waiting on the condition.\n"
"\n"
"The lock must be held (RuntimeError otherwise).");

#define _INTERPSYNC_CONDITION_NOTIFY_ALL_METHODDEF    \
    {"notify_all", (PyCFunction)_interpsync_Condition_notify_all, METH_NOARGS, _interpsync_Condition_notify_all__doc__},

static PyObject *
_interpsync_Condition_notify_all_impl(condobject *self);

static PyObject *
_interpsync_Condition_notify_all(condobject *self, PyObject *Py_UNUSED(ignored))
{
    return _interpsync_Condition_notify_all_impl(self);
}

PyDoc_STRVAR(_interpsync_Condition__is_owned__doc__,
"_is_owned($self, /)\n"
"--\n"
"\n"
"Return whether the condition\'s lock is held (by this thread, for an RLock).");

#define _INTERPSYNC_CONDITION__IS_OWNED_METHODDEF    \
    {"_is_owned", (PyCFunction)_interpsync_Condition__is_owned, METH_NOARGS, _interpsync_Condition__is_owned__doc__},

static PyObject *
_interpsync_Condition__is_owned_impl(condobject *self);

static PyObject *
_interpsync_Condition__is_owned(condobject *self, PyObject *Py_UNUSED(ignored))
{
    return _interpsync_Condition__is_owned_impl(self);
}

PyDoc_STRVAR(_interpsync_Barrier__doc__,
"Barrier(parties, action=None, timeout=None)\n"
"--\n"
"\n"
"A barrier for \"parties\" threads that every interpreter sees.\n"
"\n"
"As threading.Barrier: each wait() blocks until \"parties\" threads (of\n"
"any interpreters) are waiting, then all of them go on.  \"timeout\" is\n"
"the default for wait().  \"action\" must be None: a callable cannot\n"
"cross interpreters (TypeError otherwise); run the code in the thread\n"
"whose wait() returns 0 instead.");

static PyObject *
_interpsync_Barrier_impl(PyTypeObject *type, Py_ssize_t parties,
                         PyObject *action, PyObject *timeout_obj);

static PyObject *
_interpsync_Barrier(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    PyObject *return_value = NULL;
    #if defined(Py_BUILD_CORE) && !defined(Py_BUILD_CORE_MODULE)

    #define NUM_KEYWORDS 3
    static struct {
        PyGC_Head _this_is_not_used;
        PyObject_VAR_HEAD
        PyObject *ob_item[NUM_KEYWORDS];
    } _kwtuple = {
        .ob_base = PyVarObject_HEAD_INIT(&PyTuple_Type, NUM_KEYWORDS)
        .ob_item = { &_Py_ID(parties), &_Py_ID(action), &_Py_ID(timeout), },
    };
    #undef NUM_KEYWORDS
    #define KWTUPLE (&_kwtuple.ob_base.ob_base)

    #else  // !Py_BUILD_CORE
    #  define KWTUPLE NULL
    #endif  // !Py_BUILD_CORE

    static const char * const _keywords[] = {"parties", "action", "timeout", NULL};
    static _PyArg_Parser _parser = {
        .keywords = _keywords,
        .fname = "Barrier",
        .kwtuple = KWTUPLE,
    };
    #undef KWTUPLE
    PyObject *argsbuf[3];
    PyObject * const *fastargs;
    Py_ssize_t nargs = PyTuple_GET_SIZE(args);
    Py_ssize_t noptargs = nargs + (kwargs ? PyDict_GET_SIZE(kwargs) : 0) - 1;
    Py_ssize_t parties;
    PyObject *action = Py_None;
    PyObject *timeout_obj = Py_None;

    fastargs = _PyArg_UnpackKeywords(_PyTuple_CAST(args)->ob_item, nargs, kwargs, NULL, &_parser, 1, 3, 0, argsbuf);
    if (!fastargs) {
        goto exit;
    }
    {
        Py_ssize_t ival = -1;
        PyObject *iobj = _PyNumber_Index(fastargs[0]);
        if (iobj != NULL) {
            ival = PyLong_AsSsize_t(iobj);
            Py_DECREF(iobj);
        }
        if (ival == -1 && PyErr_Occurred()) {
            goto exit;
        }
        parties = ival;
    }
    if (!noptargs) {
        goto skip_optional_pos;
    }
    if (fastargs[1]) {
        action = fastargs[1];
        if (!--noptargs) {
            goto skip_optional_pos;
        }
    }
    timeout_obj = fastargs[2];
skip_optional_pos:
    return_value = _interpsync_Barrier_impl(type, parties, action, timeout_obj);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpsync_Barrier_wait__doc__,
"wait($self, /, timeout=None)\n"
"--\n"
"\n"
"Wait until \"parties\" threads wait, and return this thread\'s index.\n"
"\n"
"The index is an int from 0 to parties - 1, different for each thread.\n"
"If the timeout (by default the barrier\'s own) runs out, the barrier is\n"
"broken; a broken barrier (abort(), or reset() while threads wait)\n"
"raises threading.BrokenBarrierError.");

#define _INTERPSYNC_BARRIER_WAIT_METHODDEF    \
    {"wait", _PyCFunction_CAST(_interpsync_Barrier_wait), METH_FASTCALL|METH_KEYWORDS, _interpsync_Barrier_wait__doc__},

static PyObject *
_interpsync_Barrier_wait_impl(syncobject *self, PyObject *timeout_obj);

static PyObject *
_interpsync_Barrier_wait(syncobject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *return_value = NULL;
    #if defined(Py_BUILD_CORE) && !defined(Py_BUILD_CORE_MODULE)

    #define NUM_KEYWORDS 1
    static struct {
        PyGC_Head _this_is_not_used;
        PyObject_VAR_HEAD
        PyObject *ob_item[NUM_KEYWORDS];
    } _kwtuple = {
        .ob_base = PyVarObject_HEAD_INIT(&PyTuple_Type, NUM_KEYWORDS)
        .ob_item = { &_Py_ID(timeout), },
    };
    #undef NUM_KEYWORDS
    #define KWTUPLE (&_kwtuple.ob_base.ob_base)

    #else  // !Py_BUILD_CORE
    #  define KWTUPLE NULL
    #endif  // !Py_BUILD_CORE

    static const char * const _keywords[] = {"timeout", NULL};
    static _PyArg_Parser _parser = {
        .keywords = _keywords,
        .fname = "wait",
        .kwtuple = KWTUPLE,
    };
    #undef KWTUPLE
    PyObject *argsbuf[1];
    Py_ssize_t noptargs = nargs + (kwnames ? PyTuple_GET_SIZE(kwnames) : 0) - 0;
    PyObject *timeout_obj = Py_None;

    args = _PyArg_UnpackKeywords(args, nargs, NULL, kwnames, &_parser, 0, 1, 0, argsbuf);
    if (!args) {
        goto exit;
    }
    if (!noptargs) {
        goto skip_optional_pos;
    }
    timeout_obj = args[0];
skip_optional_pos:
    return_value = _interpsync_Barrier_wait_impl(self, timeout_obj);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpsync_Barrier_reset__doc__,
"reset($self, /)\n"
"--\n"
"\n"
"Return the barrier to its empty state.\n"
"\n"
"Threads waiting on it get threading.BrokenBarrierError.");

#define _INTERPSYNC_BARRIER_RESET_METHODDEF    \
    {"reset", (PyCFunction)_interpsync_Barrier_reset, METH_NOARGS, _interpsync_Barrier_reset__doc__},

static PyObject *
_interpsync_Barrier_reset_impl(syncobject *self);

static PyObject *
_interpsync_Barrier_reset(syncobject *self, PyObject *Py_UNUSED(ignored))
{
    return _interpsync_Barrier_reset_impl(self);
}

PyDoc_STRVAR(_interpsync_Barrier_abort__doc__,
"abort($self, /)\n"
"--\n"
"\n"
"Break the barrier: every wait(), now or later, raises BrokenBarrierError.\n"
"\n"
"reset() makes it usable again.");

#define _INTERPSYNC_BARRIER_ABORT_METHODDEF    \
    {"abort", (PyCFunction)_interpsync_Barrier_abort, METH_NOARGS, _interpsync_Barrier_abort__doc__},

static PyObject *
_interpsync_Barrier_abort_impl(syncobject *self);

static PyObject *
_interpsync_Barrier_abort(syncobject *self, PyObject *Py_UNUSED(ignored))
{
    return _interpsync_Barrier_abort_impl(self);
}

PyDoc_STRVAR(_interpsync__rebuild__doc__,
"_rebuild($module, id, pid, /)\n"
"--\n"
"\n"
"Return this interpreter\'s object for the primitive with the id.\n"
"\n"
"Used to unpickle a primitive made in the process \"pid\"; the first load\n"
"of a pickle drops the reference that the pickle held.");

#define _INTERPSYNC__REBUILD_METHODDEF    \
    {"_rebuild", _PyCFunction_CAST(_interpsync__rebuild), METH_FASTCALL, _interpsync__rebuild__doc__},

static PyObject *
_interpsync__rebuild_impl(PyObject *module, long long id, long pid);

static PyObject *
_interpsync__rebuild(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *return_value = NULL;
    long long id;
    long pid;

    if (!_PyArg_CheckPositional("_rebuild", nargs, 2, 2)) {
        goto exit;
    }
    id = PyLong_AsLongLong(args[0]);
    if (id == -1 && PyErr_Occurred()) {
        goto exit;
    }
    pid = PyLong_AsLong(args[1]);
    if (pid == -1 && PyErr_Occurred()) {
        goto exit;
    }
    return_value = _interpsync__rebuild_impl(module, id, pid);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpsync__count__doc__,
"_count($module, /)\n"
"--\n"
"\n"
"Return the number of live primitives and held pickles (for tests).");

#define _INTERPSYNC__COUNT_METHODDEF    \
    {"_count", (PyCFunction)_interpsync__count, METH_NOARGS, _interpsync__count__doc__},

static PyObject *
_interpsync__count_impl(PyObject *module);

static PyObject *
_interpsync__count(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    return _interpsync__count_impl(module);
}
/*[clinic end generated code: output=4f8d3d5d93d66c38 input=a9049054013a1b77]*/
