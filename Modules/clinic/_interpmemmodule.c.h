/*[clinic input]
preserve
[clinic start generated code]*/

#if defined(Py_BUILD_CORE) && !defined(Py_BUILD_CORE_MODULE)
#  include "pycore_gc.h"          // PyGC_Head
#  include "pycore_runtime.h"     // _Py_ID()
#endif
#include "pycore_abstract.h"      // _PyNumber_Index()
#include "pycore_modsupport.h"    // _PyArg_CheckPositional()

PyDoc_STRVAR(sharedbuffer_new__doc__,
"SharedBuffer(size, /)\n"
"--\n"
"\n"
"A fixed-size block of zeroed memory shared between interpreters.\n"
"\n"
"The memory is allocated outside any interpreter, aligned to 64 bytes,\n"
"and lives while any interpreter holds the buffer or a view of it.  A\n"
"SharedBuffer is shareable: every interpreter that receives one (by\n"
"prepare_main(), call() arguments and results, queues, channels, ...)\n"
"sees the same bytes.\n"
"\n"
"It supports the writable buffer protocol (memoryview(buf)), len(buf),\n"
"buf[i], buf[a:b] (a bytes copy) and item and slice assignment of the\n"
"same length.  atomics() gives sequentially consistent access to its\n"
"elements; see the memory model in the documentation of\n"
"concurrent.interpreters.");

static PyObject *
sharedbuffer_new_impl(PyTypeObject *type, PyObject *size);

static PyObject *
sharedbuffer_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    PyObject *return_value = NULL;
    PyTypeObject *base_tp = find_state_by_type(type)->SharedBuffer_type;
    PyObject *size;

    if ((type == base_tp || type->tp_init == base_tp->tp_init) &&
        !_PyArg_NoKeywords("SharedBuffer", kwargs)) {
        goto exit;
    }
    if (!_PyArg_CheckPositional("SharedBuffer", PyTuple_GET_SIZE(args), 1, 1)) {
        goto exit;
    }
    size = PyTuple_GET_ITEM(args, 0);
    return_value = sharedbuffer_new_impl(type, size);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpmem_SharedBuffer_atomics__doc__,
"atomics($self, /, format=\'q\')\n"
"--\n"
"\n"
"Return a view of the buffer as an array of integers for atomic access.\n"
"\n"
"format is \'q\' (64-bit signed integers) or \'i\' (32-bit signed integers).\n"
"The view has len(buf) // itemsize elements, indexed by element.  Every\n"
"operation on it is sequentially consistent and never tears.");

#define _INTERPMEM_SHAREDBUFFER_ATOMICS_METHODDEF    \
    {"atomics", _PyCFunction_CAST(_interpmem_SharedBuffer_atomics), METH_FASTCALL|METH_KEYWORDS, _interpmem_SharedBuffer_atomics__doc__},

static PyObject *
_interpmem_SharedBuffer_atomics_impl(SharedBufferObject *self,
                                     const char *format);

static PyObject *
_interpmem_SharedBuffer_atomics(SharedBufferObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
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
        .ob_item = { &_Py_ID(format), },
    };
    #undef NUM_KEYWORDS
    #define KWTUPLE (&_kwtuple.ob_base.ob_base)

    #else  // !Py_BUILD_CORE
    #  define KWTUPLE NULL
    #endif  // !Py_BUILD_CORE

    static const char * const _keywords[] = {"format", NULL};
    static _PyArg_Parser _parser = {
        .keywords = _keywords,
        .fname = "atomics",
        .kwtuple = KWTUPLE,
    };
    #undef KWTUPLE
    PyObject *argsbuf[1];
    Py_ssize_t noptargs = nargs + (kwnames ? PyTuple_GET_SIZE(kwnames) : 0) - 0;
    const char *format = "q";

    args = _PyArg_UnpackKeywords(args, nargs, NULL, kwnames, &_parser, 0, 1, 0, argsbuf);
    if (!args) {
        goto exit;
    }
    if (!noptargs) {
        goto skip_optional_pos;
    }
    if (!PyUnicode_Check(args[0])) {
        _PyArg_BadArgument("atomics", "argument 'format'", "str", args[0]);
        goto exit;
    }
    Py_ssize_t format_length;
    format = PyUnicode_AsUTF8AndSize(args[0], &format_length);
    if (format == NULL) {
        goto exit;
    }
    if (strlen(format) != (size_t)format_length) {
        PyErr_SetString(PyExc_ValueError, "embedded null character");
        goto exit;
    }
