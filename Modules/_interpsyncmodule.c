/* _interpsync: synchronization primitives every interpreter sees.

   The public API is concurrent.interpreters.Lock, RLock, Event, Semaphore,
   BoundedSemaphore, Condition and Barrier; they are the types of this
   module.

   Each primitive has two parts:

   - the shared part (a "_sync" struct and the struct of its kind), allocated
     with the raw allocator, outside any interpreter, with an atomic
     reference count.  It holds the whole state and is the only thing that
     crosses between interpreters.  It is listed in a process-wide registry
     (_globals) so that a pickle can name it by id;
   - in each interpreter, thin objects of a heap type of this module (module
     state, one set of types per interpreter), each holding one reference
     to the shared part.

   Blocking is done on the runtime's own primitives: a Lock is a PyMutex,
   an RLock a PyMutex with an (interpreter id, thread id) owner, and the
   others wait in the parking lot on a word that the waker changes before
   it unparks them.  Every wait detaches the thread state (releasing the
   GIL), has a deadline for its timeout, and runs the pending calls when a
   signal interrupts it, so that Ctrl-C raises KeyboardInterrupt in the
   main thread as it does with threading.

   A primitive crosses natively (cross-interpreter data: a reference to the
   shared part) and by pickle (a reference held "in transit" by the
   pickling interpreter until the pickle is loaded once, or until that
   interpreter is finalized).

   When an interpreter is finalized, the RLocks that its threads own are
   released (Lock has no owner and stays as it is, as with threading when
   the thread that acquired it ends). */

/* Also when built in: Argument Clinic's code then interns its keyword
   names itself instead of using the runtime's global strings. */
#ifndef Py_BUILD_CORE_MODULE
#  define Py_BUILD_CORE_MODULE 1
#endif

#include "Python.h"
#include "pycore_crossinterp.h"   // _PyCrossInterpreterData
#include "pycore_import.h"        // _PyImport_GetModuleAttrString()
#include "pycore_lock.h"          // _PyMutex_LockTimed()
#include "pycore_parking_lot.h"   // _PyParkingLot_Park()
#include "pycore_pystate.h"       // _PyInterpreterState_GET()
#include "pycore_pythread.h"      // PyThread_get_thread_ident_ex()
#include "pycore_time.h"          // _PyDeadline_Init()

#ifdef HAVE_FORK
#  include <pthread.h>            // pthread_atfork()
#endif

#define REGISTERS_HEAP_TYPES
#include "_interpreters_common.h"

#define MODULE_NAME _interpsync
#define MODULE_NAME_STR Py_STRINGIFY(MODULE_NAME)
#define MODINIT_FUNC_NAME RESOLVE_MODINIT_FUNC_NAME(MODULE_NAME)


/* the shared parts *********************************************************/

enum {
    KIND_LOCK,
    KIND_RLOCK,
    KIND_EVENT,
    KIND_SEMAPHORE,
    KIND_BOUNDED,
    KIND_CONDITION,
    KIND_BARRIER,
    NUM_KINDS
};

typedef struct _sync {
    int kind;
    int64_t id;                 // process-wide, never reused
    Py_ssize_t refcount;        // atomic
    struct _sync *prev;         // the registry's list (under its mutex)
    struct _sync *next;
} _sync;

typedef struct {
    _sync base;
    PyMutex mutex;
} _lock;

typedef struct {
    _sync base;
    PyMutex mutex;
    /* The owner, written only by the thread that holds the mutex (and by
       finalization of the owner's interpreter): the interpreter first,
       then the thread; cleared in the reverse order before the mutex is
       released.  A thread that reads its own (interp, thread) pair is the
       owner. */
    int64_t owner_interp;
    uint64_t owner_thread;      // a PyThread_ident_t
    Py_ssize_t count;           // touched only by the owner
} _rlock;

typedef struct {
    _sync base;
    /* (generation << 1) | flag; set() bumps the generation, so that a
       waiter woken by a set() followed at once by a clear() still sees
       that the event was set. */
    uint32_t state;
} _event;

typedef struct {
    _sync base;
    PyMutex mutex;              // guards value
    Py_ssize_t value;
    Py_ssize_t initial;         // BoundedSemaphore: the bound; else -1
    uint32_t seq;               // bumped by release(); waiters park on it
} _sema;

typedef struct _waiter {
    struct _waiter *prev;
    struct _waiter *next;
    uint8_t notified;           // waiters park on it
} _waiter;

typedef struct {
    _sync base;
    PyMutex mutex;              // guards the waiters
    _sync *lock;                // a _lock or an _rlock, with a reference
    _waiter *head;
    _waiter *tail;
    Py_ssize_t nwaiters;
} _cond;

enum {
    BARRIER_FILLING = 0,
    BARRIER_DRAINING = 1,
    BARRIER_RESETTING = -1,
    BARRIER_BROKEN = -2,
};

typedef struct {
    _sync base;
    PyMutex mutex;              // guards all but parties and timeout
    Py_ssize_t parties;
    Py_ssize_t count;
    int state;
    uint32_t seq;               // bumped on every change; waiters park on it
    PyTime_t timeout;           // the default for wait(); -1: none
} _barrier;


/* The registry of every live primitive, and the references that pickles
   hold "in transit". */

typedef struct _hold {
    _sync *sync;
    int64_t interpid;           // the interpreter that pickled it
    struct _hold *next;
} _hold;

static struct {
    PyMutex mutex;
    _sync *head;
    int64_t next_id;
    _hold *holds;
} _globals = {0};

static void
sync_incref(_sync *sync)
{
    _Py_atomic_add_ssize(&sync->refcount, 1);
}

static void sync_decref(_sync *sync);

static void
sync_free(_sync *sync)
{
    _sync *lock = NULL;
    if (sync->kind == KIND_CONDITION) {
        lock = ((_cond *)sync)->lock;
    }
    PyMem_RawFree(sync);
    if (lock != NULL) {
        // The lock goes too if that was its last reference.
        sync_decref(lock);
    }
}

static void
sync_decref(_sync *sync)
{
    Py_ssize_t old = _Py_atomic_add_ssize(&sync->refcount, -1);
    assert(old > 0);
    if (old != 1) {
        return;
    }
    // The last reference: sync_lookup() no longer finds it.
    PyMutex_Lock(&_globals.mutex);
    if (sync->prev != NULL) {
        sync->prev->next = sync->next;
    }
    else {
        _globals.head = sync->next;
    }
    if (sync->next != NULL) {
        sync->next->prev = sync->prev;
    }
    PyMutex_Unlock(&_globals.mutex);
    sync_free(sync);
}

// xid_freefunc
static void
sync_decref_void(void *sync)
{
    sync_decref((_sync *)sync);
}

// Take a reference unless the count already dropped to zero.
static int
sync_incref_if_alive(_sync *sync)
{
    Py_ssize_t n = _Py_atomic_load_ssize(&sync->refcount);
    while (n > 0) {
        if (_Py_atomic_compare_exchange_ssize(&sync->refcount, &n, n + 1)) {
            return 1;
        }
    }
    return 0;
}

