/**
 * The compiler side of Jinja semantics on nunjucks: Python truthiness in if/and/or/not, Python comparison
 * and arithmetic, `~` with str(), tuples, `{% set ns.attr = v %}`, and tests with several arguments.
 */
import { type AstNode, type CompilerThis, type NodeClass, internals } from './nunjucks-internals.js';

export function patchCompiler(): void {
  const compiler = internals().compiler.Compiler.prototype;
  const { nodes } = internals();
  const PyTruthy: NodeClass = nodes.Node.extend('PyTruthy', { fields: ['target'] });
  const assertType = compiler.assertType;
  compiler.assertType = function (this: unknown, node: AstNode, ...types: unknown[]) {
    if (!(node instanceof PyTruthy)) assertType.call(this, node, ...types);
  };
  // `obj.name` (marked by the parser) is getattr, `obj[key]` getitem: they differ on a dict's methods.
  const compileLookupVal = compiler.compileLookupVal;
  compiler.compileLookupVal = function (this: CompilerThis, node: AstNode, frame: unknown) {
    if (!node.attribute) return compileLookupVal.call(this, node, frame);
    this._emit('runtime.py.attribute((');
    this._compileExpression(node.target, frame);
    this._emit('),');
    this._compileExpression(node.val, frame);
    this._emit(')');
  };
  compiler.compilePyTruthy = function (this: CompilerThis, node: AstNode, frame: unknown) {
    this._emit('runtime.py.truthy(');
    this.compile(node.target, frame);
    this._emit(')');
  };
  const compileIf = compiler.compileIf;
  compiler.compileIf = function (this: unknown, node: AstNode, frame: unknown, async: boolean) {
    if (!(node.cond instanceof PyTruthy)) node.cond = new PyTruthy(node.cond.lineno, node.cond.colno, node.cond);
    return compileIf.call(this, node, frame, async);
  };
  compiler.compileInlineIf = function (this: CompilerThis, node: AstNode, frame: unknown) {
    this._emit('(runtime.py.truthy(');
    this.compile(node.cond, frame);
    this._emit(') ? (');
    this.compile(node.body, frame);
    this._emit(') : (');
    if (node.else_ !== null) this.compile(node.else_, frame);
    else this._emit('""');
    this._emit('))');
  };
  // Python's `and`/`or` return an operand and short-circuit; the arrow keeps the right side lazy.
  const logical = (whenTruthy: boolean) =>
    function (this: CompilerThis, node: AstNode, frame: unknown) {
      this._emit('((py$l) => runtime.py.truthy(py$l) ? ');
      if (whenTruthy) {
        this._emit('(');
        this.compile(node.right, frame);
        this._emit(') : py$l)(');
      } else {
        this._emit('py$l : (');
        this.compile(node.right, frame);
        this._emit('))(');
      }
      this.compile(node.left, frame);
      this._emit(')');
    };
  compiler.compileAnd = logical(true);
  compiler.compileOr = logical(false);
  compiler.compileNot = function (this: CompilerThis, node: AstNode, frame: unknown) {
    this._emit('!runtime.py.truthy(');
    this.compile(node.target, frame);
    this._emit(')');
  };
  compiler.compileCompare = function (this: CompilerThis, node: AstNode, frame: unknown) {
    this._emit('runtime.py.compare(');
    this.compile(node.expr, frame);
    this._emit(', [');
    node.ops.forEach((op: AstNode, i: number) => {
      this._emit(`${i > 0 ? ', ' : ''}${JSON.stringify(op.type)}, `);
      this.compile(op.expr, frame);
    });
    this._emit('])');
  };
  const binary = (emitted: string) =>
    function (this: CompilerThis, node: AstNode, frame: unknown) {
      this._emit(`runtime.py.${emitted}, `);
      this.compile(node.left, frame);
      this._emit(', ');
      this.compile(node.right, frame);
      this._emit(')');
    };
  compiler.compileAdd = binary('arith("+"');
  compiler.compileSub = binary('arith("-"');
  compiler.compileMul = binary('arith("*"');
  compiler.compileDiv = binary('arith("/"');
  compiler.compileFloorDiv = binary('arith("//"');
  compiler.compileMod = binary('arith("%"');
  compiler.compilePow = binary('arith("**"');
  compiler.compileConcat = function (this: CompilerThis, node: AstNode, frame: unknown) {
    this._emit('runtime.py.concat(');
    this.compile(node.left, frame);
    this._emit(', ');
    this.compile(node.right, frame);
    this._emit(')');
  };
  const unary = (sign: number) =>
    function (this: CompilerThis, node: AstNode, frame: unknown) {
      this._emit('runtime.py.negate(');
      this.compile(node.target, frame);
      this._emit(`, ${sign})`);
    };
  compiler.compileNeg = unary(-1);
  compiler.compilePos = unary(1);
  // `{% set ns.attr = value %}` (Jinja's namespace idiom) assigns into the object.
  const compileSet = compiler.compileSet;
  compiler.compileSet = function (this: CompilerThis, node: AstNode, frame: unknown) {
    const [target] = node.targets;
    if (node.targets.length !== 1 || target.typename !== 'LookupVal') return compileSet.call(this, node, frame);
    this._emit('runtime.py.assign(');
    this.compile(target.target, frame);
    this._emit(', ');
    this.compile(target.val, frame);
    this._emit(', ');
    this.compile(node.value ?? node.body, frame);
    this._emit(');\n');
  };
  // Jinja tuples: `('a', 3)` is a sequence, not JavaScript's comma operator.
  compiler.compileGroup = function (this: CompilerThis, node: AstNode, frame: unknown) {
    if (node.children.length > 1) {
      this._emit('runtime.py.tuple(');
      this._compileAggregate(node, frame, '[', ']');
      this._emit(')');
    } else this._compileAggregate(node, frame, '(', ')');
  };
  compiler.compileIs = function (this: CompilerThis, node: AstNode, frame: unknown) {
    this._emit(`runtime.py.test(env, context, ${JSON.stringify(node.right.name.value)}, `);
    this.compile(node.left, frame);
    this._emit(', ');
    this._compileAggregate(node.right.args, frame, '[', ']');
    this._emit(')');
  };
}