skip_optional_pos:
    return_value = _interpmem_SharedBuffer_atomics_impl(self, format);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpmem_SharedBuffer___reduce____doc__,
"__reduce__($self, /)\n"
"--\n"
"\n"
"Pickle support: a one-shot hold on the memory, loaded once.");

#define _INTERPMEM_SHAREDBUFFER___REDUCE___METHODDEF    \
    {"__reduce__", (PyCFunction)_interpmem_SharedBuffer___reduce__, METH_NOARGS, _interpmem_SharedBuffer___reduce____doc__},

static PyObject *
_interpmem_SharedBuffer___reduce___impl(SharedBufferObject *self);

static PyObject *
_interpmem_SharedBuffer___reduce__(SharedBufferObject *self, PyObject *Py_UNUSED(ignored))
{
    return _interpmem_SharedBuffer___reduce___impl(self);
}

PyDoc_STRVAR(_interpmem__rebuild_buffer__doc__,
"_rebuild_buffer($module, hold, /)\n"
"--\n"
"\n"
"Load a pickled SharedBuffer (see SharedBuffer.__reduce__()).");

#define _INTERPMEM__REBUILD_BUFFER_METHODDEF    \
    {"_rebuild_buffer", (PyCFunction)_interpmem__rebuild_buffer, METH_O, _interpmem__rebuild_buffer__doc__},

static PyObject *
_interpmem__rebuild_buffer_impl(PyObject *module, long long hold);

static PyObject *
_interpmem__rebuild_buffer(PyObject *module, PyObject *arg)
{
    PyObject *return_value = NULL;
    long long hold;

    hold = PyLong_AsLongLong(arg);
    if (hold == -1 && PyErr_Occurred()) {
        goto exit;
    }
    return_value = _interpmem__rebuild_buffer_impl(module, hold);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpmem_Atomics_load__doc__,
"load($self, index, /)\n"
"--\n"
"\n"
"Return the element at index.");

#define _INTERPMEM_ATOMICS_LOAD_METHODDEF    \
    {"load", (PyCFunction)_interpmem_Atomics_load, METH_O, _interpmem_Atomics_load__doc__},

static PyObject *
_interpmem_Atomics_load_impl(AtomicsObject *self, Py_ssize_t index);

static PyObject *
_interpmem_Atomics_load(AtomicsObject *self, PyObject *arg)
{
    PyObject *return_value = NULL;
    Py_ssize_t index;

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
        index = ival;
    }
    return_value = _interpmem_Atomics_load_impl(self, index);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpmem_Atomics_store__doc__,
"store($self, index, value, /)\n"
"--\n"
"\n"
"Set the element at index to value; return value.");

#define _INTERPMEM_ATOMICS_STORE_METHODDEF    \
    {"store", _PyCFunction_CAST(_interpmem_Atomics_store), METH_FASTCALL, _interpmem_Atomics_store__doc__},

static PyObject *
_interpmem_Atomics_store_impl(AtomicsObject *self, Py_ssize_t index,
                              PyObject *value);

static PyObject *
_interpmem_Atomics_store(AtomicsObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *return_value = NULL;
    Py_ssize_t index;
    PyObject *value;

    if (!_PyArg_CheckPositional("store", nargs, 2, 2)) {
        goto exit;
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
        index = ival;
    }
    value = args[1];
    return_value = _interpmem_Atomics_store_impl(self, index, value);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpmem_Atomics_add__doc__,
"add($self, index, value, /)\n"
"--\n"
"\n"
"Add value to the element at index; return the old value.");

