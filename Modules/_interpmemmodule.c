/* _interpmem: memory shared between interpreters, and zero-copy transfer.

   The public API is in Lib/concurrent/interpreters/; this module holds
   SharedBuffer, its atomics view, and transfer tokens.

   What crosses interpreters is never a Python object but one of two
   structs allocated with the raw allocator, each with an atomic
   reference count:

   - _block: the memory of a SharedBuffer.  Every SharedBuffer object, in
     any interpreter, and every cross-interpreter data (xidata) or pickle
     hold of one, owns a reference.  A memoryview of a SharedBuffer holds
     the SharedBuffer object, so the memory lives while any view does.

   - _moved: the memory taken from a bytearray or array.array by
     transfer().  The token objects and their xidata or pickle holds own
     references; the first interpreter that receives the token "claims"
     the memory and builds an object of the original type around it.

   The per-interpreter objects are heap types of the module state.  The
   only process-wide state is the table of pickle holds (_holds below):
   a pickle is bytes, so what it names must be found by id. */

#ifndef Py_BUILD_CORE_BUILTIN
#  define Py_BUILD_CORE_MODULE 1
#endif

#include "Python.h"
#include "pycore_crossinterp.h"   // _PyCrossInterpreterData
#include "pycore_lock.h"          // PyMutex
#include <stdbool.h>               // bool, for pycore_obmalloc.h
#include "pycore_obmalloc.h"      // _PyInterpreterState_GetAllocatedBlocks()
#include "pycore_parking_lot.h"   // _PyParkingLot_Park()
#include "pycore_pymem.h"         // _PyMem_MoveOutBlock()
#include "pycore_time.h"          // _PyDeadline_Init()

#define REGISTERS_HEAP_TYPES
#include "_interpreters_common.h"
#undef REGISTERS_HEAP_TYPES


#define MODULE_NAME _interpmem
#define MODULE_NAME_STR Py_STRINGIFY(MODULE_NAME)
#define MODINIT_FUNC_NAME RESOLVE_MODINIT_FUNC_NAME(MODULE_NAME)

// The base address of a SharedBuffer is aligned to this many bytes.
#define BLOCK_ALIGNMENT 64


/* module state *************************************************************/

typedef struct {
    PyTypeObject *SharedBuffer_type;
    PyTypeObject *Atomics_type;
    PyTypeObject *TransferToken_type;
    PyObject *array_type;   // array.array, imported on first use
} module_state;

static struct PyModuleDef moduledef;

static inline module_state *
get_module_state(PyObject *mod)
{
    void *state = PyModule_GetState(mod);
    assert(state != NULL);
    return (module_state *)state;
}

static module_state *
find_state_by_type(PyTypeObject *cls)
{
    PyObject *mod = PyType_GetModuleByDef(cls, &moduledef);
    if (mod == NULL) {
        return NULL;
    }
    return get_module_state(mod);
}

/* The module state of the current interpreter, importing the module there
   if needed (new_object functions run in the receiving interpreter).
   Returns a new reference to the module in *p_mod. */
static module_state *
import_state(PyObject **p_mod)
{
    PyObject *mod = PyImport_ImportModule(MODULE_NAME_STR);
    if (mod == NULL) {
        return NULL;
    }
    *p_mod = mod;
    return get_module_state(mod);
}


/* The number of live _block and _moved structs in the process, for the
   lifetime tests (_interpmem._live_counts()). */
static Py_ssize_t _live_blocks = 0;
static Py_ssize_t _live_moved = 0;


/* shared blocks ************************************************************/

typedef struct {
    Py_ssize_t refcount;    // atomic
    Py_ssize_t size;
    char *data;             // aligned to BLOCK_ALIGNMENT
    void *base;             // what PyMem_RawCalloc() returned
} _block;

