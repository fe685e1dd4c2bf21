/* A small C extension module for scripts/check-install.
 *
 * It uses multi-phase initialization (PEP 489) and declares that it supports
 * a per-interpreter GIL, so an installed fork must be able to build it with
 * the flags of python3.13-config and sysconfig, and import it both in the
 * main interpreter and in a subinterpreter made by concurrent.interpreters.
 * Each module object keeps its own state: a call counter.
 *
 * Built with -DPEP734EXT_NOT_ISOLATED, the module declares that it does not
 * support subinterpreters; check-install uses that build to show that the
 * subinterpreter import check can fail.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>

typedef struct {
    long calls;
} pep734ext_state;

static inline pep734ext_state *
get_state(PyObject *module)
{
    void *state = PyModule_GetState(module);
    assert(state != NULL);
    return (pep734ext_state *)state;
}

PyDoc_STRVAR(interpreter_id_doc,
"interpreter_id()\n\
--\n\
\n\
Return the id of the interpreter that runs the call.");

static PyObject *
pep734ext_interpreter_id(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    PyInterpreterState *interp = PyInterpreterState_Get();
    return PyLong_FromLongLong(PyInterpreterState_GetID(interp));
}

PyDoc_STRVAR(count_doc,
"count()\n\
--\n\
\n\
Add one to this module object's call counter and return it.");

static PyObject *
pep734ext_count(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    pep734ext_state *state = get_state(module);
    state->calls++;
    return PyLong_FromLong(state->calls);
}

static PyMethodDef pep734ext_methods[] = {
    {"interpreter_id", pep734ext_interpreter_id, METH_NOARGS,
     interpreter_id_doc},
    {"count", pep734ext_count, METH_NOARGS, count_doc},
    {NULL, NULL, 0, NULL}
};

static int
pep734ext_exec(PyObject *module)
{
    pep734ext_state *state = get_state(module);
    state->calls = 0;
    if (PyModule_AddIntConstant(module, "multi_phase", 1) < 0) {
        return -1;
    }
    return 0;
}

static PyModuleDef_Slot pep734ext_slots[] = {
    {Py_mod_exec, pep734ext_exec},
#ifdef PEP734EXT_NOT_ISOLATED
    {Py_mod_multiple_interpreters, Py_MOD_MULTIPLE_INTERPRETERS_NOT_SUPPORTED},
#else
    {Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED},
#endif
    {0, NULL}
};

PyDoc_STRVAR(pep734ext_doc,
"Test module of check-install: multi-phase init, per-interpreter GIL.");

static struct PyModuleDef pep734ext_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "pep734ext",
    .m_doc = pep734ext_doc,
    .m_size = sizeof(pep734ext_state),
    .m_methods = pep734ext_methods,
    .m_slots = pep734ext_slots,
};

PyMODINIT_FUNC
PyInit_pep734ext(void)
{
    return PyModuleDef_Init(&pep734ext_module);
}