// Allocate a primitive of the kind with one reference and register it.
static _sync *
sync_new(int kind, size_t size)
{
    _sync *sync = PyMem_RawCalloc(1, size);
    if (sync == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    sync->kind = kind;
    sync->refcount = 1;
    PyMutex_Lock(&_globals.mutex);
    sync->id = ++_globals.next_id;
    sync->next = _globals.head;
    if (_globals.head != NULL) {
        _globals.head->prev = sync;
    }
    _globals.head = sync;
    PyMutex_Unlock(&_globals.mutex);
    return sync;
}

// Return a new reference to the live primitive with the id, or NULL.
static _sync *
sync_lookup(int64_t id)
{
    _sync *found = NULL;
    PyMutex_Lock(&_globals.mutex);
    for (_sync *sync = _globals.head; sync != NULL; sync = sync->next) {
        if (sync->id == id) {
            if (sync_incref_if_alive(sync)) {
                found = sync;
            }
            break;
        }
    }
    PyMutex_Unlock(&_globals.mutex);
    return found;
}

static int
hold_add(_sync *sync, int64_t interpid)
{
    _hold *hold = PyMem_RawMalloc(sizeof(_hold));
    if (hold == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    sync_incref(sync);
    hold->sync = sync;
    hold->interpid = interpid;
    PyMutex_Lock(&_globals.mutex);
    hold->next = _globals.holds;
    _globals.holds = hold;
    PyMutex_Unlock(&_globals.mutex);
    return 0;
}

// Drop one hold on the primitive, if there is one.
static void
hold_drop_one(_sync *sync)
{
    _hold *found = NULL;
    PyMutex_Lock(&_globals.mutex);
    for (_hold **p = &_globals.holds; *p != NULL; p = &(*p)->next) {
        if ((*p)->sync == sync) {
            found = *p;
            *p = found->next;
            break;
        }
    }
    PyMutex_Unlock(&_globals.mutex);
    if (found != NULL) {
        sync_decref(found->sync);
        PyMem_RawFree(found);
    }
}


/* blocking ****************************************************************/

/* A thread's identity as an owner is its interpreter and its thread: this
   is the interpreter's part, its id plus one (0: no owner). */
static inline int64_t
current_interpid(void)
{
    return _PyInterpreterState_GET()->id + 1;
}

/* Park on the 4-byte word while it holds "expected", until the deadline
   ("timeout" < 0: none).  Return 0 when woken (or the word changed), 1 on
   timeout, -1 with an exception set when a signal handler raised. */
static int
park_word(uint32_t *addr, uint32_t expected, PyTime_t timeout,
          PyTime_t deadline)
{
    PyTime_t wait = -1;
    if (timeout >= 0) {
        wait = _PyDeadline_Get(deadline);
        if (wait <= 0) {
            return 1;
        }
    }
    int res = _PyParkingLot_Park(addr, &expected, sizeof(expected), wait,
                                 NULL, 1);
    if (res == Py_PARK_INTR) {
        if (Py_MakePendingCalls() < 0) {
            return -1;
        }
        return 0;
    }
    return res == Py_PARK_TIMEOUT ? 1 : 0;
}

/* The same for a waiter's one-byte flag. */
static int
park_byte(uint8_t *addr, uint8_t expected, PyTime_t timeout,
          PyTime_t deadline)
{
    PyTime_t wait = -1;
    if (timeout >= 0) {
        wait = _PyDeadline_Get(deadline);
        if (wait <= 0) {
            return 1;
        }
    }
    int res = _PyParkingLot_Park(addr, &expected, sizeof(expected), wait,
                                 NULL, 1);
    if (res == Py_PARK_INTR) {
        if (Py_MakePendingCalls() < 0) {
            return -1;
        }
        return 0;
    }
    return res == Py_PARK_TIMEOUT ? 1 : 0;
}

/* Lock.acquire() and RLock.acquire(): threading's rules for "blocking" and
   "timeout" (seconds, -1: none).  *timeout is set to -1 (wait forever),
   0 (do not wait) or the time to wait. */
static int
lock_timeout(int blocking, PyObject *timeout_obj, PyTime_t *timeout)
{
    const PyTime_t unset = _PyTime_FromSeconds(-1);
    *timeout = unset;
    if (timeout_obj != NULL
        && _PyTime_FromSecondsObject(timeout, timeout_obj,
                                     _PyTime_ROUND_TIMEOUT) < 0)
    {
        return -1;
    }
    if (!blocking && *timeout != unset) {
        PyErr_SetString(PyExc_ValueError,
                        "can't specify a timeout for a non-blocking call");
        return -1;
    }
    if (*timeout < 0 && *timeout != unset) {
        PyErr_SetString(PyExc_ValueError,
                        "timeout value must be a non-negative number");
        return -1;
    }
    if (!blocking) {
        *timeout = 0;
    }
    else if (*timeout == unset) {
        *timeout = -1;
    }
    else {
        PyTime_t us = _PyTime_AsMicroseconds(*timeout, _PyTime_ROUND_TIMEOUT);
        if (us > PY_TIMEOUT_MAX) {
            PyErr_SetString(PyExc_OverflowError,
                            "timeout value is too large");
            return -1;
        }
    }
    return 0;
}

/* Event.wait(), Condition.wait(), Semaphore.acquire(), Barrier.wait():
   None waits forever (-1), a number of seconds not above zero (or NaN)
   does not wait (0), as threading's Condition.wait() does. */
static int
wait_timeout(PyObject *obj, PyTime_t *timeout)
{
    if (obj == NULL || obj == Py_None) {
        *timeout = -1;
        return 0;
    }
    if (PyFloat_Check(obj) && isnan(PyFloat_AS_DOUBLE(obj))) {
        *timeout = 0;
        return 0;
    }
    if (_PyTime_FromSecondsObject(timeout, obj, _PyTime_ROUND_TIMEOUT) < 0) {
        return -1;
    }
    if (*timeout <= 0) {
        *timeout = 0;
        return 0;
    }
    PyTime_t us = _PyTime_AsMicroseconds(*timeout, _PyTime_ROUND_TIMEOUT);
    if (us > PY_TIMEOUT_MAX) {
        PyErr_SetString(PyExc_OverflowError, "timeout value is too large");
        return -1;
    }
    return 0;
}


/* Lock and RLock operations on the shared parts, used by the types and by
   Condition.  They return 1 (acquired), 0 (not acquired) or -1 (error). */

static int
lock_acquire_timed(_lock *lock, PyTime_t timeout)
{
    PyLockStatus r = _PyMutex_LockTimed(
        &lock->mutex, timeout, _PY_LOCK_DETACH | _PY_LOCK_HANDLE_SIGNALS);
    if (r == PY_LOCK_INTR) {
        return -1;
    }
    return r == PY_LOCK_ACQUIRED;
}

static inline int
rlock_is_owned(_rlock *rlock, int64_t interpid, PyThread_ident_t tid)
{
    // The interpreter first: see _rlock.
    return (_Py_atomic_load_int64(&rlock->owner_interp) == interpid
            && ((PyThread_ident_t)_Py_atomic_load_uint64(&rlock->owner_thread)
                == tid));
}

static inline void
rlock_set_owner(_rlock *rlock, int64_t interpid, PyThread_ident_t tid,
                Py_ssize_t count)
{
    rlock->count = count;
    _Py_atomic_store_int64(&rlock->owner_interp, interpid);
    _Py_atomic_store_uint64(&rlock->owner_thread, tid);
}

static inline void
rlock_clear_owner(_rlock *rlock)
{
    rlock->count = 0;
    _Py_atomic_store_uint64(&rlock->owner_thread, 0);
    _Py_atomic_store_int64(&rlock->owner_interp, 0);
}

static int
rlock_acquire_timed(_rlock *rlock, PyTime_t timeout)
{
    int64_t interpid = current_interpid();
    PyThread_ident_t tid = PyThread_get_thread_ident_ex();
    if (rlock_is_owned(rlock, interpid, tid)) {
        if (rlock->count == PY_SSIZE_T_MAX) {
            PyErr_SetString(PyExc_OverflowError,
                            "Internal lock count overflowed");
            return -1;
        }
        rlock->count++;
        return 1;
    }
    PyLockStatus r = _PyMutex_LockTimed(
        &rlock->mutex, timeout, _PY_LOCK_DETACH | _PY_LOCK_HANDLE_SIGNALS);
    if (r == PY_LOCK_INTR) {
        return -1;
    }
    if (r != PY_LOCK_ACQUIRED) {
        return 0;
    }
    rlock_set_owner(rlock, interpid, tid, 1);
    return 1;
}

static int
rlock_release(_rlock *rlock)
{
    if (!rlock_is_owned(rlock, current_interpid(),
                        PyThread_get_thread_ident_ex()))
    {
        PyErr_SetString(PyExc_RuntimeError,
                        "cannot release un-acquired lock");
        return -1;
    }
    if (--rlock->count == 0) {
        rlock_clear_owner(rlock);
        (void)_PyMutex_TryUnlock(&rlock->mutex);
    }
    return 0;
}

/* Is the lock "held" for Condition: an RLock owned by this thread, or a
   Lock that is locked (threading's Condition._is_owned()). */
static int
sync_lock_is_owned(_sync *lock)
{
    if (lock->kind == KIND_RLOCK) {
        return rlock_is_owned((_rlock *)lock, current_interpid(),
                              PyThread_get_thread_ident_ex());
    }
    return PyMutex_IsLocked(&((_lock *)lock)->mutex);
}

// Release the lock fully and return the RLock's count (1 for a Lock).
static Py_ssize_t
sync_lock_release_save(_sync *lock)
{
    if (lock->kind == KIND_RLOCK) {
        _rlock *rlock = (_rlock *)lock;
        Py_ssize_t count = rlock->count;
        rlock_clear_owner(rlock);
        (void)_PyMutex_TryUnlock(&rlock->mutex);
        return count;
    }
    (void)_PyMutex_TryUnlock(&((_lock *)lock)->mutex);
    return 1;
}

/* Acquire the lock again, without a timeout and without being interrupted
   (as threading's Condition.wait() does in its "finally"). */
static void
sync_lock_acquire_restore(_sync *lock, Py_ssize_t count)
{
    if (lock->kind == KIND_RLOCK) {
        _rlock *rlock = (_rlock *)lock;
        (void)_PyMutex_LockTimed(&rlock->mutex, -1, _PY_LOCK_DETACH);
        rlock_set_owner(rlock, current_interpid(),
                        PyThread_get_thread_ident_ex(), count);
        return;
    }
    (void)_PyMutex_LockTimed(&((_lock *)lock)->mutex, -1, _PY_LOCK_DETACH);
}


/* interpreter finalization *************************************************/

/* Release what the interpreter leaves behind: the RLocks that its threads
   own, and the references that its pickles hold in transit. */
static void
clear_interpreter(void *data)
{
    int64_t interpid = (int64_t)(intptr_t)data;  // the owner key

    _sync **owned = NULL;
    Py_ssize_t nowned = 0, size = 0;
    _hold *holds = NULL;

    PyMutex_Lock(&_globals.mutex);
    for (_sync *sync = _globals.head; sync != NULL; sync = sync->next) {
        if (sync->kind != KIND_RLOCK) {
            continue;
        }
        _rlock *rlock = (_rlock *)sync;
        if (_Py_atomic_load_int64(&rlock->owner_interp) != interpid) {
            continue;
        }
        if (nowned == size) {
            Py_ssize_t newsize = size ? size * 2 : 8;
            _sync **tmp = PyMem_RawRealloc(owned,
                                           newsize * sizeof(_sync *));
            if (tmp == NULL) {
                break;
            }
            owned = tmp;
            size = newsize;
        }
        if (sync_incref_if_alive(sync)) {
            owned[nowned++] = sync;
        }
    }
    for (_hold **p = &_globals.holds; *p != NULL; ) {
        _hold *hold = *p;
        if (hold->interpid == interpid) {
            *p = hold->next;
            hold->next = holds;
            holds = hold;
        }
        else {
            p = &hold->next;
        }
    }
    PyMutex_Unlock(&_globals.mutex);

    for (Py_ssize_t i = 0; i < nowned; i++) {
        _rlock *rlock = (_rlock *)owned[i];
        // No thread of the interpreter runs any more.
        if (_Py_atomic_load_int64(&rlock->owner_interp) == interpid) {
            rlock_clear_owner(rlock);
            (void)_PyMutex_TryUnlock(&rlock->mutex);
        }
        sync_decref(owned[i]);
    }
    PyMem_RawFree(owned);
    while (holds != NULL) {
        _hold *next = holds->next;
        sync_decref(holds->sync);
        PyMem_RawFree(holds);
        holds = next;
    }
}


/* module state *************************************************************/

typedef struct {
    PyTypeObject *types[NUM_KINDS];
} module_state;

static inline module_state *
get_module_state(PyObject *mod)
{
    module_state *state = PyModule_GetState(mod);
    assert(state != NULL);
    return state;
}

static struct PyModuleDef moduledef;

static module_state *
state_from_type(PyTypeObject *cls)
{
    PyObject *mod = PyType_GetModuleByDef(cls, &moduledef);
    if (mod == NULL) {
        return NULL;
    }
    return get_module_state(mod);
}


/* the objects **************************************************************/

typedef struct {
    PyObject_HEAD
    _sync *sync;
} syncobject;

typedef struct {
    PyObject_HEAD
    _sync *sync;
    PyObject *lock;             // this interpreter's object for the lock
} condobject;

#define SYNC(self) (((syncobject *)(self))->sync)

// Return a new object of the primitive's type; it takes a new reference.
static PyObject *
wrap_sync(module_state *state, _sync *sync)
{
    PyTypeObject *type = state->types[sync->kind];
    if (type == NULL) {
        // The module was cleared (the interpreter is finalizing).
        PyErr_SetString(PyExc_RuntimeError,
                        "the _interpsync module was cleared");
        return NULL;
    }
    PyObject *self = type->tp_alloc(type, 0);
    if (self == NULL) {
        return NULL;
    }
    if (sync->kind == KIND_CONDITION) {
        PyObject *lock = wrap_sync(state, ((_cond *)sync)->lock);
        if (lock == NULL) {
            Py_DECREF(self);
            return NULL;
        }
        ((condobject *)self)->lock = lock;
    }
    sync_incref(sync);
    SYNC(self) = sync;
    return self;
}

// Wrap a primitive just made (whose reference is handed over).
static PyObject *
wrap_new(PyTypeObject *type, _sync *sync)
{
    if (sync == NULL) {
        return NULL;
    }
    PyObject *self = type->tp_alloc(type, 0);
    if (self == NULL) {
        sync_decref(sync);
        return NULL;
    }
    SYNC(self) = sync;
    return self;
}

static void
sync_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    if (SYNC(self) != NULL) {
        sync_decref(SYNC(self));
    }
    tp->tp_free(self);
    Py_DECREF(tp);
}

static void
cond_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    Py_CLEAR(((condobject *)self)->lock);
    if (SYNC(self) != NULL) {
        sync_decref(SYNC(self));
    }
    tp->tp_free(self);
    Py_DECREF(tp);
}