static _block *
block_new(Py_ssize_t size)
{
    assert(size > 0);
    if (size > PY_SSIZE_T_MAX - BLOCK_ALIGNMENT) {
        PyErr_NoMemory();
        return NULL;
    }
    _block *block = PyMem_RawMalloc(sizeof(_block));
    if (block == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    // calloc() gives zeroed pages without writing them.
    void *base = PyMem_RawCalloc(1, (size_t)size + BLOCK_ALIGNMENT - 1);
    if (base == NULL) {
        PyMem_RawFree(block);
        PyErr_NoMemory();
        return NULL;
    }
    uintptr_t addr = (uintptr_t)base;
    addr = (addr + BLOCK_ALIGNMENT - 1) & ~(uintptr_t)(BLOCK_ALIGNMENT - 1);
    block->refcount = 1;
    block->size = size;
    block->data = (char *)addr;
    block->base = base;
    (void)_Py_atomic_add_ssize(&_live_blocks, 1);
    return block;
}

static void
block_incref(_block *block)
{
    (void)_Py_atomic_add_ssize(&block->refcount, 1);
}

// Needs no thread state: it may be called by an xidata's free function.
static void
block_decref(_block *block)
{
    Py_ssize_t old = _Py_atomic_add_ssize(&block->refcount, -1);
    assert(old > 0);
    if (old == 1) {
        PyMem_RawFree(block->base);
        PyMem_RawFree(block);
        (void)_Py_atomic_add_ssize(&_live_blocks, -1);
    }
}


/* moved memory (transfer tokens) *******************************************/

enum moved_kind {
    MOVED_BYTEARRAY = 1,
    MOVED_ARRAY = 2,
};

enum moved_domain {
    // mem is our own copy, from PyMem_RawMalloc() (small or unmovable
    // blocks; a block of the sender's arenas must not be freed by another
    // interpreter).
    MOVED_RAW = 1,
    // mem is the object's own block, of the PyMem domain, which any
    // interpreter may free (see _PyMem_MoveOutBlock()).
    MOVED_MEM = 2,
};

typedef struct {
    Py_ssize_t refcount;    // atomic
    int claimed;            // atomic: 0, then 1 once received
    int kind;               // enum moved_kind
    int domain;             // enum moved_domain
    int accounted;          // _PyMem_MoveInBlock() is owed for mem
    Py_UCS4 typecode;       // MOVED_ARRAY
    Py_ssize_t itemsize;    // MOVED_ARRAY
    char *mem;              // owned until claimed; NULL if empty
    Py_ssize_t offset;      // MOVED_BYTEARRAY: ob_start - ob_bytes
    Py_ssize_t size;        // length in items (bytes for a bytearray)
    Py_ssize_t alloc;       // ob_alloc or allocated (MOVED_MEM)
} _moved;

static void
moved_free_mem(_moved *moved)
{
    char *mem = moved->mem;
    moved->mem = NULL;
    if (mem == NULL) {
        return;
    }
    if (moved->domain == MOVED_RAW) {
        PyMem_RawFree(mem);
        return;
    }
    /* A block of the PyMem domain is freed by PyMem_Free(), which needs
       an attached thread state (the debug hooks check it).  The xidata
       free functions and the token's dealloc are called with one; if
       there is none, the block is leaked rather than freed unsafely. */
    if (PyThreadState_GetUnchecked() == NULL) {
        return;
    }
    if (moved->accounted) {
        _PyMem_MoveInBlock();
        moved->accounted = 0;
    }
    PyMem_Free(mem);
}

static void
moved_incref(_moved *moved)
{
    (void)_Py_atomic_add_ssize(&moved->refcount, 1);
}

static void
moved_decref(_moved *moved)
{
    Py_ssize_t old = _Py_atomic_add_ssize(&moved->refcount, -1);
    assert(old > 0);
    if (old == 1) {
        moved_free_mem(moved);
        PyMem_RawFree(moved);
        (void)_Py_atomic_add_ssize(&_live_moved, -1);
    }
}


/* pickle holds *************************************************************/

/* A SharedBuffer or a token inside a container that is pickled to cross
   interpreters (a list put in a queue, call() arguments, executor tasks)
   is pickled as the id of a hold: a reference to its _block or _moved,
   kept here until the pickle is loaded, once, in any interpreter of the
   process.  A pickle that is never loaded keeps its memory until the
   process exits. */

enum hold_kind {
    HOLD_BLOCK = 1,
    HOLD_MOVED = 2,
};

typedef struct _hold {
    int64_t id;
    int kind;
    void *ptr;
    struct _hold *next;
} _hold;

static struct {
    PyMutex mutex;
    int64_t next_id;
    _hold *head;
} _holds = {0};

// Take over a reference to ptr; return the id, or -1 with an exception.
static int64_t
hold_add(int kind, void *ptr)
{
    _hold *hold = PyMem_RawMalloc(sizeof(_hold));
    if (hold == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    hold->kind = kind;
    hold->ptr = ptr;
    PyMutex_Lock(&_holds.mutex);
    hold->id = ++_holds.next_id;
    hold->next = _holds.head;
    _holds.head = hold;
    PyMutex_Unlock(&_holds.mutex);
    return hold->id;
}

// Give back the reference held by id, or NULL if there is no such hold.
static void *
hold_take(int64_t id, int kind)
{
    void *ptr = NULL;
    _hold *found = NULL;
    PyMutex_Lock(&_holds.mutex);
    _hold **p_hold = &_holds.head;
    while (*p_hold != NULL) {
        if ((*p_hold)->id == id && (*p_hold)->kind == kind) {
            found = *p_hold;
            *p_hold = found->next;
            break;
        }
        p_hold = &(*p_hold)->next;
    }
    PyMutex_Unlock(&_holds.mutex);
    if (found != NULL) {
        ptr = found->ptr;
        PyMem_RawFree(found);
    }
    return ptr;
}


/* SharedBuffer *************************************************************/

typedef struct {
    PyObject_HEAD
    _block *block;
} SharedBufferObject;

typedef struct {
    PyObject_HEAD
    PyObject *buffer;       // the SharedBuffer, which keeps the memory
    char *data;
    Py_ssize_t length;      // in elements
    char format;            // 'q' or 'i'
} AtomicsObject;

typedef struct {
    PyObject_HEAD
    _moved *moved;
} TransferTokenObject;

#include "clinic/_interpmemmodule.c.h"

/*[clinic input]
module _interpmem
class _interpmem.SharedBuffer "SharedBufferObject *" "find_state_by_type(type)->SharedBuffer_type"
class _interpmem.Atomics "AtomicsObject *" "find_state_by_type(type)->Atomics_type"
class _interpmem.TransferToken "TransferTokenObject *" "find_state_by_type(type)->TransferToken_type"
[clinic start generated code]*/
/*[clinic end generated code: output=da39a3ee5e6b4b0d input=bfd4e663e2cb9ee7]*/

// Take over a reference to block.
static PyObject *
sharedbuffer_from_block(PyTypeObject *type, _block *block)
{
    SharedBufferObject *self = (SharedBufferObject *)type->tp_alloc(type, 0);
    if (self == NULL) {
        block_decref(block);
        return NULL;
    }
    self->block = block;
    return (PyObject *)self;
}

/*[clinic input]
@classmethod
_interpmem.SharedBuffer.__new__ as sharedbuffer_new

    size: object
    /

A fixed-size block of zeroed memory shared between interpreters.

The memory is allocated outside any interpreter, aligned to 64 bytes,
and lives while any interpreter holds the buffer or a view of it.  A
SharedBuffer is shareable: every interpreter that receives one (by
prepare_main(), call() arguments and results, queues, channels, ...)
sees the same bytes.

It supports the writable buffer protocol (memoryview(buf)), len(buf),
buf[i], buf[a:b] (a bytes copy) and item and slice assignment of the
same length.  atomics() gives sequentially consistent access to its
elements; see the memory model in the documentation of
concurrent.interpreters.
[clinic start generated code]*/

static PyObject *
sharedbuffer_new_impl(PyTypeObject *type, PyObject *size)
/*[clinic end generated code: output=54873bf3b0c63753 input=c92e733e94c5e19e]*/
{
    if (!PyIndex_Check(size)) {
        PyErr_Format(PyExc_TypeError,
                     "SharedBuffer() size must be an int, not %.100s",
                     Py_TYPE(size)->tp_name);
        return NULL;
    }
    PyObject *index = PyNumber_Index(size);
    if (index == NULL) {
        return NULL;
    }
    int overflow = 0;
    long long value = PyLong_AsLongLongAndOverflow(index, &overflow);
    Py_DECREF(index);
    if (value == -1 && PyErr_Occurred()) {
        return NULL;
    }
    if (overflow < 0 || (overflow == 0 && value <= 0)) {
        PyErr_SetString(PyExc_ValueError,
                        "SharedBuffer() size must be greater than 0");
        return NULL;
    }
    if (overflow > 0 || value > PY_SSIZE_T_MAX) {
        return PyErr_NoMemory();
    }
    _block *block = block_new((Py_ssize_t)value);
    if (block == NULL) {
        return NULL;
    }
    return sharedbuffer_from_block(type, block);
}

static void
sharedbuffer_dealloc(SharedBufferObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    if (self->block != NULL) {
        block_decref(self->block);
        self->block = NULL;
    }
    tp->tp_free(self);
    Py_DECREF(tp);
}

static PyObject *
sharedbuffer_repr(SharedBufferObject *self)
{
    return PyUnicode_FromFormat("<%s size=%zd at %p>",
                                _PyType_Name(Py_TYPE(self)),
                                self->block->size, self->block->data);
}

static int
sharedbuffer_getbuffer(SharedBufferObject *self, Py_buffer *view, int flags)
{
    return PyBuffer_FillInfo(view, (PyObject *)self, self->block->data,
                             self->block->size, 0, flags);
}

static Py_ssize_t
sharedbuffer_length(SharedBufferObject *self)
{
    return self->block->size;
}

static PyObject *
sharedbuffer_subscript(SharedBufferObject *self, PyObject *key)
{
    PyObject *view = PyMemoryView_FromObject((PyObject *)self);
    if (view == NULL) {
        return NULL;
    }
    PyObject *res = PyObject_GetItem(view, key);
    if (res != NULL && PyMemoryView_Check(res)) {
        // A slice: a copy, so that no view is left behind by accident.
        PyObject *bytes = PyBytes_FromObject(res);
        Py_SETREF(res, bytes);
    }
    Py_DECREF(view);
    return res;
}

static int
sharedbuffer_ass_subscript(SharedBufferObject *self, PyObject *key,
                           PyObject *value)
{
    if (value == NULL) {
        PyErr_SetString(PyExc_TypeError,
                        "SharedBuffer items cannot be deleted");
        return -1;
    }
    PyObject *view = PyMemoryView_FromObject((PyObject *)self);
    if (view == NULL) {
        return -1;
    }
    int res = PyObject_SetItem(view, key, value);
    Py_DECREF(view);
    return res;
}

/*[clinic input]
_interpmem.SharedBuffer.atomics

    format: str = 'q'

Return a view of the buffer as an array of integers for atomic access.

format is 'q' (64-bit signed integers) or 'i' (32-bit signed integers).
The view has len(buf) // itemsize elements, indexed by element.  Every
operation on it is sequentially consistent and never tears.
[clinic start generated code]*/

static PyObject *
_interpmem_SharedBuffer_atomics_impl(SharedBufferObject *self,
                                     const char *format)
/*[clinic end generated code: output=d2c4c85ee7cdf035 input=c28864abf0142ae6]*/
{
    Py_ssize_t itemsize;
    if (strcmp(format, "q") == 0) {
        itemsize = 8;
    }
    else if (strcmp(format, "i") == 0) {
        itemsize = 4;
    }
    else {
        PyErr_Format(PyExc_ValueError,
                     "atomics() format must be 'q' or 'i', not '%s'",
                     format);
        return NULL;
    }
    module_state *state = find_state_by_type(Py_TYPE(self));
    if (state == NULL) {
        return NULL;
    }
    PyTypeObject *type = state->Atomics_type;
    AtomicsObject *atomics = (AtomicsObject *)type->tp_alloc(type, 0);
    if (atomics == NULL) {
        return NULL;
    }
    atomics->buffer = Py_NewRef(self);
    atomics->data = self->block->data;
    atomics->length = self->block->size / itemsize;
    atomics->format = format[0];
    return (PyObject *)atomics;
}

/*[clinic input]
_interpmem.SharedBuffer.__reduce__

Pickle support: a one-shot hold on the memory, loaded once.
[clinic start generated code]*/

static PyObject *
_interpmem_SharedBuffer___reduce___impl(SharedBufferObject *self)
/*[clinic end generated code: output=f1f1898c26577950 input=0fc12d94312be426]*/
{
    PyObject *mod = PyType_GetModuleByDef(Py_TYPE(self), &moduledef);
    if (mod == NULL) {
        return NULL;
    }
    PyObject *rebuild = PyObject_GetAttrString(mod, "_rebuild_buffer");
    if (rebuild == NULL) {
        return NULL;
    }
    block_incref(self->block);
    int64_t id = hold_add(HOLD_BLOCK, self->block);
    if (id < 0) {
        block_decref(self->block);
        Py_DECREF(rebuild);
        return NULL;
    }
    return Py_BuildValue("N(L)", rebuild, (long long)id);
}

static PyMethodDef sharedbuffer_methods[] = {
    _INTERPMEM_SHAREDBUFFER_ATOMICS_METHODDEF
    _INTERPMEM_SHAREDBUFFER___REDUCE___METHODDEF
    {NULL, NULL}
};

static PyType_Slot sharedbuffer_slots[] = {
    {Py_tp_new, sharedbuffer_new},
    {Py_tp_dealloc, sharedbuffer_dealloc},
    {Py_tp_repr, sharedbuffer_repr},
    {Py_tp_doc, (void *)sharedbuffer_new__doc__},
    {Py_tp_methods, sharedbuffer_methods},
    {Py_bf_getbuffer, sharedbuffer_getbuffer},
    {Py_sq_length, sharedbuffer_length},
    {Py_mp_length, sharedbuffer_length},
    {Py_mp_subscript, sharedbuffer_subscript},
    {Py_mp_ass_subscript, sharedbuffer_ass_subscript},
    {0, NULL},
};

static PyType_Spec sharedbuffer_spec = {
    .name = MODULE_NAME_STR ".SharedBuffer",
    .basicsize = sizeof(SharedBufferObject),
    .flags = (Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE),
    .slots = sharedbuffer_slots,
};

static PyObject *
sharedbuffer_from_xid(_PyCrossInterpreterData *data)
{
    _block *block = (_block *)_PyCrossInterpreterData_DATA(data);
    PyObject *mod = NULL;
    module_state *state = import_state(&mod);
    if (state == NULL) {
        return NULL;
    }
    block_incref(block);
    PyObject *obj = sharedbuffer_from_block(state->SharedBuffer_type, block);
    Py_DECREF(mod);
    return obj;
}

static void
sharedbuffer_xid_free(void *data)
{
    block_decref((_block *)data);
}

static int
sharedbuffer_shared(PyThreadState *tstate, PyObject *obj,
                    _PyCrossInterpreterData *data)
{
    _block *block = ((SharedBufferObject *)obj)->block;
    block_incref(block);
    _PyCrossInterpreterData_Init(data, tstate->interp, block, NULL,
                                 sharedbuffer_from_xid);
    _PyCrossInterpreterData_SET_FREE(data, sharedbuffer_xid_free);
    return 0;
}

/*[clinic input]
_interpmem._rebuild_buffer

    hold: long_long
    /

Load a pickled SharedBuffer (see SharedBuffer.__reduce__()).
[clinic start generated code]*/

static PyObject *
_interpmem__rebuild_buffer_impl(PyObject *module, long long hold)
/*[clinic end generated code: output=c34aafedb7c30a8a input=cb026e9eae832046]*/
{
    _block *block = hold_take(hold, HOLD_BLOCK);
    if (block == NULL) {
        PyErr_SetString(PyExc_RuntimeError,
                        "this pickled SharedBuffer was already loaded "
                        "(a pickle of one can be loaded once)");
        return NULL;
    }
    module_state *state = get_module_state(module);
    return sharedbuffer_from_block(state->SharedBuffer_type, block);
}


/* Atomics ******************************************************************/

static void
atomics_dealloc(AtomicsObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    Py_CLEAR(self->buffer);
    tp->tp_free(self);
    Py_DECREF(tp);
}

static int
atomics_traverse(AtomicsObject *self, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(self->buffer);
    return 0;
}

static int
atomics_clear(AtomicsObject *self)
{
    // The buffer holds no references: nothing to break.  The data stays
    // valid until dealloc.
    return 0;
}

static PyObject *
atomics_repr(AtomicsObject *self)
{
    return PyUnicode_FromFormat("<%s format='%c' len=%zd at %p>",
                                _PyType_Name(Py_TYPE(self)), self->format,
                                self->length, self->data);
}

static Py_ssize_t
atomics_length(AtomicsObject *self)
{
    return self->length;
}

/* Return the address of element "index", or NULL with IndexError. */
static void *
atomics_element(AtomicsObject *self, Py_ssize_t index)
{
    if (index < 0 || index >= self->length) {
        PyErr_Format(PyExc_IndexError,
                     "atomics index %zd out of range (length %zd)",
                     index, self->length);
        return NULL;
    }
    return self->data + index * (self->format == 'q' ? 8 : 4);
}

/* Convert an int to the element type; OverflowError if it doesn't fit. */
static int
atomics_value(AtomicsObject *self, PyObject *obj, int64_t *value)
{
    if (!PyIndex_Check(obj)) {
        PyErr_Format(PyExc_TypeError,
                     "atomics value must be an int, not %.100s",
                     Py_TYPE(obj)->tp_name);
        return -1;
    }
    PyObject *index = PyNumber_Index(obj);
    if (index == NULL) {
        return -1;
    }
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(index, &overflow);
    Py_DECREF(index);
    if (v == -1 && PyErr_Occurred()) {
        return -1;
    }
    if (overflow != 0
        || (self->format == 'i' && (v < INT32_MIN || v > INT32_MAX)))
    {
        PyErr_Format(PyExc_OverflowError,
                     "value out of range for atomics format '%c' "
                     "(%d-bit signed integers)",
                     self->format, self->format == 'q' ? 64 : 32);
        return -1;
    }
    *value = (int64_t)v;
    return 0;
}

enum atomic_op {
    OP_ADD, OP_SUB, OP_AND, OP_OR, OP_XOR, OP_EXCHANGE,
};

/* Arithmetic wraps around (two's complement), as in JavaScript; it is
   done on unsigned integers, where wrapping is defined. */
static PyObject *
atomics_rmw(AtomicsObject *self, Py_ssize_t index, PyObject *vobj,
            enum atomic_op op)
{
    void *addr = atomics_element(self, index);
    if (addr == NULL) {
        return NULL;
    }
    int64_t value;
    if (atomics_value(self, vobj, &value) < 0) {
        return NULL;
    }
    if (self->format == 'q') {
        uint64_t *p = (uint64_t *)addr;
        uint64_t v = (uint64_t)value;
        uint64_t old;
        switch (op) {
        case OP_ADD: old = _Py_atomic_add_uint64(p, v); break;
        case OP_SUB: old = _Py_atomic_add_uint64(p, (uint64_t)0 - v); break;
        case OP_AND: old = _Py_atomic_and_uint64(p, v); break;
        case OP_OR: old = _Py_atomic_or_uint64(p, v); break;
        case OP_XOR:
            old = _Py_atomic_load_uint64(p);
            while (!_Py_atomic_compare_exchange_uint64(p, &old, old ^ v)) {
            }
            break;
        case OP_EXCHANGE: old = _Py_atomic_exchange_uint64(p, v); break;
        default: Py_UNREACHABLE();
        }
        return PyLong_FromLongLong((long long)(int64_t)old);
    }
    else {
        uint32_t *p = (uint32_t *)addr;
        uint32_t v = (uint32_t)(int32_t)value;
        uint32_t old;
        switch (op) {
        case OP_ADD: old = _Py_atomic_add_uint32(p, v); break;
        case OP_SUB: old = _Py_atomic_add_uint32(p, (uint32_t)0 - v); break;
        case OP_AND: old = _Py_atomic_and_uint32(p, v); break;
        case OP_OR: old = _Py_atomic_or_uint32(p, v); break;
        case OP_XOR:
            old = _Py_atomic_load_uint32(p);
            while (!_Py_atomic_compare_exchange_uint32(p, &old, old ^ v)) {
            }
            break;
        case OP_EXCHANGE: old = _Py_atomic_exchange_uint32(p, v); break;
        default: Py_UNREACHABLE();
        }
        return PyLong_FromLong((long)(int32_t)old);
    }
}

/*[clinic input]
_interpmem.Atomics.load

    index: Py_ssize_t
    /

Return the element at index.
[clinic start generated code]*/

static PyObject *
_interpmem_Atomics_load_impl(AtomicsObject *self, Py_ssize_t index)
/*[clinic end generated code: output=856a9cb050a69c5a input=349dbf5ff3fc6dfb]*/
{
    void *addr = atomics_element(self, index);
    if (addr == NULL) {
        return NULL;
    }
    if (self->format == 'q') {
        return PyLong_FromLongLong(_Py_atomic_load_int64((int64_t *)addr));
    }
    return PyLong_FromLong(_Py_atomic_load_int32((int32_t *)addr));
}

/*[clinic input]
_interpmem.Atomics.store

    index: Py_ssize_t
    value: object
    /

Set the element at index to value; return value.
[clinic start generated code]*/

static PyObject *
_interpmem_Atomics_store_impl(AtomicsObject *self, Py_ssize_t index,
                              PyObject *value)
/*[clinic end generated code: output=e52b84da02f1bff8 input=57f8d21de60bd690]*/
{
    void *addr = atomics_element(self, index);
    if (addr == NULL) {
        return NULL;
    }
    int64_t v;
    if (atomics_value(self, value, &v) < 0) {
        return NULL;
    }
    if (self->format == 'q') {
        _Py_atomic_store_int64((int64_t *)addr, v);
        return PyLong_FromLongLong(v);
    }
    _Py_atomic_store_int32((int32_t *)addr, (int32_t)v);
    return PyLong_FromLong((long)v);
}

/*[clinic input]
_interpmem.Atomics.add

    index: Py_ssize_t
    value: object
    /

Add value to the element at index; return the old value.
[clinic start generated code]*/

static PyObject *
_interpmem_Atomics_add_impl(AtomicsObject *self, Py_ssize_t index,
                            PyObject *value)
/*[clinic end generated code: output=73ba149fc9a66c0f input=5c8630b48f80c249]*/
{
    return atomics_rmw(self, index, value, OP_ADD);
}

/*[clinic input]
_interpmem.Atomics.sub

    index: Py_ssize_t
    value: object
    /

Subtract value from the element at index; return the old value.
[clinic start generated code]*/

static PyObject *
_interpmem_Atomics_sub_impl(AtomicsObject *self, Py_ssize_t index,
                            PyObject *value)
/*[clinic end generated code: output=2ecb08dae91922b9 input=7c4fd128b118d689]*/
{
    return atomics_rmw(self, index, value, OP_SUB);
}

/*[clinic input]
_interpmem.Atomics.and_

    index: Py_ssize_t
    value: object
    /

Bitwise-and value into the element at index; return the old value.
[clinic start generated code]*/

static PyObject *
_interpmem_Atomics_and__impl(AtomicsObject *self, Py_ssize_t index,
                             PyObject *value)
/*[clinic end generated code: output=0bdb7176791f8f16 input=ae795a16e036f904]*/
{
    return atomics_rmw(self, index, value, OP_AND);
}

/*[clinic input]
_interpmem.Atomics.or_

    index: Py_ssize_t
    value: object
    /

Bitwise-or value into the element at index; return the old value.
[clinic start generated code]*/

static PyObject *
_interpmem_Atomics_or__impl(AtomicsObject *self, Py_ssize_t index,
                            PyObject *value)
/*[clinic end generated code: output=fcf953382e741474 input=0e44f5c7531e4079]*/
{
    return atomics_rmw(self, index, value, OP_OR);
}

/*[clinic input]
_interpmem.Atomics.xor

    index: Py_ssize_t
    value: object
    /

Bitwise-xor value into the element at index; return the old value.
[clinic start generated code]*/

static PyObject *
_interpmem_Atomics_xor_impl(AtomicsObject *self, Py_ssize_t index,
                            PyObject *value)
/*[clinic end generated code: output=ea5233f715e0eb2f input=ec5bfc80340275ae]*/
{
    return atomics_rmw(self, index, value, OP_XOR);
}

/*[clinic input]
_interpmem.Atomics.exchange

    index: Py_ssize_t
    value: object
    /

Set the element at index to value; return the old value.
[clinic start generated code]*/

static PyObject *
_interpmem_Atomics_exchange_impl(AtomicsObject *self, Py_ssize_t index,
                                 PyObject *value)
/*[clinic end generated code: output=d895a3059a8acc10 input=efc2cccd6f08c34c]*/
{
    return atomics_rmw(self, index, value, OP_EXCHANGE);
}

/*[clinic input]
_interpmem.Atomics.compare_exchange

    index: Py_ssize_t
    expected: object
    desired: object
    /

Set the element at index to desired if it equals expected.

Return the old value: the exchange happened if it equals expected.
[clinic start generated code]*/

static PyObject *
_interpmem_Atomics_compare_exchange_impl(AtomicsObject *self,
                                         Py_ssize_t index,
                                         PyObject *expected,
                                         PyObject *desired)
/*[clinic end generated code: output=af3c831d91562727 input=b68ed46016206769]*/
{
    void *addr = atomics_element(self, index);
    if (addr == NULL) {
        return NULL;
    }
    int64_t exp, des;
    if (atomics_value(self, expected, &exp) < 0
        || atomics_value(self, desired, &des) < 0)
    {
        return NULL;
    }
    if (self->format == 'q') {
        // On failure, exp is set to the current value.
        (void)_Py_atomic_compare_exchange_int64((int64_t *)addr, &exp, des);
        return PyLong_FromLongLong(exp);
    }
    int32_t exp32 = (int32_t)exp;
    (void)_Py_atomic_compare_exchange_int32((int32_t *)addr, &exp32,
                                            (int32_t)des);
    return PyLong_FromLong(exp32);
}

/* A waiter's park argument: the notify() calls that started before it
   parked have smaller tickets (see atomics_notify). */
typedef struct {
    uint64_t ticket;
} _waiter;

// Process-wide, like the parking lot itself.
static uint64_t _notify_ticket = 0;

/*[clinic input]
_interpmem.Atomics.wait

    index: Py_ssize_t
    expected: object
    /
    timeout: object = None

Wait until notified, if the element at index equals expected.

Return 'not-equal' at once if the element differs from expected,
'ok' when woken by notify(), or 'timed-out' after timeout seconds
(None: no limit).  The check and the sleep are atomic with respect to
notify(): a notify() after a store that changed the element cannot be
missed.  Waits with the GIL released, without polling; a signal
(Ctrl-C) interrupts it in the main thread.
[clinic start generated code]*/

static PyObject *
_interpmem_Atomics_wait_impl(AtomicsObject *self, Py_ssize_t index,
                             PyObject *expected, PyObject *timeout)
/*[clinic end generated code: output=dea4b8182f1cd256 input=8cab2fa76c949da9]*/
{
    void *addr = atomics_element(self, index);
    if (addr == NULL) {
        return NULL;
    }
    int64_t exp;
    if (atomics_value(self, expected, &exp) < 0) {
        return NULL;
    }
    int32_t exp32 = (int32_t)exp;
    const void *p_exp = self->format == 'q' ? (void *)&exp : (void *)&exp32;
    size_t size = self->format == 'q' ? 8 : 4;

    PyTime_t timeout_ns = -1;
    if (timeout != Py_None) {
        double secs = PyFloat_AsDouble(timeout);
        if (secs == -1.0 && PyErr_Occurred()) {
            return NULL;
        }
        if (!(secs >= 0)) {
            PyErr_SetString(PyExc_ValueError,
                            "wait() timeout must be a non-negative number "
                            "or None");
            return NULL;
        }
        if (isinf(secs)) {
            timeout_ns = -1;    // as None
        }
        else if (_PyTime_FromSecondsObject(&timeout_ns, timeout,
                                           _PyTime_ROUND_TIMEOUT) < 0)
        {
            return NULL;
        }
    }
    PyTime_t deadline = timeout_ns > 0 ? _PyDeadline_Init(timeout_ns) : 0;

    _waiter waiter;
    for (;;) {
        waiter.ticket = _Py_atomic_load_uint64(&_notify_ticket);
        int res = _PyParkingLot_Park(addr, p_exp, size, timeout_ns,
                                     &waiter, 1);
        switch (res) {
        case Py_PARK_OK:
            return PyUnicode_FromString("ok");
        case Py_PARK_AGAIN:
            return PyUnicode_FromString("not-equal");
        case Py_PARK_TIMEOUT:
            return PyUnicode_FromString("timed-out");
        case Py_PARK_INTR:
            // A signal: run its handler, which may raise (Ctrl-C).
            if (PyErr_CheckSignals() < 0) {
                return NULL;
            }
            if (timeout_ns > 0) {
                timeout_ns = _PyDeadline_Get(deadline);
                if (timeout_ns <= 0) {
                    return PyUnicode_FromString("timed-out");
                }
            }
            break;
        default:
            Py_UNREACHABLE();
        }
    }
}

typedef struct {
    uint64_t ticket;    // the notify() call's
    int found;          // a waiter was woken
    int newer;          // it parked after the notify() began
} _notify_arg;

static void
notify_one(void *arg, void *park_arg, int has_more_waiters)
{
    _notify_arg *notify = (_notify_arg *)arg;
    _waiter *waiter = (_waiter *)park_arg;
    notify->found = (waiter != NULL);
    notify->newer = (waiter != NULL && waiter->ticket >= notify->ticket);
}

/*[clinic input]
_interpmem.Atomics.notify

    index: Py_ssize_t
    /
    count: object = None

Wake up to count threads waiting on the element at index (None: all).

Return the number of threads woken.  Only threads already waiting are
woken: notify() does not wake a wait() that starts after it returns.
[clinic start generated code]*/

static PyObject *
_interpmem_Atomics_notify_impl(AtomicsObject *self, Py_ssize_t index,
                               PyObject *count)
/*[clinic end generated code: output=26826b98f364226b input=201871d8c7862d8c]*/
{
    void *addr = atomics_element(self, index);
    if (addr == NULL) {
        return NULL;
    }
    Py_ssize_t limit = PY_SSIZE_T_MAX;
    if (count != Py_None) {
        limit = PyNumber_AsSsize_t(count, PyExc_OverflowError);
        if (limit == -1 && PyErr_Occurred()) {
            return NULL;
        }
        if (limit < 0) {
            PyErr_SetString(PyExc_ValueError,
                            "notify() count must be >= 0 or None");
            return NULL;
        }
    }
    /* Waiters are woken one by one, in the order they parked.  A thread
       woken may wait again at once; taking a ticket first and stopping at
       the first waiter that parked after it bounds the loop. */
    _notify_arg arg = {
        .ticket = _Py_atomic_add_uint64(&_notify_ticket, 1) + 1,
    };
    Py_ssize_t woken = 0;
    while (woken < limit) {
        arg.found = 0;
        arg.newer = 0;
        _PyParkingLot_Unpark(addr, notify_one, &arg);
        if (!arg.found) {
            break;
        }
        woken++;
        if (arg.newer) {
            break;
        }
    }
    return PyLong_FromSsize_t(woken);
}

static PyObject *
atomics_get_format(AtomicsObject *self, void *Py_UNUSED(closure))
{
    return PyUnicode_FromOrdinal(self->format);
}

static PyObject *
atomics_get_buffer(AtomicsObject *self, void *Py_UNUSED(closure))
{
    return Py_NewRef(self->buffer);
}

static PyGetSetDef atomics_getset[] = {
    {"format", (getter)atomics_get_format, NULL,
     PyDoc_STR("The element format: 'q' (64-bit) or 'i' (32-bit).")},
    {"buffer", (getter)atomics_get_buffer, NULL,
     PyDoc_STR("The SharedBuffer viewed.")},
    {NULL},
};

static PyMethodDef atomics_methods[] = {
    _INTERPMEM_ATOMICS_LOAD_METHODDEF
    _INTERPMEM_ATOMICS_STORE_METHODDEF
    _INTERPMEM_ATOMICS_ADD_METHODDEF
    _INTERPMEM_ATOMICS_SUB_METHODDEF
    _INTERPMEM_ATOMICS_AND__METHODDEF
    _INTERPMEM_ATOMICS_OR__METHODDEF
    _INTERPMEM_ATOMICS_XOR_METHODDEF
    _INTERPMEM_ATOMICS_EXCHANGE_METHODDEF
    _INTERPMEM_ATOMICS_COMPARE_EXCHANGE_METHODDEF
    _INTERPMEM_ATOMICS_WAIT_METHODDEF
    _INTERPMEM_ATOMICS_NOTIFY_METHODDEF
    {NULL, NULL}
};

PyDoc_STRVAR(atomics_doc,
"Atomic access to the elements of a SharedBuffer (see its atomics()).\n\
\n\
Elements are 64-bit ('q') or 32-bit ('i') signed integers, indexed by\n\
element and bounds-checked (IndexError); values that do not fit raise\n\
OverflowError, and arithmetic wraps around.  Every operation is\n\
sequentially consistent: all interpreters and threads see all atomic\n\
operations on all elements in one total order.");

static PyType_Slot atomics_slots[] = {
    {Py_tp_dealloc, atomics_dealloc},
    {Py_tp_traverse, atomics_traverse},
    {Py_tp_clear, atomics_clear},
    {Py_tp_repr, atomics_repr},
    {Py_tp_doc, (void *)atomics_doc},
    {Py_tp_methods, atomics_methods},
    {Py_tp_getset, atomics_getset},
    {Py_sq_length, atomics_length},
    {0, NULL},
};

static PyType_Spec atomics_spec = {
    .name = MODULE_NAME_STR ".Atomics",
    .basicsize = sizeof(AtomicsObject),
    .flags = (Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE
              | Py_TPFLAGS_DISALLOW_INSTANTIATION | Py_TPFLAGS_HAVE_GC),
    .slots = atomics_slots,
};


/* transfer() ***************************************************************/

/* The layout of array.array's objects (Modules/arraymodule.c, 3.13.5),
   which keeps it private.  transfer() checks it against the object's
   buffer before it moves anything. */
typedef struct {
    PyObject_VAR_HEAD
    char *ob_item;
    Py_ssize_t allocated;
    const void *ob_descr;
    PyObject *weakreflist;
    Py_ssize_t ob_exports;
} _arrayobject;

static PyObject *
get_array_type(module_state *state)
{
    if (state->array_type == NULL) {
        state->array_type = _PyImport_GetModuleAttrString("array", "array");
    }
    return state->array_type;
}

static _moved *
moved_new(int kind)
{
    _moved *moved = PyMem_RawCalloc(1, sizeof(_moved));
    if (moved == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    (void)_Py_atomic_add_ssize(&_live_moved, 1);
    moved->refcount = 1;
    moved->kind = kind;
    moved->domain = MOVED_RAW;
    return moved;
}

/* Take the memory of a block of the PyMem domain of "nbytes" used bytes
   at "start", of "capacity" bytes at "mem": move it if another
   interpreter may free it, otherwise copy the used bytes to raw memory
   (and free the block).  Returns -1 with MemoryError, leaving the block
   to its owner. */
static int
moved_take(_moved *moved, char *mem, Py_ssize_t capacity,
           char *start, Py_ssize_t nbytes)
{
    if (mem == NULL) {
        return 0;
    }
    int res = _PyMem_MoveOutBlock((size_t)capacity);
    if (res > 0) {
        moved->domain = MOVED_MEM;
        moved->accounted = (res == 2);
        moved->mem = mem;
        moved->offset = start - mem;
        return 0;
    }
    // A small block (of this interpreter's arenas) or unknown allocator.
    char *copy = PyMem_RawMalloc(nbytes > 0 ? (size_t)nbytes : 1);
    if (copy == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    memcpy(copy, start, nbytes);
    moved->domain = MOVED_RAW;
    moved->mem = copy;
    moved->offset = 0;
    PyMem_Free(mem);
    return 0;
}

static _moved *
transfer_bytearray(PyObject *obj)
{
    PyByteArrayObject *ba = (PyByteArrayObject *)obj;
    if (ba->ob_exports > 0) {
        PyErr_SetString(PyExc_BufferError,
                        "cannot transfer a bytearray with live buffer "
                        "exports (release its memoryviews first)");
        return NULL;
    }
    _moved *moved = moved_new(MOVED_BYTEARRAY);
    if (moved == NULL) {
        return NULL;
    }
    Py_ssize_t size = Py_SIZE(ba);
    if (moved_take(moved, ba->ob_bytes, ba->ob_alloc, ba->ob_start,
                   size) < 0)
    {
        moved_decref(moved);
        return NULL;
    }
    moved->size = size;
    moved->alloc = ba->ob_alloc;
    ba->ob_bytes = ba->ob_start = NULL;
    ba->ob_alloc = 0;
    Py_SET_SIZE(ba, 0);
    return moved;
}

static _moved *
transfer_array(PyObject *obj)
{
    _arrayobject *arr = (_arrayobject *)obj;
    if (arr->ob_exports > 0) {
        PyErr_SetString(PyExc_BufferError,
                        "cannot transfer an array with live buffer "
                        "exports (release its memoryviews first)");
        return NULL;
    }
    PyObject *typecode = PyObject_GetAttrString(obj, "typecode");
    if (typecode == NULL) {
        return NULL;
    }
    if (!PyUnicode_Check(typecode) || PyUnicode_GET_LENGTH(typecode) != 1) {
        Py_DECREF(typecode);
        PyErr_SetString(PyExc_SystemError, "unexpected array typecode");
        return NULL;
    }
    Py_UCS4 code = PyUnicode_READ_CHAR(typecode, 0);
    Py_DECREF(typecode);

    // Check the layout against what the buffer protocol says.
    Py_buffer view;
    if (PyObject_GetBuffer(obj, &view, PyBUF_FULL_RO) < 0) {
        return NULL;
    }
    Py_ssize_t itemsize = view.itemsize;
    int ok = (arr->ob_exports == 1
              && view.len == Py_SIZE(arr) * itemsize
              && (Py_SIZE(arr) == 0 || view.buf == arr->ob_item));
    PyBuffer_Release(&view);
    if (!ok || arr->ob_exports != 0) {
        PyErr_SetString(PyExc_SystemError,
                        "array.array layout differs from the one "
                        "transfer() knows");
        return NULL;
    }

    _moved *moved = moved_new(MOVED_ARRAY);
    if (moved == NULL) {
        return NULL;
    }
    Py_ssize_t size = Py_SIZE(arr);
    if (moved_take(moved, arr->ob_item, arr->allocated * itemsize,
                   arr->ob_item, size * itemsize) < 0)
    {
        moved_decref(moved);
        return NULL;
    }
    moved->typecode = code;
    moved->itemsize = itemsize;
    moved->size = size;
    moved->alloc = arr->allocated;
    arr->ob_item = NULL;
    arr->allocated = 0;
    Py_SET_SIZE(arr, 0);
    return moved;
}

static PyObject *
token_from_moved(module_state *state, _moved *moved)
{
    PyTypeObject *type = state->TransferToken_type;
    TransferTokenObject *token = (TransferTokenObject *)type->tp_alloc(type, 0);
    if (token == NULL) {
        moved_decref(moved);
        return NULL;
    }
    token->moved = moved;
    return (PyObject *)token;
}

/* Build the received object from moved memory, in the current
   interpreter; the first call claims the memory, later ones raise. */
static PyObject *
moved_receive(module_state *state, _moved *moved)
{
    int zero = 0;
    if (!_Py_atomic_compare_exchange_int(&moved->claimed, &zero, 1)) {
        PyErr_SetString(PyExc_RuntimeError,
                        "this transfer() token was already received "
                        "(a token can be received once)");
        return NULL;
    }
    PyObject *obj;
    if (moved->kind == MOVED_BYTEARRAY) {
        if (moved->domain == MOVED_RAW) {
            // Small: a fresh block of this interpreter.
            obj = PyByteArray_FromStringAndSize(moved->mem, moved->size);
            if (obj != NULL) {
                moved_free_mem(moved);
            }
            return obj;
        }
        obj = PyByteArray_FromStringAndSize(NULL, 0);
        if (obj == NULL) {
            return NULL;
        }
        PyByteArrayObject *ba = (PyByteArrayObject *)obj;
        assert(ba->ob_bytes == NULL);
        if (moved->accounted) {
            _PyMem_MoveInBlock();
            moved->accounted = 0;
        }
        ba->ob_bytes = moved->mem;
        ba->ob_start = moved->mem + moved->offset;
        ba->ob_alloc = moved->alloc;
        Py_SET_SIZE(ba, moved->size);
        moved->mem = NULL;
        return obj;
    }

    assert(moved->kind == MOVED_ARRAY);
    PyObject *array_type = get_array_type(state);
    if (array_type == NULL) {
        return NULL;
    }
    obj = PyObject_CallFunction(array_type, "C", (int)moved->typecode);
    if (obj == NULL) {
        return NULL;
    }
    if (moved->mem == NULL) {
        return obj;
    }
    _arrayobject *arr = (_arrayobject *)obj;
    assert(arr->ob_item == NULL && Py_SIZE(arr) == 0);
    if (moved->domain == MOVED_RAW) {
        Py_ssize_t nbytes = moved->size * moved->itemsize;
        char *items = PyMem_Malloc(nbytes > 0 ? nbytes : 1);
        if (items == NULL) {
            Py_DECREF(obj);
            return PyErr_NoMemory();
        }
        memcpy(items, moved->mem, nbytes);
        moved_free_mem(moved);
        arr->ob_item = items;
        arr->allocated = moved->size;
    }
    else {
        if (moved->accounted) {
            _PyMem_MoveInBlock();
            moved->accounted = 0;
        }
        arr->ob_item = moved->mem;
        arr->allocated = moved->alloc;
        moved->mem = NULL;
    }
    Py_SET_SIZE(arr, moved->size);
    return obj;
}

/*[clinic input]
_interpmem.transfer

    obj: object
    /

Move obj's memory into a one-shot token for another interpreter.

obj is a bytearray or an array.array (not a subclass).  It is left
empty at once.  Where the token arrives in another interpreter (queues,
channels, call() arguments and results, prepare_main(), also inside
pickled containers), it becomes an object of obj's type holding the
same memory, without a copy (blocks of up to 512 bytes are copied:
they belong to the sender's allocator).  A token can be received once;
receiving it again raises RuntimeError.  Memory of a token dropped
unreceived is freed.

Raises BufferError if obj has live buffer exports (e.g. a memoryview),
leaving it untouched, and TypeError for other types.
[clinic start generated code]*/

static PyObject *
_interpmem_transfer(PyObject *module, PyObject *obj)
/*[clinic end generated code: output=8c51777ddbbee587 input=8dcc810252622b26]*/
{
    module_state *state = get_module_state(module);
    _moved *moved;
    if (PyByteArray_CheckExact(obj)) {
        Py_BEGIN_CRITICAL_SECTION(obj);
        moved = transfer_bytearray(obj);
        Py_END_CRITICAL_SECTION();
    }
    else {
        PyObject *array_type = get_array_type(state);
        if (array_type == NULL) {
            return NULL;
        }
        if (Py_TYPE(obj) != (PyTypeObject *)array_type) {
            PyErr_Format(PyExc_TypeError,
                         "transfer() takes a bytearray or an array.array, "
                         "not %.100s", Py_TYPE(obj)->tp_name);
            return NULL;
        }
        Py_BEGIN_CRITICAL_SECTION(obj);
        moved = transfer_array(obj);
        Py_END_CRITICAL_SECTION();
    }
    if (moved == NULL) {
        return NULL;
    }
    return token_from_moved(state, moved);
}

static void
token_dealloc(TransferTokenObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    if (self->moved != NULL) {
        moved_decref(self->moved);
        self->moved = NULL;
    }
    tp->tp_free(self);
    Py_DECREF(tp);
}

static PyObject *
token_repr(TransferTokenObject *self)
{
    _moved *moved = self->moved;
    const char *what = moved->kind == MOVED_BYTEARRAY ? "bytearray"
                                                      : "array.array";
    const char *status = _Py_atomic_load_int(&moved->claimed) ? "received"
                                                              : "pending";
    return PyUnicode_FromFormat("<%s of a %s of length %zd, %s>",
                                _PyType_Name(Py_TYPE(self)), what,
                                moved->size, status);
}

/*[clinic input]
_interpmem.TransferToken.receive

Receive the token in this interpreter: return the moved object.

Raises RuntimeError if the token was already received.
[clinic start generated code]*/

static PyObject *
_interpmem_TransferToken_receive_impl(TransferTokenObject *self)
/*[clinic end generated code: output=1ce4c2b77111d734 input=1acd6fb01e338719]*/
{
    module_state *state = find_state_by_type(Py_TYPE(self));
    if (state == NULL) {
        return NULL;
    }
    return moved_receive(state, self->moved);
}

/*[clinic input]
_interpmem.TransferToken.__reduce__

Pickle support: a one-shot hold on the moved memory.
[clinic start generated code]*/

static PyObject *
_interpmem_TransferToken___reduce___impl(TransferTokenObject *self)
/*[clinic end generated code: output=32d95b4c27590c71 input=0088ea337d1d5084]*/
{
    PyObject *mod = PyType_GetModuleByDef(Py_TYPE(self), &moduledef);
    if (mod == NULL) {
        return NULL;
    }
    PyObject *rebuild = PyObject_GetAttrString(mod, "_receive_pickled");
    if (rebuild == NULL) {
        return NULL;
    }
    moved_incref(self->moved);
    int64_t id = hold_add(HOLD_MOVED, self->moved);
    if (id < 0) {
        moved_decref(self->moved);
        Py_DECREF(rebuild);
        return NULL;
    }
    return Py_BuildValue("N(L)", rebuild, (long long)id);
}

static PyObject *
token_get_received(TransferTokenObject *self, void *Py_UNUSED(closure))
{
    return PyBool_FromLong(_Py_atomic_load_int(&self->moved->claimed));
}

static PyGetSetDef token_getset[] = {
    {"received", (getter)token_get_received, NULL,
     PyDoc_STR("True once the token was received somewhere.")},
    {NULL},
};

static PyMethodDef token_methods[] = {
    _INTERPMEM_TRANSFERTOKEN_RECEIVE_METHODDEF
    _INTERPMEM_TRANSFERTOKEN___REDUCE___METHODDEF
    {NULL, NULL}
};

PyDoc_STRVAR(token_doc,
"The one-shot token that transfer() returns.\n\
\n\
Send it to another interpreter: where it arrives, it becomes the moved\n\
object.  receive() turns it into the object in the current interpreter.");

static PyType_Slot token_slots[] = {
    {Py_tp_dealloc, token_dealloc},
    {Py_tp_repr, token_repr},
    {Py_tp_doc, (void *)token_doc},
    {Py_tp_methods, token_methods},
    {Py_tp_getset, token_getset},
    {0, NULL},
};

static PyType_Spec token_spec = {
    .name = MODULE_NAME_STR ".TransferToken",
    .basicsize = sizeof(TransferTokenObject),
    .flags = (Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE
              | Py_TPFLAGS_DISALLOW_INSTANTIATION),
    .slots = token_slots,
};

static PyObject *
token_from_xid(_PyCrossInterpreterData *data)
{
    _moved *moved = (_moved *)_PyCrossInterpreterData_DATA(data);
    PyObject *mod = NULL;
    module_state *state = import_state(&mod);
    if (state == NULL) {
        return NULL;
    }
    PyObject *obj = moved_receive(state, moved);
    Py_DECREF(mod);
    return obj;
}

static void
token_xid_free(void *data)
{
    moved_decref((_moved *)data);
}

static int
token_shared(PyThreadState *tstate, PyObject *obj,
             _PyCrossInterpreterData *data)
{
    _moved *moved = ((TransferTokenObject *)obj)->moved;
    moved_incref(moved);
    _PyCrossInterpreterData_Init(data, tstate->interp, moved, NULL,
                                 token_from_xid);
    _PyCrossInterpreterData_SET_FREE(data, token_xid_free);
    return 0;
}

/*[clinic input]
_interpmem._receive_pickled

    hold: long_long
    /

Load a pickled transfer() token (see TransferToken.__reduce__()).
[clinic start generated code]*/

static PyObject *
_interpmem__receive_pickled_impl(PyObject *module, long long hold)
/*[clinic end generated code: output=47ccbea8ae489fa3 input=1fbd0986c1415b48]*/
{
    _moved *moved = hold_take(hold, HOLD_MOVED);
    if (moved == NULL) {
        PyErr_SetString(PyExc_RuntimeError,
                        "this transfer() token was already received "
                        "(a pickle of one can be loaded once)");
        return NULL;
    }
    PyObject *obj = moved_receive(get_module_state(module), moved);
    moved_decref(moved);
    return obj;
}


/*[clinic input]
_interpmem._live_counts

Return (blocks, moved): SharedBuffer memory blocks and transfer() memory alive in the process.
[clinic start generated code]*/

static PyObject *
_interpmem__live_counts_impl(PyObject *module)
/*[clinic end generated code: output=c5e83133436eaf79 input=09e7ea514396647a]*/
{
    return Py_BuildValue("nn", _Py_atomic_load_ssize(&_live_blocks),
                         _Py_atomic_load_ssize(&_live_moved));
}


/*[clinic input]
_interpmem._allocated_blocks

Return the number of memory blocks allocated by the current interpreter's obmalloc state.

For the tests of transfer(): a moved block leaves the sender's count and
joins the receiver's.
[clinic start generated code]*/

static PyObject *
_interpmem__allocated_blocks_impl(PyObject *module)
/*[clinic end generated code: output=c0f7fe98ca577acd input=0a521646b8593b5a]*/
{
    PyInterpreterState *interp = PyInterpreterState_Get();
    return PyLong_FromSsize_t(_PyInterpreterState_GetAllocatedBlocks(interp));
}


/* module *******************************************************************/

static PyMethodDef module_functions[] = {
    _INTERPMEM_TRANSFER_METHODDEF
    _INTERPMEM__REBUILD_BUFFER_METHODDEF
    _INTERPMEM__RECEIVE_PICKLED_METHODDEF
    _INTERPMEM__LIVE_COUNTS_METHODDEF
    _INTERPMEM__ALLOCATED_BLOCKS_METHODDEF
    {NULL, NULL}
};

static int
module_exec(PyObject *mod)
{
    module_state *state = get_module_state(mod);

#define ADD_TYPE(FIELD, SPEC, SHARED)                                    \
    do {                                                                 \
        state->FIELD = (PyTypeObject *)PyType_FromModuleAndSpec(         \
            mod, &SPEC, NULL);                                           \
        if (state->FIELD == NULL) {                                      \
            return -1;                                                   \
        }                                                                \
        if (PyModule_AddType(mod, state->FIELD) < 0) {                   \
            return -1;                                                   \
        }                                                                \
        if (SHARED != NULL && ensure_xid_class(state->FIELD, SHARED) < 0) { \
            return -1;                                                   \
        }                                                                \
    } while (0)

    ADD_TYPE(SharedBuffer_type, sharedbuffer_spec, sharedbuffer_shared);
    ADD_TYPE(Atomics_type, atomics_spec, NULL);
    ADD_TYPE(TransferToken_type, token_spec, token_shared);
#undef ADD_TYPE
    return 0;
}

static int
module_traverse(PyObject *mod, visitproc visit, void *arg)
{
    module_state *state = get_module_state(mod);
    Py_VISIT(state->SharedBuffer_type);
    Py_VISIT(state->Atomics_type);
    Py_VISIT(state->TransferToken_type);
    Py_VISIT(state->array_type);
    return 0;
}

static int
module_clear(PyObject *mod)
{
    module_state *state = get_module_state(mod);
    if (state->SharedBuffer_type != NULL) {
        (void)clear_xid_class(state->SharedBuffer_type);
    }
    if (state->TransferToken_type != NULL) {
        (void)clear_xid_class(state->TransferToken_type);
    }
    Py_CLEAR(state->SharedBuffer_type);
    Py_CLEAR(state->Atomics_type);
    Py_CLEAR(state->TransferToken_type);
    Py_CLEAR(state->array_type);
    return 0;
}

static void
module_free(void *mod)
{
    (void)module_clear((PyObject *)mod);
}

static struct PyModuleDef_Slot module_slots[] = {
    {Py_mod_exec, module_exec},
    {Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED},
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
    {0, NULL},
};

PyDoc_STRVAR(module_doc,
"Memory shared between interpreters, and zero-copy transfer.\n\
\n\
A fork extension; use concurrent.interpreters instead.");

static struct PyModuleDef moduledef = {
    .m_base = PyModuleDef_HEAD_INIT,
    .m_name = MODULE_NAME_STR,
    .m_doc = module_doc,
    .m_size = sizeof(module_state),
    .m_methods = module_functions,
    .m_slots = module_slots,
    .m_traverse = module_traverse,
    .m_clear = module_clear,
    .m_free = module_free,
};

PyMODINIT_FUNC
MODINIT_FUNC_NAME(void)
{
    return PyModuleDef_Init(&moduledef);
}