#define _INTERPMEM_ATOMICS_ADD_METHODDEF    \
    {"add", _PyCFunction_CAST(_interpmem_Atomics_add), METH_FASTCALL, _interpmem_Atomics_add__doc__},

static PyObject *
_interpmem_Atomics_add_impl(AtomicsObject *self, Py_ssize_t index,
                            PyObject *value);

static PyObject *
_interpmem_Atomics_add(AtomicsObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *return_value = NULL;
    Py_ssize_t index;
    PyObject *value;

    if (!_PyArg_CheckPositional("add", nargs, 2, 2)) {
        goto exit;
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
        index = ival;
    }
    value = args[1];
    return_value = _interpmem_Atomics_add_impl(self, index, value);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpmem_Atomics_sub__doc__,
"sub($self, index, value, /)\n"
"--\n"
"\n"
"Subtract value from the element at index; return the old value.");

#define _INTERPMEM_ATOMICS_SUB_METHODDEF    \
    {"sub", _PyCFunction_CAST(_interpmem_Atomics_sub), METH_FASTCALL, _interpmem_Atomics_sub__doc__},

static PyObject *
_interpmem_Atomics_sub_impl(AtomicsObject *self, Py_ssize_t index,
                            PyObject *value);

static PyObject *
_interpmem_Atomics_sub(AtomicsObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *return_value = NULL;
    Py_ssize_t index;
    PyObject *value;

    if (!_PyArg_CheckPositional("sub", nargs, 2, 2)) {
        goto exit;
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
        index = ival;
    }
    value = args[1];
    return_value = _interpmem_Atomics_sub_impl(self, index, value);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpmem_Atomics_and___doc__,
"and_($self, index, value, /)\n"
"--\n"
"\n"
"Bitwise-and value into the element at index; return the old value.");

#define _INTERPMEM_ATOMICS_AND__METHODDEF    \
    {"and_", _PyCFunction_CAST(_interpmem_Atomics_and_), METH_FASTCALL, _interpmem_Atomics_and___doc__},

static PyObject *
_interpmem_Atomics_and__impl(AtomicsObject *self, Py_ssize_t index,
                             PyObject *value);

static PyObject *
_interpmem_Atomics_and_(AtomicsObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *return_value = NULL;
    Py_ssize_t index;
    PyObject *value;

    if (!_PyArg_CheckPositional("and_", nargs, 2, 2)) {
        goto exit;
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
        index = ival;
    }
    value = args[1];
    return_value = _interpmem_Atomics_and__impl(self, index, value);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpmem_Atomics_or___doc__,
"or_($self, index, value, /)\n"
"--\n"
"\n"
"Bitwise-or value into the element at index; return the old value.");

#define _INTERPMEM_ATOMICS_OR__METHODDEF    \
    {"or_", _PyCFunction_CAST(_interpmem_Atomics_or_), METH_FASTCALL, _interpmem_Atomics_or___doc__},

static PyObject *
_interpmem_Atomics_or__impl(AtomicsObject *self, Py_ssize_t index,
                            PyObject *value);

static PyObject *
_interpmem_Atomics_or_(AtomicsObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *return_value = NULL;
    Py_ssize_t index;
    PyObject *value;

    if (!_PyArg_CheckPositional("or_", nargs, 2, 2)) {
        goto exit;
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
        index = ival;
    }
    value = args[1];
    return_value = _interpmem_Atomics_or__impl(self, index, value);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpmem_Atomics_xor__doc__,
"xor($self, index, value, /)\n"
"--\n"
"\n"
"Bitwise-xor value into the element at index; return the old value.");

#define _INTERPMEM_ATOMICS_XOR_METHODDEF    \
    {"xor", _PyCFunction_CAST(_interpmem_Atomics_xor), METH_FASTCALL, _interpmem_Atomics_xor__doc__},