/* Pickling: the primitive is named by its id, and a reference is held for
   the pickle until it is loaded (by _rebuild()) or the pickling
   interpreter is finalized. */
static PyObject *
sync_reduce(PyObject *self, PyObject *Py_UNUSED(ignored))
{
    _sync *sync = SYNC(self);
    PyObject *mod = PyType_GetModuleByDef(Py_TYPE(self), &moduledef);
    if (mod == NULL) {
        return NULL;
    }
    PyObject *rebuild = PyObject_GetAttrString(mod, "_rebuild");
    if (rebuild == NULL) {
        return NULL;
    }
    if (hold_add(sync, current_interpid()) < 0) {
        Py_DECREF(rebuild);
        return NULL;
    }
    // The process too: the ids of another process name other primitives.
    return Py_BuildValue("N(Ll)", rebuild, (long long)sync->id,
                         (long)getpid());
}

PyDoc_STRVAR(sync_reduce_doc,
"__reduce__($self, /)\n\
--\n\
\n\
Pickle support: the pickle names the same primitive, in any\n\
interpreter of this process.  The primitive is kept alive for the\n\
pickle until it is loaded once, or until this interpreter ends.");

static PyObject *
sync_get_id(PyObject *self, void *Py_UNUSED(closure))
{
    return PyLong_FromLongLong(SYNC(self)->id);
}

static PyGetSetDef sync_getset[] = {
    {"_id", sync_get_id, NULL,
     PyDoc_STR("The primitive's process-wide id."), NULL},
    {NULL},
};

// Cross-interpreter data: a reference to the shared part.
static PyObject *
sync_from_xid(_PyCrossInterpreterData *data)
{
    _sync *sync = (_sync *)_PyCrossInterpreterData_DATA(data);
    // It might not be imported yet in this interpreter.
    PyObject *mod = PyImport_ImportModule(MODULE_NAME_STR);
    if (mod == NULL) {
        return NULL;
    }
    PyObject *obj = wrap_sync(get_module_state(mod), sync);
    Py_DECREF(mod);
    return obj;
}

static int
sync_shared(PyThreadState *tstate, PyObject *obj,
            _PyCrossInterpreterData *data)
{
    _sync *sync = SYNC(obj);
    sync_incref(sync);
    _PyCrossInterpreterData_Init(data, tstate->interp, sync, NULL,
                                 sync_from_xid);
    // Raw memory and atomics only: any interpreter may run it.
    data->free = sync_decref_void;
    return 0;
}

#include "clinic/_interpsyncmodule.c.h"

/*[clinic input]
module _interpsync
class _interpsync.Lock "syncobject *" "type"
class _interpsync.RLock "syncobject *" "type"
class _interpsync.Event "syncobject *" "type"
class _interpsync.Semaphore "syncobject *" "type"
class _interpsync.BoundedSemaphore "syncobject *" "type"
class _interpsync.Condition "condobject *" "type"
class _interpsync.Barrier "syncobject *" "type"
[clinic start generated code]*/
/*[clinic end generated code: output=da39a3ee5e6b4b0d input=c7cc5452b4b3febc]*/


/* Lock *********************************************************************/

#define LOCK(self) ((_lock *)SYNC(self))

/*[clinic input]
@classmethod
_interpsync.Lock.__new__

A lock that every interpreter of the process sees (threading.Lock).

It is shareable: passed to another interpreter by any path, it arrives
as a Lock bound to the same lock.  Any thread of any interpreter may
release it.
[clinic start generated code]*/

static PyObject *
_interpsync_Lock_impl(PyTypeObject *type)
/*[clinic end generated code: output=b7026ec5f8bbc6ba input=c0b82f8008d1410a]*/
{
    return wrap_new(type, sync_new(KIND_LOCK, sizeof(_lock)));
}

/*[clinic input]
_interpsync.Lock.acquire

    blocking: bool = True
    timeout as timeout_obj: object(c_default="NULL") = -1

Acquire the lock, waiting for it if "blocking" is true.

Without arguments this waits until the lock is released by whatever
thread of whatever interpreter holds it, and returns True.  With
blocking=False it returns at once; with a timeout (in seconds) it
waits at most that long.  The result says whether the lock was
acquired.  The wait can be interrupted (by Ctrl-C, for one).
[clinic start generated code]*/

static PyObject *
_interpsync_Lock_acquire_impl(syncobject *self, int blocking,
                              PyObject *timeout_obj)
/*[clinic end generated code: output=031f9cabce44a0df input=dd1e71a42315c772]*/
{
    PyTime_t timeout;
    if (lock_timeout(blocking, timeout_obj, &timeout) < 0) {
        return NULL;
    }
    int r = lock_acquire_timed(LOCK(self), timeout);
    if (r < 0) {
        return NULL;
    }
    return PyBool_FromLong(r);
}

/*[clinic input]
_interpsync.Lock.__enter__

Acquire the lock (waiting for it).
[clinic start generated code]*/

static PyObject *
_interpsync_Lock___enter___impl(syncobject *self)
/*[clinic end generated code: output=159e81da3aa14fab input=3e3982637c307777]*/
{
    if (lock_acquire_timed(LOCK(self), -1) < 0) {
        return NULL;
    }
    Py_RETURN_TRUE;
}

/*[clinic input]
_interpsync.Lock.release

Release the lock; RuntimeError if it is not locked.

Any thread of any interpreter may release it.
[clinic start generated code]*/

static PyObject *
_interpsync_Lock_release_impl(syncobject *self)
/*[clinic end generated code: output=022b81c3d503e60a input=f9d430be18347805]*/
{
    if (_PyMutex_TryUnlock(&LOCK(self)->mutex) < 0) {
        PyErr_SetString(PyExc_RuntimeError, "release unlocked lock");
        return NULL;
    }
    Py_RETURN_NONE;
}

/*[clinic input]
_interpsync.Lock.__exit__

    *args: object

Release the lock.
[clinic start generated code]*/

static PyObject *
_interpsync_Lock___exit___impl(syncobject *self, PyObject *args)
/*[clinic end generated code: output=ec504c9eea3c3506 input=5ea50638ee74086a]*/
{
    return _interpsync_Lock_release_impl(self);
}

/*[clinic input]
_interpsync.Lock.locked

Return whether the lock is locked.
[clinic start generated code]*/

static PyObject *
_interpsync_Lock_locked_impl(syncobject *self)
/*[clinic end generated code: output=a32df35e64b7b803 input=ea66691788c1b60e]*/
{
    return PyBool_FromLong(PyMutex_IsLocked(&LOCK(self)->mutex));
}

static PyObject *
lock_repr(PyObject *self)
{
    return PyUnicode_FromFormat("<%s %s object at %p>",
        PyMutex_IsLocked(&LOCK(self)->mutex) ? "locked" : "unlocked",
        Py_TYPE(self)->tp_name, self);
}

