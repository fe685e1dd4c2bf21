/* _interpmem: memory shared between interpreters and zero-copy transfer (SPEC B6, B7).

   The public API is in Lib/concurrent/interpreters/; this module holds
   SharedBuffer, its atomics view, and transfer tokens.  The state they share lives outside any interpreter, allocated
   with the raw allocator. */

#ifndef Py_BUILD_CORE_BUILTIN
#  define Py_BUILD_CORE_MODULE 1
#endif

#include "Python.h"


#define MODULE_NAME _interpmem
#define MODULE_NAME_STR Py_STRINGIFY(MODULE_NAME)
#define _RESOLVE_MODINIT_FUNC_NAME(NAME) PyInit_ ## NAME
#define RESOLVE_MODINIT_FUNC_NAME(NAME) _RESOLVE_MODINIT_FUNC_NAME(NAME)
#define MODINIT_FUNC_NAME RESOLVE_MODINIT_FUNC_NAME(MODULE_NAME)


typedef struct {
    int unused;
} module_state;


static int
module_exec(PyObject *mod)
{
    return 0;
}

static struct PyModuleDef_Slot module_slots[] = {
    {Py_mod_exec, module_exec},
    {Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED},
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
    {0, NULL},
};

PyDoc_STRVAR(module_doc,
"memory shared between interpreters and zero-copy transfer (SPEC B6, B7).\n\nA fork extension; use concurrent.interpreters instead.");

static struct PyModuleDef moduledef = {
    .m_base = PyModuleDef_HEAD_INIT,
    .m_name = MODULE_NAME_STR,
    .m_doc = module_doc,
    .m_size = sizeof(module_state),
    .m_slots = module_slots,
};

PyMODINIT_FUNC
MODINIT_FUNC_NAME(void)
{
    return PyModuleDef_Init(&moduledef);
}