static PyObject *
_interpmem_Atomics_xor_impl(AtomicsObject *self, Py_ssize_t index,
                            PyObject *value);

static PyObject *
_interpmem_Atomics_xor(AtomicsObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *return_value = NULL;
    Py_ssize_t index;
    PyObject *value;

    if (!_PyArg_CheckPositional("xor", nargs, 2, 2)) {
        goto exit;
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
        index = ival;
    }
    value = args[1];
    return_value = _interpmem_Atomics_xor_impl(self, index, value);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpmem_Atomics_exchange__doc__,
"exchange($self, index, value, /)\n"
"--\n"
"\n"
"Set the element at index to value; return the old value.");

#define _INTERPMEM_ATOMICS_EXCHANGE_METHODDEF    \
    {"exchange", _PyCFunction_CAST(_interpmem_Atomics_exchange), METH_FASTCALL, _interpmem_Atomics_exchange__doc__},

static PyObject *
_interpmem_Atomics_exchange_impl(AtomicsObject *self, Py_ssize_t index,
                                 PyObject *value);

static PyObject *
_interpmem_Atomics_exchange(AtomicsObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *return_value = NULL;
    Py_ssize_t index;
    PyObject *value;

    if (!_PyArg_CheckPositional("exchange", nargs, 2, 2)) {
        goto exit;
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
        index = ival;
    }
    value = args[1];
    return_value = _interpmem_Atomics_exchange_impl(self, index, value);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpmem_Atomics_compare_exchange__doc__,
"compare_exchange($self, index, expected, desired, /)\n"
"--\n"
"\n"
"Set the element at index to desired if it equals expected.\n"
"\n"
"Return the old value: the exchange happened if it equals expected.");

#define _INTERPMEM_ATOMICS_COMPARE_EXCHANGE_METHODDEF    \
    {"compare_exchange", _PyCFunction_CAST(_interpmem_Atomics_compare_exchange), METH_FASTCALL, _interpmem_Atomics_compare_exchange__doc__},

static PyObject *
_interpmem_Atomics_compare_exchange_impl(AtomicsObject *self,
                                         Py_ssize_t index,
                                         PyObject *expected,
                                         PyObject *desired);

static PyObject *
_interpmem_Atomics_compare_exchange(AtomicsObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *return_value = NULL;
    Py_ssize_t index;
    PyObject *expected;
    PyObject *desired;

    if (!_PyArg_CheckPositional("compare_exchange", nargs, 3, 3)) {
        goto exit;
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
        index = ival;
    }
    expected = args[1];
    desired = args[2];
    return_value = _interpmem_Atomics_compare_exchange_impl(self, index, expected, desired);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpmem_Atomics_wait__doc__,
"wait($self, index, expected, /, timeout=None)\n"
"--\n"
"\n"
"Wait until notified, if the element at index equals expected.\n"
"\n"
"Return \'not-equal\' at once if the element differs from expected,\n"
"\'ok\' when woken by notify(), or \'timed-out\' after timeout seconds\n"
"(None: no limit).  The check and the sleep are atomic with respect to\n"
"notify(): a notify() after a store that changed the element cannot be\n"
"missed.  Waits with the GIL released, without polling; a signal\n"
"(Ctrl-C) interrupts it in the main thread.");

#define _INTERPMEM_ATOMICS_WAIT_METHODDEF    \
    {"wait", _PyCFunction_CAST(_interpmem_Atomics_wait), METH_FASTCALL|METH_KEYWORDS, _interpmem_Atomics_wait__doc__},

static PyObject *
_interpmem_Atomics_wait_impl(AtomicsObject *self, Py_ssize_t index,
                             PyObject *expected, PyObject *timeout);