static PyMethodDef lock_methods[] = {
    _INTERPSYNC_LOCK_ACQUIRE_METHODDEF
    _INTERPSYNC_LOCK_RELEASE_METHODDEF
    _INTERPSYNC_LOCK_LOCKED_METHODDEF
    _INTERPSYNC_LOCK___ENTER___METHODDEF
    _INTERPSYNC_LOCK___EXIT___METHODDEF
    {"__reduce__", sync_reduce, METH_NOARGS, sync_reduce_doc},
    {NULL, NULL},
};

static PyType_Slot lock_slots[] = {
    {Py_tp_new, _interpsync_Lock},
    {Py_tp_dealloc, sync_dealloc},
    {Py_tp_repr, lock_repr},
    {Py_tp_doc, (void *)_interpsync_Lock__doc__},
    {Py_tp_methods, lock_methods},
    {Py_tp_getset, sync_getset},
    {0, NULL},
};


/* RLock ********************************************************************/

#define RLOCK(self) ((_rlock *)SYNC(self))

/*[clinic input]
@classmethod
_interpsync.RLock.__new__

A reentrant lock that every interpreter sees (threading.RLock).

Its owner is a thread of an interpreter: the same OS thread running in
another interpreter (interp.call(), for one) is another owner.  Only
the owner may release it.  When an interpreter is closed, the RLocks
that its threads own are released.
[clinic start generated code]*/

static PyObject *
_interpsync_RLock_impl(PyTypeObject *type)
/*[clinic end generated code: output=75768b4f6716d4f4 input=4662430af3ab37c0]*/
{
    return wrap_new(type, sync_new(KIND_RLOCK, sizeof(_rlock)));
}

/*[clinic input]
_interpsync.RLock.acquire

    blocking: bool = True
    timeout as timeout_obj: object(c_default="NULL") = -1

Acquire the lock, or add one level if this thread already owns it.

The arguments and the result are those of Lock.acquire().
[clinic start generated code]*/

static PyObject *
_interpsync_RLock_acquire_impl(syncobject *self, int blocking,
                               PyObject *timeout_obj)
/*[clinic end generated code: output=25776ef03c12b5d0 input=1a55699e92764327]*/
{
    PyTime_t timeout;
    if (lock_timeout(blocking, timeout_obj, &timeout) < 0) {
        return NULL;
    }
    int r = rlock_acquire_timed(RLOCK(self), timeout);
    if (r < 0) {
        return NULL;
    }
    return PyBool_FromLong(r);
}

/*[clinic input]
_interpsync.RLock.__enter__

Acquire the lock (waiting for it).
[clinic start generated code]*/

static PyObject *
_interpsync_RLock___enter___impl(syncobject *self)
/*[clinic end generated code: output=aea28200ae208610 input=147e438366173aea]*/
{
    if (rlock_acquire_timed(RLOCK(self), -1) < 0) {
        return NULL;
    }
    Py_RETURN_TRUE;
}

/*[clinic input]
_interpsync.RLock.release

Drop one level; the last one releases the lock.

RuntimeError if this thread (of this interpreter) does not own it.
[clinic start generated code]*/

