"""Compile a script for Interpreter.run(): a top-level "return" ends it.

A "return" is not allowed in module code, so the script is parsed and
every "return" that is not inside a def, async def or class (it may be
inside if, for, while, with, try or match) is rewritten into plain
module code: it stores its value, as a 1-tuple, in the __main__ name
RESULT_NAME, and the statements that would not run after a real return
are skipped -- a loop is left with "break", and what follows is guarded
by "if not RESULT_NAME:".  No exception is involved, so a "with" block
exits normally and "finally" blocks run, as they do for a return in a
function.  A "try" statement whose "finally" block returns is put in a
loop that runs once, so that its "break" cancels an exception on its
way out, as a return in a "finally" block does.

Everything else is ordinary module code: names bound at top level stay
in __main__, and "from m import *", locals() or exec() work as usual.
"""

import ast
import functools
import marshal

__all__ = ['RESULT_NAME', 'FILENAME', 'compile_script', 'marshal_script']

# The __main__ name that holds () until a top-level return runs, then
# the returned value as a 1-tuple.  Interpreter.run() removes it.
RESULT_NAME = '__run_result__'

# The file name that tracebacks and SyntaxErrors show, as for exec().
FILENAME = '<script>'


def _contains_return(node):
    """Return True if "node" holds a top-level return statement."""
    if isinstance(node, ast.Return):
        return True
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef,
                         ast.ClassDef, ast.Lambda)):
        return False
    if not isinstance(node, ast.stmt):
        return False
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.match_case):
            if any(_contains_return(s) for s in child.body):
                return True
        elif isinstance(child, ast.ExceptHandler):
            if any(_contains_return(s) for s in child.body):
                return True
        elif _contains_return(child):
            return True
    return False


def _has_loop_control(node):
    """Return True if "node" has a break or continue for an outer loop."""
    if isinstance(node, (ast.Break, ast.Continue)):
        return True
    if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
        # Only the else block belongs to the outer loop.
        return any(_has_loop_control(s) for s in node.orelse)
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef,
                         ast.ClassDef, ast.Lambda)):
        return False
    return any(_has_loop_control(child)
               for child in ast.iter_child_nodes(node)
               if isinstance(child, (ast.stmt, ast.ExceptHandler,
                                     ast.match_case)))


def _name(ctx, node):
    return ast.copy_location(ast.Name(RESULT_NAME, ctx), node)


class _Rewriter:

    def body(self, stmts, in_loop):
        """Rewrite a statement list; "in_loop" if "break" leaves it."""
        out = []
        for i, stmt in enumerate(stmts):
            if isinstance(stmt, ast.Return):
                value = stmt.value
                if value is None:
                    value = ast.copy_location(ast.Constant(None), stmt)
                result = ast.copy_location(
                    ast.Tuple([value], ast.Load()), value)
                out.append(ast.copy_location(
                    ast.Assign([_name(ast.Store(), stmt)], result), stmt))
                if in_loop:
                    out.append(ast.copy_location(ast.Break(), stmt))
                rest = stmts[i + 1:]
                if rest:
                    # Unreachable, but still compiled, so that errors
                    # in it are reported as they would be.
                    out.append(self._guard(stmt, rest, in_loop))
                return out
            if not _contains_return(stmt):
                out.append(stmt)
                continue
            if (not in_loop and isinstance(stmt, (ast.Try, ast.TryStar))
                    and any(_contains_return(s) for s in stmt.finalbody)
                    and not _has_loop_control(stmt)):
                # A return in the finally block must cancel an exception
                # on its way out: make it a "break" out of a loop that
                # runs once.  (With a break or continue of its own, the
                # statement is left alone: it does not compile anyway.)
                once = ast.copy_location(ast.While(
                    ast.copy_location(ast.Constant(True), stmt),
                    [self.stmt(stmt, True),
                     ast.copy_location(ast.Break(), stmt)],
                    []), stmt)
                out.append(once)
            else:
                out.append(self.stmt(stmt, in_loop))
            rest = stmts[i + 1:]
            if in_loop:
                out.append(ast.copy_location(ast.If(
                    _name(ast.Load(), stmt),
                    [ast.copy_location(ast.Break(), stmt)], []), stmt))
                out.extend(self.body(rest, in_loop))
            elif rest:
                out.append(self._guard(stmt, rest, in_loop))
            return out
        return out

    def _guard(self, node, stmts, in_loop):
        test = ast.copy_location(
            ast.UnaryOp(ast.Not(), _name(ast.Load(), node)), node)
        return ast.copy_location(
            ast.If(test, self.body(stmts, in_loop), []), node)

    def stmt(self, node, in_loop):
        """Rewrite a compound statement that holds a top-level return."""
        if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            node.body = self.body(node.body, True)
            node.orelse = self.body(node.orelse, in_loop)
        elif isinstance(node, ast.If):
            node.body = self.body(node.body, in_loop)
            node.orelse = self.body(node.orelse, in_loop)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            node.body = self.body(node.body, in_loop)
        elif isinstance(node, (ast.Try, ast.TryStar)):
            returns_in_body = any(_contains_return(s) for s in node.body)
            node.body = self.body(node.body, in_loop)
            for handler in node.handlers:
                handler.body = self.body(handler.body, in_loop)
            if node.orelse and returns_in_body:
                # A return in the try block skips the else block.
                node.orelse = [self._guard(node.orelse[0], node.orelse,
                                           in_loop)]
            else:
                node.orelse = self.body(node.orelse, in_loop)
            node.finalbody = self.body(node.finalbody, in_loop)
        elif isinstance(node, ast.Match):
            for case in node.cases:
                case.body = self.body(case.body, in_loop)
        return node


def _prologue_end(body):
    # The docstring and "from __future__" imports must stay first.
    i = 0
    if (body and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)):
        i = 1
    while (i < len(body) and isinstance(body[i], ast.ImportFrom)
           and body[i].module == '__future__'):
        i += 1
    return i


@functools.lru_cache(maxsize=128)
def compile_script(source):
    """Compile the source of a script that may use a top-level return.

    Return (code, has_return): a code object to run in __main__, and
    whether the script has a top-level return (only then does it set
    RESULT_NAME).  Raise SyntaxError, with the script's line numbers,
    for a script that does not compile.  Results are cached: code
    objects are immutable.
    """
    tree = ast.parse(source, FILENAME)
    has_return = any(_contains_return(stmt) for stmt in tree.body)
    if has_return:
        start = _prologue_end(tree.body)
        anchor = tree.body[start] if start < len(tree.body) else tree
        init = ast.Assign([_name(ast.Store(), anchor)],
                          ast.Tuple([], ast.Load()))
        init = ast.copy_location(init, anchor)
        init.value = ast.copy_location(init.value, anchor)
        tree.body[start:] = [init] + _Rewriter().body(tree.body[start:],
                                                       False)
        ast.fix_missing_locations(tree)
    try:
        code = compile(tree, FILENAME, 'exec', dont_inherit=True)
    except SyntaxError as exc:
        if exc.text is None and exc.lineno:
            lines = source.splitlines()
            if 0 < exc.lineno <= len(lines):
                exc.text = lines[exc.lineno - 1] + '\n'
        raise
    return code, has_return


@functools.lru_cache(maxsize=128)
def marshal_script(source):
    """Return (bytes, has_return): compile_script(source), marshalled.

    Interpreter.run() sends the code to the target interpreter this way.
    """
    code, has_return = compile_script(source)
    return marshal.dumps(code), has_return