static PyObject *
_interpmem_Atomics_wait(AtomicsObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
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

    static const char * const _keywords[] = {"", "", "timeout", NULL};
    static _PyArg_Parser _parser = {
        .keywords = _keywords,
        .fname = "wait",
        .kwtuple = KWTUPLE,
    };
    #undef KWTUPLE
    PyObject *argsbuf[3];
    Py_ssize_t noptargs = nargs + (kwnames ? PyTuple_GET_SIZE(kwnames) : 0) - 2;
    Py_ssize_t index;
    PyObject *expected;
    PyObject *timeout = Py_None;

    args = _PyArg_UnpackKeywords(args, nargs, NULL, kwnames, &_parser, 2, 3, 0, argsbuf);
    if (!args) {
        goto exit;
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
        index = ival;
    }
    expected = args[1];
    if (!noptargs) {
        goto skip_optional_pos;
    }
    timeout = args[2];
skip_optional_pos:
    return_value = _interpmem_Atomics_wait_impl(self, index, expected, timeout);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpmem_Atomics_notify__doc__,
"notify($self, index, /, count=None)\n"
"--\n"
"\n"
"Wake up to count threads waiting on the element at index (None: all).\n"
"\n"
"Return the number of threads woken.  Only threads already waiting are\n"
"woken: notify() does not wake a wait() that starts after it returns.");

#define _INTERPMEM_ATOMICS_NOTIFY_METHODDEF    \
    {"notify", _PyCFunction_CAST(_interpmem_Atomics_notify), METH_FASTCALL|METH_KEYWORDS, _interpmem_Atomics_notify__doc__},

static PyObject *
_interpmem_Atomics_notify_impl(AtomicsObject *self, Py_ssize_t index,
                               PyObject *count);

static PyObject *
_interpmem_Atomics_notify(AtomicsObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
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
        .ob_item = { &_Py_ID(count), },
    };
    #undef NUM_KEYWORDS
    #define KWTUPLE (&_kwtuple.ob_base.ob_base)

    #else  // !Py_BUILD_CORE
    #  define KWTUPLE NULL
    #endif  // !Py_BUILD_CORE

    static const char * const _keywords[] = {"", "count", NULL};
    static _PyArg_Parser _parser = {
        .keywords = _keywords,
        .fname = "notify",
        .kwtuple = KWTUPLE,
    };
    #undef KWTUPLE
    PyObject *argsbuf[2];
    Py_ssize_t noptargs = nargs + (kwnames ? PyTuple_GET_SIZE(kwnames) : 0) - 1;
    Py_ssize_t index;
    PyObject *count = Py_None;

    args = _PyArg_UnpackKeywords(args, nargs, NULL, kwnames, &_parser, 1, 2, 0, argsbuf);
    if (!args) {
        goto exit;
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
        index = ival;
    }
    if (!noptargs) {
        goto skip_optional_pos;
    }
    count = args[1];
skip_optional_pos:
    return_value = _interpmem_Atomics_notify_impl(self, index, count);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpmem_transfer__doc__,
"transfer($module, obj, /)\n"
"--\n"
"\n"
"Move obj\'s memory into a one-shot token for another interpreter.\n"
"\n"
"obj is a bytearray or an array.array (not a subclass).  It is left\n"
"empty at once.  Where the token arrives in another interpreter (queues,\n"
"channels, call() arguments and results, prepare_main(), also inside\n"
"pickled containers), it becomes an object of obj\'s type holding the\n"
"same memory, without a copy (blocks of up to 512 bytes are copied:\n"
"they belong to the sender\'s allocator).  A token can be received once;\n"
"receiving it again raises RuntimeError.  Memory of a token dropped\n"
"unreceived is freed.\n"
"\n"
"Raises BufferError if obj has live buffer exports (e.g. a memoryview),\n"
"leaving it untouched, and TypeError for other types.");

#define _INTERPMEM_TRANSFER_METHODDEF    \
    {"transfer", (PyCFunction)_interpmem_transfer, METH_O, _interpmem_transfer__doc__},