static PyObject *
_interpsync_RLock_release_impl(syncobject *self)
/*[clinic end generated code: output=7afb182e23e72cf3 input=962332a8be3483c7]*/
{
    if (rlock_release(RLOCK(self)) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

/*[clinic input]
_interpsync.RLock.__exit__

    *args: object

Release the lock (one level).
[clinic start generated code]*/

static PyObject *
_interpsync_RLock___exit___impl(syncobject *self, PyObject *args)
/*[clinic end generated code: output=8e3bf14d4b1004d9 input=31ee324879662b09]*/
{
    return _interpsync_RLock_release_impl(self);
}

/*[clinic input]
_interpsync.RLock.locked

Return whether the lock is held by any thread.
[clinic start generated code]*/

static PyObject *
_interpsync_RLock_locked_impl(syncobject *self)
/*[clinic end generated code: output=2239c6ab3d730be4 input=5c3635e0f57dfbe7]*/
{
    return PyBool_FromLong(PyMutex_IsLocked(&RLOCK(self)->mutex));
}

/*[clinic input]
_interpsync.RLock._is_owned

Return whether this thread of this interpreter owns the lock.
[clinic start generated code]*/

static PyObject *
_interpsync_RLock__is_owned_impl(syncobject *self)
/*[clinic end generated code: output=4860cd0481c9b0f0 input=29e832b5a328cdca]*/
{
    return PyBool_FromLong(sync_lock_is_owned(SYNC(self)));
}

/*[clinic input]
_interpsync.RLock._release_save

Release the lock fully and return its state (for threading.Condition).
[clinic start generated code]*/

static PyObject *
_interpsync_RLock__release_save_impl(syncobject *self)
/*[clinic end generated code: output=c7b774a0e8b53a5b input=8bca3c922b5e81a7]*/
{
    _rlock *rlock = RLOCK(self);
    if (rlock->count == 0 || !sync_lock_is_owned(SYNC(self))) {
        PyErr_SetString(PyExc_RuntimeError,
                        "cannot release un-acquired lock");
        return NULL;
    }
    Py_ssize_t count = sync_lock_release_save(SYNC(self));
    return PyLong_FromSsize_t(count);
}

/*[clinic input]
_interpsync.RLock._acquire_restore

    state: Py_ssize_t
    /

Acquire the lock and restore the state from _release_save().
[clinic start generated code]*/

static PyObject *
_interpsync_RLock__acquire_restore_impl(syncobject *self, Py_ssize_t state)
/*[clinic end generated code: output=b3db498d472df713 input=aafc82868504f603]*/
{
    if (state < 1) {
        PyErr_SetString(PyExc_ValueError, "invalid RLock state");
        return NULL;
    }
    sync_lock_acquire_restore(SYNC(self), state);
    Py_RETURN_NONE;
}

static PyObject *
rlock_repr(PyObject *self)
{
    _rlock *rlock = RLOCK(self);
    int64_t interpid = _Py_atomic_load_int64(&rlock->owner_interp);
    PyThread_ident_t tid =
        (PyThread_ident_t)_Py_atomic_load_uint64(&rlock->owner_thread);
    Py_ssize_t count = tid ? rlock->count : 0;
    interpid = interpid > 0 ? interpid - 1 : -1;
    return PyUnicode_FromFormat(
        "<%s %s object owner=%" PY_FORMAT_THREAD_IDENT_T " interp=%lld"
        " count=%zd at %p>",
        PyMutex_IsLocked(&rlock->mutex) ? "locked" : "unlocked",
        Py_TYPE(self)->tp_name, tid, (long long)interpid, count, self);
}

static PyMethodDef rlock_methods[] = {
    _INTERPSYNC_RLOCK_ACQUIRE_METHODDEF
    _INTERPSYNC_RLOCK_RELEASE_METHODDEF
    _INTERPSYNC_RLOCK_LOCKED_METHODDEF
    _INTERPSYNC_RLOCK___ENTER___METHODDEF
    _INTERPSYNC_RLOCK___EXIT___METHODDEF
    _INTERPSYNC_RLOCK__IS_OWNED_METHODDEF
    _INTERPSYNC_RLOCK__RELEASE_SAVE_METHODDEF
    _INTERPSYNC_RLOCK__ACQUIRE_RESTORE_METHODDEF
    {"__reduce__", sync_reduce, METH_NOARGS, sync_reduce_doc},
    {NULL, NULL},
};

static PyType_Slot rlock_slots[] = {
    {Py_tp_new, _interpsync_RLock},
    {Py_tp_dealloc, sync_dealloc},
    {Py_tp_repr, rlock_repr},
    {Py_tp_doc, (void *)_interpsync_RLock__doc__},
    {Py_tp_methods, rlock_methods},
    {Py_tp_getset, sync_getset},
    {0, NULL},
};


/* Event ********************************************************************/

#define EVENT(self) ((_event *)SYNC(self))

/*[clinic input]
@classmethod
_interpsync.Event.__new__

An event that every interpreter sees (threading.Event).

It holds a flag, false at first: set() sets it and wakes every thread
(of every interpreter) waiting in wait(), clear() resets it.
[clinic start generated code]*/

static PyObject *
_interpsync_Event_impl(PyTypeObject *type)
/*[clinic end generated code: output=5810fa86613cf3ff input=b9eea28bdfe3f5a6]*/
{
    return wrap_new(type, sync_new(KIND_EVENT, sizeof(_event)));
}

/*[clinic input]
_interpsync.Event.is_set

Return True if the flag is set.
[clinic start generated code]*/

static PyObject *
_interpsync_Event_is_set_impl(syncobject *self)
/*[clinic end generated code: output=d90132ad4fd29e28 input=9b865264984df802]*/
{
    return PyBool_FromLong(_Py_atomic_load_uint32(&EVENT(self)->state) & 1);
}

/*[clinic input]
_interpsync.Event.set

Set the flag and wake every waiting thread.
[clinic start generated code]*/

static PyObject *
_interpsync_Event_set_impl(syncobject *self)
/*[clinic end generated code: output=4033b4dcec05517f input=f61ce35ec7ce0a37]*/
{
    _event *event = EVENT(self);
    uint32_t v = _Py_atomic_load_uint32(&event->state);
    for (;;) {
        if (v & 1) {
            Py_RETURN_NONE;
        }
        uint32_t newv = (v + 2) | 1;
        if (_Py_atomic_compare_exchange_uint32(&event->state, &v, newv)) {
            break;
        }
    }
    _PyParkingLot_UnparkAll(&event->state);
    Py_RETURN_NONE;
}

/*[clinic input]
_interpsync.Event.clear

Reset the flag: wait() then waits until set() is called again.
[clinic start generated code]*/

static PyObject *
_interpsync_Event_clear_impl(syncobject *self)
/*[clinic end generated code: output=d1b2a7cb2cc7bc4a input=a47ed8cf91c7b9cf]*/
{
    _event *event = EVENT(self);
    uint32_t v = _Py_atomic_load_uint32(&event->state);
    while (v & 1) {
        if (_Py_atomic_compare_exchange_uint32(&event->state, &v, v & ~1u)) {
            break;
        }
    }
    Py_RETURN_NONE;
}

/*[clinic input]
_interpsync.Event.wait

    timeout as timeout_obj: object = None

Wait until the flag is set, for at most "timeout" seconds if given.

Return True if the flag was set (even if it was cleared again since),
False on timeout.
[clinic start generated code]*/

static PyObject *
_interpsync_Event_wait_impl(syncobject *self, PyObject *timeout_obj)
/*[clinic end generated code: output=2fad1f9a671aae83 input=ece0d08f1f6a2a17]*/
{
    _event *event = EVENT(self);
    uint32_t v = _Py_atomic_load_uint32(&event->state);
    if (v & 1) {
        Py_RETURN_TRUE;
    }
    PyTime_t timeout;
    if (wait_timeout(timeout_obj, &timeout) < 0) {
        return NULL;
    }
    if (timeout == 0) {
        Py_RETURN_FALSE;
    }
    PyTime_t deadline = timeout > 0 ? _PyDeadline_Init(timeout) : 0;
    uint32_t gen = v >> 1;
    for (;;) {
        int r = park_word(&event->state, v, timeout, deadline);
        if (r < 0) {
            return NULL;
        }
        v = _Py_atomic_load_uint32(&event->state);
        if ((v & 1) || (v >> 1) != gen) {
            Py_RETURN_TRUE;
        }
        if (r == 1) {
            Py_RETURN_FALSE;
        }
    }
}

static PyObject *
event_repr(PyObject *self)
{
    int set = _Py_atomic_load_uint32(&EVENT(self)->state) & 1;
    return PyUnicode_FromFormat("<%s at %p: %s>", Py_TYPE(self)->tp_name,
                                self, set ? "set" : "unset");
}

static PyMethodDef event_methods[] = {
    _INTERPSYNC_EVENT_IS_SET_METHODDEF
    _INTERPSYNC_EVENT_SET_METHODDEF
    _INTERPSYNC_EVENT_CLEAR_METHODDEF
    _INTERPSYNC_EVENT_WAIT_METHODDEF
    {"__reduce__", sync_reduce, METH_NOARGS, sync_reduce_doc},
    {NULL, NULL},
};

static PyType_Slot event_slots[] = {
    {Py_tp_new, _interpsync_Event},
    {Py_tp_dealloc, sync_dealloc},
    {Py_tp_repr, event_repr},
    {Py_tp_doc, (void *)_interpsync_Event__doc__},
    {Py_tp_methods, event_methods},
    {Py_tp_getset, sync_getset},
    {0, NULL},
};


/* Semaphore and BoundedSemaphore *******************************************/

#define SEMA(self) ((_sema *)SYNC(self))

static _sync *
sema_new(int kind, Py_ssize_t value)
{
    if (value < 0) {
        PyErr_SetString(PyExc_ValueError,
                        "semaphore initial value must be >= 0");
        return NULL;
    }
    _sema *sema = (_sema *)sync_new(kind, sizeof(_sema));
    if (sema == NULL) {
        return NULL;
    }
    sema->value = value;
    sema->initial = kind == KIND_BOUNDED ? value : -1;
    return &sema->base;
}

/*[clinic input]
@classmethod
_interpsync.Semaphore.__new__

    value: Py_ssize_t = 1

A semaphore that every interpreter sees (threading.Semaphore).

It holds a counter: acquire() waits while it is zero, then decrements
it; release() increments it.
[clinic start generated code]*/

static PyObject *
_interpsync_Semaphore_impl(PyTypeObject *type, Py_ssize_t value)
/*[clinic end generated code: output=ae216d7176c494e8 input=2539bda6785e145a]*/
{
    return wrap_new(type, sema_new(KIND_SEMAPHORE, value));
}

/*[clinic input]
@classmethod
_interpsync.BoundedSemaphore.__new__

    value: Py_ssize_t = 1

A bounded semaphore that every interpreter sees.

Like Semaphore, but release() raises ValueError when it would raise the
counter above its initial value (threading.BoundedSemaphore).
[clinic start generated code]*/

static PyObject *
_interpsync_BoundedSemaphore_impl(PyTypeObject *type, Py_ssize_t value)
/*[clinic end generated code: output=1140f76db27c73eb input=1534173832da8ddd]*/
{
    return wrap_new(type, sema_new(KIND_BOUNDED, value));
}

static int
sema_acquire(_sema *sema, PyTime_t timeout)
{
    PyMutex_Lock(&sema->mutex);
    if (sema->value > 0) {
        sema->value--;
        PyMutex_Unlock(&sema->mutex);
        return 1;
    }
    if (timeout == 0) {
        PyMutex_Unlock(&sema->mutex);
        return 0;
    }
    PyTime_t deadline = timeout > 0 ? _PyDeadline_Init(timeout) : 0;
    for (;;) {
        uint32_t seen = _Py_atomic_load_uint32(&sema->seq);
        PyMutex_Unlock(&sema->mutex);
        int r = park_word(&sema->seq, seen, timeout, deadline);
        PyMutex_Lock(&sema->mutex);
        if (sema->value > 0) {
            sema->value--;
            PyMutex_Unlock(&sema->mutex);
            return 1;
        }
        if (r != 0) {
            PyMutex_Unlock(&sema->mutex);
            return r < 0 ? -1 : 0;
        }
    }
}

/*[clinic input]
_interpsync.Semaphore.acquire

    blocking: bool = True
    timeout as timeout_obj: object = None

Decrement the counter, waiting while it is zero if "blocking" is true.

Return True once it was decremented, False if "blocking" is false or
"timeout" (seconds) ran out first.
[clinic start generated code]*/

static PyObject *
_interpsync_Semaphore_acquire_impl(syncobject *self, int blocking,
                                   PyObject *timeout_obj)
/*[clinic end generated code: output=f54eda4e80d5037c input=50ba626d9b7b583f]*/
{
    if (!blocking && timeout_obj != Py_None) {
        PyErr_SetString(PyExc_ValueError,
                        "can't specify timeout for non-blocking acquire");
        return NULL;
    }
    PyTime_t timeout = 0;
    if (blocking && wait_timeout(timeout_obj, &timeout) < 0) {
        return NULL;
    }
    int r = sema_acquire(SEMA(self), timeout);
    if (r < 0) {
        return NULL;
    }
    return PyBool_FromLong(r);
}

/*[clinic input]
_interpsync.Semaphore.__enter__

Decrement the counter (waiting while it is zero).
[clinic start generated code]*/

static PyObject *
_interpsync_Semaphore___enter___impl(syncobject *self)
/*[clinic end generated code: output=efb766179174225c input=b4bb75bb7a234de7]*/
{
    if (sema_acquire(SEMA(self), -1) < 0) {
        return NULL;
    }
    Py_RETURN_TRUE;
}

/*[clinic input]
_interpsync.Semaphore.release

    n: Py_ssize_t = 1

Add "n" to the counter and wake the threads waiting for it.

A BoundedSemaphore raises ValueError when the counter would go above
its initial value.
[clinic start generated code]*/

static PyObject *
_interpsync_Semaphore_release_impl(syncobject *self, Py_ssize_t n)
/*[clinic end generated code: output=e9e7445c3e06f8a4 input=9adfea378a4377a4]*/
{
    if (n < 1) {
        PyErr_SetString(PyExc_ValueError, "n must be one or more");
        return NULL;
    }
    _sema *sema = SEMA(self);
    PyMutex_Lock(&sema->mutex);
    if ((sema->initial >= 0 && n > sema->initial - sema->value)
        || n > PY_SSIZE_T_MAX - sema->value)
    {
        PyMutex_Unlock(&sema->mutex);
        if (sema->initial >= 0) {
            PyErr_SetString(PyExc_ValueError,
                            "Semaphore released too many times");
        }
        else {
            PyErr_SetString(PyExc_OverflowError,
                            "semaphore value is too large");
        }
        return NULL;
    }
    sema->value += n;
    _Py_atomic_add_uint32(&sema->seq, 1);
    PyMutex_Unlock(&sema->mutex);
    _PyParkingLot_UnparkAll(&sema->seq);
    Py_RETURN_NONE;
}

/*[clinic input]
_interpsync.Semaphore.__exit__

    *args: object

Release the semaphore (add 1 to the counter).
[clinic start generated code]*/

static PyObject *
_interpsync_Semaphore___exit___impl(syncobject *self, PyObject *args)
/*[clinic end generated code: output=c2e534117c91649a input=9c4ecf88b8c5447c]*/
{
    return _interpsync_Semaphore_release_impl(self, 1);
}

static PyObject *
sema_repr(PyObject *self)
{
    _sema *sema = SEMA(self);
    PyMutex_Lock(&sema->mutex);
    Py_ssize_t value = sema->value;
    PyMutex_Unlock(&sema->mutex);
    if (sema->initial >= 0) {
        return PyUnicode_FromFormat("<%s at %p: value=%zd/%zd>",
                                    Py_TYPE(self)->tp_name, self,
                                    value, sema->initial);
    }
    return PyUnicode_FromFormat("<%s at %p: value=%zd>",
                                Py_TYPE(self)->tp_name, self, value);
}

static PyObject *
sema_get_value(PyObject *self, void *Py_UNUSED(closure))
{
    _sema *sema = SEMA(self);
    PyMutex_Lock(&sema->mutex);
    Py_ssize_t value = sema->value;
    PyMutex_Unlock(&sema->mutex);
    return PyLong_FromSsize_t(value);
}

static PyGetSetDef sema_getset[] = {
    {"_id", sync_get_id, NULL,
     PyDoc_STR("The primitive's process-wide id."), NULL},
    {"_value", sema_get_value, NULL,
     PyDoc_STR("The counter (as threading.Semaphore._value)."), NULL},
    {NULL},
};

static PyMethodDef sema_methods[] = {
    _INTERPSYNC_SEMAPHORE_ACQUIRE_METHODDEF
    _INTERPSYNC_SEMAPHORE_RELEASE_METHODDEF
    _INTERPSYNC_SEMAPHORE___ENTER___METHODDEF
    _INTERPSYNC_SEMAPHORE___EXIT___METHODDEF
    {"__reduce__", sync_reduce, METH_NOARGS, sync_reduce_doc},
    {NULL, NULL},
};

static PyType_Slot sema_slots[] = {
    {Py_tp_new, _interpsync_Semaphore},
    {Py_tp_dealloc, sync_dealloc},
    {Py_tp_repr, sema_repr},
    {Py_tp_doc, (void *)_interpsync_Semaphore__doc__},
    {Py_tp_methods, sema_methods},
    {Py_tp_getset, sema_getset},
    {0, NULL},
};

static PyType_Slot bounded_slots[] = {
    {Py_tp_new, _interpsync_BoundedSemaphore},
    {Py_tp_dealloc, sync_dealloc},
    {Py_tp_repr, sema_repr},
    {Py_tp_doc, (void *)_interpsync_BoundedSemaphore__doc__},
    {Py_tp_methods, sema_methods},
    {Py_tp_getset, sema_getset},
    {0, NULL},
};


/* Condition ****************************************************************/

#define COND(self) ((_cond *)SYNC(self))

/*[clinic input]
@classmethod
_interpsync.Condition.__new__

    lock: object = None

A condition variable that every interpreter sees (threading.Condition).

"lock" must be a Lock or an RLock of concurrent.interpreters; by
default a new RLock is made.  The condition's acquire(), release() and
"with" act on that lock.
[clinic start generated code]*/

static PyObject *
_interpsync_Condition_impl(PyTypeObject *type, PyObject *lock)
/*[clinic end generated code: output=56b3d30b229f7b89 input=df89aeca6f33862d]*/
{
    module_state *state = state_from_type(type);
    if (state == NULL) {
        return NULL;
    }
    if (state->types[KIND_LOCK] == NULL) {
        PyErr_SetString(PyExc_RuntimeError,
                        "the _interpsync module was cleared");
        return NULL;
    }
    if (lock == Py_None) {
        lock = wrap_new(state->types[KIND_RLOCK],
                        sync_new(KIND_RLOCK, sizeof(_rlock)));
        if (lock == NULL) {
            return NULL;
        }
    }
    else if (Py_IS_TYPE(lock, state->types[KIND_LOCK])
             || Py_IS_TYPE(lock, state->types[KIND_RLOCK]))
    {
        Py_INCREF(lock);
    }
    else {
        PyErr_Format(PyExc_TypeError,
                     "Condition() needs a concurrent.interpreters Lock or "
                     "RLock as its lock, not %T", lock);
        return NULL;
    }
    _cond *cond = (_cond *)sync_new(KIND_CONDITION, sizeof(_cond));
    if (cond == NULL) {
        Py_DECREF(lock);
        return NULL;
    }
    cond->lock = SYNC(lock);
    sync_incref(cond->lock);
    PyObject *self = wrap_new(type, &cond->base);
    if (self == NULL) {
        Py_DECREF(lock);
        return NULL;
    }
    ((condobject *)self)->lock = lock;
    return self;
}

static PyObject *
cond_call_lock(condobject *self, const char *name, PyObject *const *args,
               size_t nargsf, PyObject *kwnames)
{
    PyObject *meth = PyObject_GetAttrString(self->lock, name);
    if (meth == NULL) {
        return NULL;
    }
    PyObject *res = PyObject_Vectorcall(meth, args, nargsf, kwnames);
    Py_DECREF(meth);
    return res;
}

static PyObject *
cond_acquire(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
             PyObject *kwnames)
{
    return cond_call_lock((condobject *)self, "acquire", args, nargs,
                          kwnames);
}

PyDoc_STRVAR(cond_acquire_doc,
"acquire($self, /, blocking=True, timeout=-1)\n\
--\n\
\n\
Acquire the condition's lock (see Lock.acquire()).");

static PyObject *
cond_release(PyObject *self, PyObject *Py_UNUSED(ignored))
{
    return cond_call_lock((condobject *)self, "release", NULL, 0, NULL);
}

PyDoc_STRVAR(cond_release_doc,
"release($self, /)\n\
--\n\
\n\
Release the condition's lock.");

static PyObject *
cond_enter(PyObject *self, PyObject *Py_UNUSED(ignored))
{
    return cond_call_lock((condobject *)self, "__enter__", NULL, 0, NULL);
}

PyDoc_STRVAR(cond_enter_doc,
"__enter__($self, /)\n\
--\n\
\n\
Acquire the condition's lock.");

static PyObject *
cond_exit(PyObject *self, PyObject *args)
{
    return cond_call_lock((condobject *)self, "release", NULL, 0, NULL);
}

PyDoc_STRVAR(cond_exit_doc,
"__exit__($self, /, *exc_info)\n\
--\n\
\n\
Release the condition's lock.");

static void
cond_unlink(_cond *cond, _waiter *w)
{
    if (w->prev != NULL) {
        w->prev->next = w->next;
    }
    else {
        cond->head = w->next;
    }
    if (w->next != NULL) {
        w->next->prev = w->prev;
    }
    else {
        cond->tail = w->prev;
    }
    w->prev = w->next = NULL;
    cond->nwaiters--;
}

/* Wait for a notification; return 1 if notified, 0 on timeout, -1 with an
   exception.  The lock is held on entry and on return (also on error). */
static int
cond_wait(_cond *cond, PyTime_t timeout)
{
    if (!sync_lock_is_owned(cond->lock)) {
        PyErr_SetString(PyExc_RuntimeError,
                        "cannot wait on un-acquired lock");
        return -1;
    }
    _waiter w = {NULL, NULL, 0};
    PyMutex_Lock(&cond->mutex);
    w.prev = cond->tail;
    if (cond->tail != NULL) {
        cond->tail->next = &w;
    }
    else {
        cond->head = &w;
    }
    cond->tail = &w;
    cond->nwaiters++;
    PyMutex_Unlock(&cond->mutex);

    Py_ssize_t saved = sync_lock_release_save(cond->lock);

    int r = 0;
    if (timeout != 0) {
        PyTime_t deadline = timeout > 0 ? _PyDeadline_Init(timeout) : 0;
        while (!_Py_atomic_load_uint8(&w.notified)) {
            r = park_byte(&w.notified, 0, timeout, deadline);
            if (r != 0) {
                break;
            }
        }
    }

    // A notifier unlinks us and wakes us under the mutex.
    PyMutex_Lock(&cond->mutex);
    int notified = _Py_atomic_load_uint8(&w.notified);
    if (!notified) {
        cond_unlink(cond, &w);
    }
    PyMutex_Unlock(&cond->mutex);

    sync_lock_acquire_restore(cond->lock, saved);
    if (r < 0) {
        return -1;
    }
    return notified;
}

/*[clinic input]
_interpsync.Condition.wait

    timeout as timeout_obj: object = None

Release the lock, wait until notified or timed out, then re-acquire it.

The lock must be held (RuntimeError otherwise).  Return True when
notified, False on timeout.  The lock is held again on return, even
when the wait was interrupted, and even when the notifying thread's
interpreter was closed while it held the lock.
[clinic start generated code]*/

static PyObject *
_interpsync_Condition_wait_impl(condobject *self, PyObject *timeout_obj)
/*[clinic end generated code: output=275135474f7cc506 input=e908516cadddd609]*/
{
    PyTime_t timeout;
    if (wait_timeout(timeout_obj, &timeout) < 0) {
        return NULL;
    }
    int r = cond_wait(COND(self), timeout);
    if (r < 0) {
        return NULL;
    }
    return PyBool_FromLong(r);
}

/*[clinic input]
_interpsync.Condition.wait_for

    predicate: object
    timeout as timeout_obj: object = None

Wait until the predicate (a callable) is true, or the timeout runs out.

Return the predicate's last result, as threading.Condition.wait_for().
[clinic start generated code]*/

static PyObject *
_interpsync_Condition_wait_for_impl(condobject *self, PyObject *predicate,
                                    PyObject *timeout_obj)
/*[clinic end generated code: output=36e10cc25287cb4f input=49e21487cc26ccf1]*/
{
    PyTime_t timeout;
    if (wait_timeout(timeout_obj, &timeout) < 0) {
        return NULL;
    }
    PyTime_t deadline = timeout > 0 ? _PyDeadline_Init(timeout) : 0;
    PyObject *result = PyObject_CallNoArgs(predicate);
    for (;;) {
        if (result == NULL) {
            return NULL;
        }
        int ok = PyObject_IsTrue(result);
        if (ok < 0) {
            Py_DECREF(result);
            return NULL;
        }
        if (ok) {
            return result;
        }
        PyTime_t wait = timeout;
        if (timeout > 0) {
            wait = _PyDeadline_Get(deadline);
            if (wait <= 0) {
                return result;
            }
        }
        else if (timeout == 0) {
            // threading waits once without blocking, then tests again.
            if (cond_wait(COND(self), 0) < 0) {
                Py_DECREF(result);
                return NULL;
            }
            Py_DECREF(result);
            return PyObject_CallNoArgs(predicate);
        }
        Py_DECREF(result);
        if (cond_wait(COND(self), wait) < 0) {
            return NULL;
        }
        result = PyObject_CallNoArgs(predicate);
    }
}

static int
cond_notify(_cond *cond, Py_ssize_t n)
{
    if (!sync_lock_is_owned(cond->lock)) {
        PyErr_SetString(PyExc_RuntimeError,
                        "cannot notify on un-acquired lock");
        return -1;
    }
    PyMutex_Lock(&cond->mutex);
    while (n-- > 0 && cond->head != NULL) {
        _waiter *w = cond->head;
        cond_unlink(cond, w);
        _Py_atomic_store_uint8(&w->notified, 1);
        // Under the mutex: the waiter cannot return (and its _waiter go
        // away) before it takes the mutex.
        _PyParkingLot_UnparkAll(&w->notified);
    }
    PyMutex_Unlock(&cond->mutex);
    return 0;
}

/*[clinic input]
_interpsync.Condition.notify

    n: Py_ssize_t = 1

Wake up at most "n" threads waiting on the condition.

The lock must be held (RuntimeError otherwise).
[clinic start generated code]*/

static PyObject *
_interpsync_Condition_notify_impl(condobject *self, Py_ssize_t n)
/*[clinic end generated code: output=e28851e3ecb97278 input=57445db3ca724bb9]*/
{
    if (cond_notify(COND(self), n) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

/*[clinic input]
_interpsync.Condition.notify_all

Wake up every thread waiting on the condition.

The lock must be held (RuntimeError otherwise).
[clinic start generated code]*/

static PyObject *
_interpsync_Condition_notify_all_impl(condobject *self)
/*[clinic end generated code: output=cf569b09848ad104 input=f8bf6d8156d919a8]*/
{
    if (cond_notify(COND(self), PY_SSIZE_T_MAX) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

/*[clinic input]
_interpsync.Condition._is_owned

Return whether the condition's lock is held (by this thread, for an RLock).
[clinic start generated code]*/

static PyObject *
_interpsync_Condition__is_owned_impl(condobject *self)
/*[clinic end generated code: output=0702982ebe52bd65 input=deacf01f4c2378d1]*/
{
    return PyBool_FromLong(sync_lock_is_owned(COND(self)->lock));
}

static PyObject *
cond_repr(PyObject *self)
{
    _cond *cond = COND(self);
    PyMutex_Lock(&cond->mutex);
    Py_ssize_t n = cond->nwaiters;
    PyMutex_Unlock(&cond->mutex);
    return PyUnicode_FromFormat("<%s(%R, %zd)>", "Condition",
                                ((condobject *)self)->lock, n);
}

static PyMemberDef cond_members[] = {
    {"_lock", Py_T_OBJECT_EX, offsetof(condobject, lock), Py_READONLY,
     PyDoc_STR("The condition's lock.")},
    {NULL},
};

static PyMethodDef cond_methods[] = {
    {"acquire", _PyCFunction_CAST(cond_acquire),
     METH_FASTCALL | METH_KEYWORDS, cond_acquire_doc},
    {"release", cond_release, METH_NOARGS, cond_release_doc},
    {"__enter__", cond_enter, METH_NOARGS, cond_enter_doc},
    {"__exit__", cond_exit, METH_VARARGS, cond_exit_doc},
    _INTERPSYNC_CONDITION_WAIT_METHODDEF
    _INTERPSYNC_CONDITION_WAIT_FOR_METHODDEF
    _INTERPSYNC_CONDITION_NOTIFY_METHODDEF
    _INTERPSYNC_CONDITION_NOTIFY_ALL_METHODDEF
    _INTERPSYNC_CONDITION__IS_OWNED_METHODDEF
    {"__reduce__", sync_reduce, METH_NOARGS, sync_reduce_doc},
    {NULL, NULL},
};

static PyType_Slot cond_slots[] = {
    {Py_tp_new, _interpsync_Condition},
    {Py_tp_dealloc, cond_dealloc},
    {Py_tp_repr, cond_repr},
    {Py_tp_doc, (void *)_interpsync_Condition__doc__},
    {Py_tp_methods, cond_methods},
    {Py_tp_members, cond_members},
    {Py_tp_getset, sync_getset},
    {0, NULL},
};


/* Barrier ******************************************************************/

#define BARRIER(self) ((_barrier *)SYNC(self))

/*[clinic input]
@classmethod
_interpsync.Barrier.__new__

    parties: Py_ssize_t
    action: object = None
    timeout as timeout_obj: object = None

A barrier for "parties" threads that every interpreter sees.

As threading.Barrier: each wait() blocks until "parties" threads (of
any interpreters) are waiting, then all of them go on.  "timeout" is
the default for wait().  "action" must be None: a callable cannot
cross interpreters (TypeError otherwise); run the code in the thread
whose wait() returns 0 instead.
[clinic start generated code]*/

static PyObject *
_interpsync_Barrier_impl(PyTypeObject *type, Py_ssize_t parties,
                         PyObject *action, PyObject *timeout_obj)
/*[clinic end generated code: output=74fad32a48967838 input=6e2c653c21fabdd4]*/
{
    if (action != Py_None) {
        PyErr_SetString(PyExc_TypeError,
                        "concurrent.interpreters.Barrier does not support "
                        "an action (a callable cannot cross interpreters); "
                        "run it in the thread whose wait() returns 0");
        return NULL;
    }
    if (parties < 1) {
        PyErr_SetString(PyExc_ValueError, "parties must be >= 1");
        return NULL;
    }
    PyTime_t timeout;
    if (wait_timeout(timeout_obj, &timeout) < 0) {
        return NULL;
    }
    _barrier *barrier = (_barrier *)sync_new(KIND_BARRIER, sizeof(_barrier));
    if (barrier == NULL) {
        return NULL;
    }
    barrier->parties = parties;
    barrier->timeout = timeout;
    barrier->state = BARRIER_FILLING;
    return wrap_new(type, &barrier->base);
}

/* Wait (the barrier's mutex held) until the state changes: 0 when it
   did, 1 on timeout, -1 with an exception. */
static int
barrier_wait_change(_barrier *b, PyTime_t timeout, PyTime_t deadline)
{
    uint32_t seen = _Py_atomic_load_uint32(&b->seq);
    PyMutex_Unlock(&b->mutex);
    int r = park_word(&b->seq, seen, timeout, deadline);
    PyMutex_Lock(&b->mutex);
    return r;
}

static void
barrier_notify(_barrier *b)
{
    _Py_atomic_add_uint32(&b->seq, 1);
    _PyParkingLot_UnparkAll(&b->seq);
}

static int
raise_broken(void)
{
    PyObject *exc = _PyImport_GetModuleAttrString("threading",
                                                  "BrokenBarrierError");
    if (exc != NULL) {
        PyErr_SetNone(exc);
        Py_DECREF(exc);
    }
    return -1;
}

/*[clinic input]
_interpsync.Barrier.wait

    timeout as timeout_obj: object = None

Wait until "parties" threads wait, and return this thread's index.

The index is an int from 0 to parties - 1, different for each thread.
If the timeout (by default the barrier's own) runs out, the barrier is
broken; a broken barrier (abort(), or reset() while threads wait)
raises threading.BrokenBarrierError.
[clinic start generated code]*/

static PyObject *
_interpsync_Barrier_wait_impl(syncobject *self, PyObject *timeout_obj)
/*[clinic end generated code: output=8a53e4dab215a12a input=b2c9496a50c7b1d1]*/
{
    _barrier *b = BARRIER(self);
    PyTime_t timeout = b->timeout;
    if (timeout_obj != Py_None && wait_timeout(timeout_obj, &timeout) < 0) {
        return NULL;
    }
    PyMutex_Lock(&b->mutex);
    // Wait for the previous round to drain or the reset to finish.
    while (b->state == BARRIER_DRAINING || b->state == BARRIER_RESETTING) {
        if (barrier_wait_change(b, -1, 0) < 0) {
            PyMutex_Unlock(&b->mutex);
            return NULL;
        }
    }
    if (b->state < 0) {
        PyMutex_Unlock(&b->mutex);
        return raise_broken(), NULL;
    }
    Py_ssize_t index = b->count++;
    int err = 0;
    if (index + 1 == b->parties) {
        b->state = BARRIER_DRAINING;
        barrier_notify(b);
    }
    else {
        PyTime_t deadline = timeout > 0 ? _PyDeadline_Init(timeout) : 0;
        while (b->state == BARRIER_FILLING) {
            if (timeout == 0) {
                b->state = BARRIER_BROKEN;
                barrier_notify(b);
                break;
            }
            int r = barrier_wait_change(b, timeout, deadline);
            if (r < 0) {
                err = -1;
                break;
            }
            if (r == 1 && b->state == BARRIER_FILLING) {
                b->state = BARRIER_BROKEN;
                barrier_notify(b);
            }
        }
        if (err == 0 && b->state < 0) {
            err = 1;
        }
    }
    b->count--;
    if (b->count == 0 && (b->state == BARRIER_RESETTING
                          || b->state == BARRIER_DRAINING))
    {
        b->state = BARRIER_FILLING;
        barrier_notify(b);
    }
    PyMutex_Unlock(&b->mutex);
    if (err < 0) {
        return NULL;
    }
    if (err > 0) {
        return raise_broken(), NULL;
    }
    return PyLong_FromSsize_t(index);
}

/*[clinic input]
_interpsync.Barrier.reset

Return the barrier to its empty state.

Threads waiting on it get threading.BrokenBarrierError.
[clinic start generated code]*/

static PyObject *
_interpsync_Barrier_reset_impl(syncobject *self)
/*[clinic end generated code: output=c77ff44e7ccfe1e1 input=e43bda07af84d031]*/
{
    _barrier *b = BARRIER(self);
    PyMutex_Lock(&b->mutex);
    if (b->count > 0) {
        if (b->state == BARRIER_FILLING || b->state == BARRIER_BROKEN) {
            b->state = BARRIER_RESETTING;
        }
    }
    else {
        b->state = BARRIER_FILLING;
    }
    barrier_notify(b);
    PyMutex_Unlock(&b->mutex);
    Py_RETURN_NONE;
}

/*[clinic input]
_interpsync.Barrier.abort

Break the barrier: every wait(), now or later, raises BrokenBarrierError.

reset() makes it usable again.
[clinic start generated code]*/

static PyObject *
_interpsync_Barrier_abort_impl(syncobject *self)
/*[clinic end generated code: output=a0c7eff0d65be580 input=663691ec74e61485]*/
{
    _barrier *b = BARRIER(self);
    PyMutex_Lock(&b->mutex);
    b->state = BARRIER_BROKEN;
    barrier_notify(b);
    PyMutex_Unlock(&b->mutex);
    Py_RETURN_NONE;
}

static PyObject *
barrier_get_parties(PyObject *self, void *Py_UNUSED(closure))
{
    return PyLong_FromSsize_t(BARRIER(self)->parties);
}

static Py_ssize_t
barrier_n_waiting(_barrier *b)
{
    PyMutex_Lock(&b->mutex);
    Py_ssize_t n = b->state == BARRIER_FILLING ? b->count : 0;
    PyMutex_Unlock(&b->mutex);
    return n;
}

static PyObject *
barrier_get_n_waiting(PyObject *self, void *Py_UNUSED(closure))
{
    return PyLong_FromSsize_t(barrier_n_waiting(BARRIER(self)));
}

static PyObject *
barrier_get_broken(PyObject *self, void *Py_UNUSED(closure))
{
    _barrier *b = BARRIER(self);
    PyMutex_Lock(&b->mutex);
    int broken = b->state == BARRIER_BROKEN;
    PyMutex_Unlock(&b->mutex);
    return PyBool_FromLong(broken);
}

static PyObject *
barrier_repr(PyObject *self)
{
    _barrier *b = BARRIER(self);
    PyMutex_Lock(&b->mutex);
    int broken = b->state == BARRIER_BROKEN;
    PyMutex_Unlock(&b->mutex);
    if (broken) {
        return PyUnicode_FromFormat("<%s at %p: broken>",
                                    Py_TYPE(self)->tp_name, self);
    }
    return PyUnicode_FromFormat("<%s at %p: waiters=%zd/%zd>",
                                Py_TYPE(self)->tp_name, self,
                                barrier_n_waiting(b), b->parties);
}

static PyGetSetDef barrier_getset[] = {
    {"_id", sync_get_id, NULL,
     PyDoc_STR("The primitive's process-wide id."), NULL},
    {"parties", barrier_get_parties, NULL,
     PyDoc_STR("The number of threads needed to pass the barrier."), NULL},
    {"n_waiting", barrier_get_n_waiting, NULL,
     PyDoc_STR("The number of threads waiting on the barrier now."), NULL},
    {"broken", barrier_get_broken, NULL,
     PyDoc_STR("True if the barrier is broken."), NULL},
    {NULL},
};

static PyMethodDef barrier_methods[] = {
    _INTERPSYNC_BARRIER_WAIT_METHODDEF
    _INTERPSYNC_BARRIER_RESET_METHODDEF
    _INTERPSYNC_BARRIER_ABORT_METHODDEF
    {"__reduce__", sync_reduce, METH_NOARGS, sync_reduce_doc},
    {NULL, NULL},
};

static PyType_Slot barrier_slots[] = {
    {Py_tp_new, _interpsync_Barrier},
    {Py_tp_dealloc, sync_dealloc},
    {Py_tp_repr, barrier_repr},
    {Py_tp_doc, (void *)_interpsync_Barrier__doc__},
    {Py_tp_methods, barrier_methods},
    {Py_tp_getset, barrier_getset},
    {0, NULL},
};


/* the module ***************************************************************/

#define TYPE_FLAGS (Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE)

static PyType_Spec type_specs[NUM_KINDS] = {
    {"concurrent.interpreters.Lock", sizeof(syncobject), 0, TYPE_FLAGS,
     lock_slots},
    {"concurrent.interpreters.RLock", sizeof(syncobject), 0, TYPE_FLAGS,
     rlock_slots},
    {"concurrent.interpreters.Event", sizeof(syncobject), 0, TYPE_FLAGS,
     event_slots},
    {"concurrent.interpreters.Semaphore", sizeof(syncobject), 0, TYPE_FLAGS,
     sema_slots},
    {"concurrent.interpreters.BoundedSemaphore", sizeof(syncobject), 0,
     TYPE_FLAGS, bounded_slots},
    {"concurrent.interpreters.Condition", sizeof(condobject), 0, TYPE_FLAGS,
     cond_slots},
    {"concurrent.interpreters.Barrier", sizeof(syncobject), 0, TYPE_FLAGS,
     barrier_slots},
};

/*[clinic input]
_interpsync._rebuild

    id: long_long
    pid: long
    /

Return this interpreter's object for the primitive with the id.

Used to unpickle a primitive made in the process "pid"; the first load
of a pickle drops the reference that the pickle held.
[clinic start generated code]*/

static PyObject *
_interpsync__rebuild_impl(PyObject *module, long long id, long pid)
/*[clinic end generated code: output=7a3170da825b239b input=32c404d9fe8042b9]*/
{
    if (pid != (long)getpid()) {
        PyErr_Format(PyExc_RuntimeError,
                     "a concurrent.interpreters primitive cannot be "
                     "unpickled in another process (made in process %ld)",
                     pid);
        return NULL;
    }
    _sync *sync = sync_lookup(id);
    if (sync == NULL) {
        PyErr_Format(PyExc_RuntimeError,
                     "the concurrent.interpreters primitive %lld no longer "
                     "exists: its pickle was loaded already and every "
                     "object of it is gone", id);
        return NULL;
    }
    PyObject *obj = wrap_sync(get_module_state(module), sync);
    if (obj != NULL) {
        hold_drop_one(sync);
    }
    sync_decref(sync);
    return obj;
}

/*[clinic input]
_interpsync._count

Return the number of live primitives and held pickles (for tests).
[clinic start generated code]*/

static PyObject *
_interpsync__count_impl(PyObject *module)
/*[clinic end generated code: output=c6272a3c208eed8d input=1d4b5650e8b2c047]*/
{
    Py_ssize_t nsync = 0, nholds = 0;
    PyMutex_Lock(&_globals.mutex);
    for (_sync *s = _globals.head; s != NULL; s = s->next) {
        nsync++;
    }
    for (_hold *h = _globals.holds; h != NULL; h = h->next) {
        nholds++;
    }
    PyMutex_Unlock(&_globals.mutex);
    return Py_BuildValue("nn", nsync, nholds);
}

static PyMethodDef module_functions[] = {
    _INTERPSYNC__REBUILD_METHODDEF
    _INTERPSYNC__COUNT_METHODDEF
    {NULL, NULL},
};

#ifdef HAVE_FORK
static void
_globals_before_fork(void)
{
    PyMutex_Lock(&_globals.mutex);
}

static void
_globals_after_fork_parent(void)
{
    PyMutex_Unlock(&_globals.mutex);
}

static void
_globals_after_fork_child(void)
{
    _globals.mutex = (PyMutex){0};
}
#endif

static int
module_exec(PyObject *mod)
{
    module_state *state = get_module_state(mod);
    for (int kind = 0; kind < NUM_KINDS; kind++) {
        PyTypeObject *type = (PyTypeObject *)PyType_FromModuleAndSpec(
            mod, &type_specs[kind], NULL);
        if (type == NULL) {
            return -1;
        }
        state->types[kind] = type;
        if (PyModule_AddType(mod, type) < 0) {
            return -1;
        }
        if (ensure_xid_class(type, sync_shared) < 0) {
            return -1;
        }
    }

    PyInterpreterState *interp = PyInterpreterState_Get();
    if (_Py_IsMainInterpreter(interp)) {
#ifdef HAVE_FORK
        static int atfork_done = 0;   // once per process, main only
        if (!atfork_done) {
            if (pthread_atfork(_globals_before_fork,
                               _globals_after_fork_parent,
                               _globals_after_fork_child) != 0)
            {
                PyErr_SetString(PyExc_RuntimeError,
                                "pthread_atfork() failed");
                return -1;
            }
            atfork_done = 1;
        }
#endif
    }
    // Release the RLocks and pickles that the interpreter leaves behind.
    int64_t key = PyInterpreterState_GetID(interp) + 1;  // as an owner
    if (PyUnstable_AtExit(interp, clear_interpreter, (void *)(intptr_t)key)
        < 0)
    {
        return -1;
    }
    return 0;
}

static int
module_traverse(PyObject *mod, visitproc visit, void *arg)
{
    module_state *state = get_module_state(mod);
    for (int kind = 0; kind < NUM_KINDS; kind++) {
        Py_VISIT(state->types[kind]);
    }
    return 0;
}

static int
module_clear(PyObject *mod)
{
    module_state *state = get_module_state(mod);
    for (int kind = 0; kind < NUM_KINDS; kind++) {
        if (state->types[kind] != NULL) {
            (void)clear_xid_class(state->types[kind]);
            Py_CLEAR(state->types[kind]);
        }
    }
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
"Synchronization primitives shared by every interpreter.\n\
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