PyDoc_STRVAR(_interpmem_TransferToken_receive__doc__,
"receive($self, /)\n"
"--\n"
"\n"
"Receive the token in this interpreter: return the moved object.\n"
"\n"
"Raises RuntimeError if the token was already received.");

#define _INTERPMEM_TRANSFERTOKEN_RECEIVE_METHODDEF    \
    {"receive", (PyCFunction)_interpmem_TransferToken_receive, METH_NOARGS, _interpmem_TransferToken_receive__doc__},

static PyObject *
_interpmem_TransferToken_receive_impl(TransferTokenObject *self);

static PyObject *
_interpmem_TransferToken_receive(TransferTokenObject *self, PyObject *Py_UNUSED(ignored))
{
    return _interpmem_TransferToken_receive_impl(self);
}

PyDoc_STRVAR(_interpmem_TransferToken___reduce____doc__,
"__reduce__($self, /)\n"
"--\n"
"\n"
"Pickle support: a one-shot hold on the moved memory.");

#define _INTERPMEM_TRANSFERTOKEN___REDUCE___METHODDEF    \
    {"__reduce__", (PyCFunction)_interpmem_TransferToken___reduce__, METH_NOARGS, _interpmem_TransferToken___reduce____doc__},

static PyObject *
_interpmem_TransferToken___reduce___impl(TransferTokenObject *self);

static PyObject *
_interpmem_TransferToken___reduce__(TransferTokenObject *self, PyObject *Py_UNUSED(ignored))
{
    return _interpmem_TransferToken___reduce___impl(self);
}

PyDoc_STRVAR(_interpmem__receive_pickled__doc__,
"_receive_pickled($module, hold, /)\n"
"--\n"
"\n"
"Load a pickled transfer() token (see TransferToken.__reduce__()).");

#define _INTERPMEM__RECEIVE_PICKLED_METHODDEF    \
    {"_receive_pickled", (PyCFunction)_interpmem__receive_pickled, METH_O, _interpmem__receive_pickled__doc__},

static PyObject *
_interpmem__receive_pickled_impl(PyObject *module, long long hold);

static PyObject *
_interpmem__receive_pickled(PyObject *module, PyObject *arg)
{
    PyObject *return_value = NULL;
    long long hold;

    hold = PyLong_AsLongLong(arg);
    if (hold == -1 && PyErr_Occurred()) {
        goto exit;
    }
    return_value = _interpmem__receive_pickled_impl(module, hold);

exit:
    return return_value;
}

PyDoc_STRVAR(_interpmem__live_counts__doc__,
"_live_counts($module, /)\n"
"--\n"
"\n"
"Return (blocks, moved): SharedBuffer memory blocks and transfer() memory alive in the process.");

#define _INTERPMEM__LIVE_COUNTS_METHODDEF    \
    {"_live_counts", (PyCFunction)_interpmem__live_counts, METH_NOARGS, _interpmem__live_counts__doc__},

static PyObject *
_interpmem__live_counts_impl(PyObject *module);

static PyObject *
_interpmem__live_counts(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    return _interpmem__live_counts_impl(module);
}

PyDoc_STRVAR(_interpmem__allocated_blocks__doc__,
"_allocated_blocks($module, /)\n"
"--\n"
"\n"
"Return the number of memory blocks allocated by the current interpreter\'s obmalloc state.\n"
"\n"
"For the tests of transfer(): a moved block leaves the sender\'s count and\n"
"joins the receiver\'s.");

#define _INTERPMEM__ALLOCATED_BLOCKS_METHODDEF    \
    {"_allocated_blocks", (PyCFunction)_interpmem__allocated_blocks, METH_NOARGS, _interpmem__allocated_blocks__doc__},

static PyObject *
_interpmem__allocated_blocks_impl(PyObject *module);

static PyObject *
_interpmem__allocated_blocks(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    return _interpmem__allocated_blocks_impl(module);
}
/*[clinic end generated code: output=33ddabb99e2367d2 input=a9049054013a1b77]*/
