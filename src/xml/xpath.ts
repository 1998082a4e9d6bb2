/**
 * The XPath 2.0 that HUD's `xs:assert` tests use, and no more: if/then/else, every/some … in …
 * satisfies, or/and, general (=, !=, <, …) and value (eq, ge, …) comparisons, paths of child,
 * attribute and text() steps with predicates, sequences, string and number literals, and the
 * functions count, boolean, not, string, true, false. Parsed by xpath-parser.ts, evaluated here over small trees (the validator builds them).
 * `X[Y = $v]` inside a quantifier is answered from an index, so key-cardinality assertions over
 * a whole Export stay linear.
 */
import { type Ast, Parser, type Step, tokenize, VALUE } from './xpath-parser.ts';

export interface XNode {
  readonly local: string;
  readonly attributes: ReadonlyMap<string, string>;
  text: string;
  readonly children: XNode[];
  readonly parent?: XNode;
  byName?: Map<string, XNode[]>;
}

class Untyped {
  constructor(readonly value: string) {}
}
type Item = XNode | Untyped | string | number | boolean;
type Value = Item[];

export interface CompiledXPath {
  readonly source: string;
  readonly names: ReadonlySet<string>;
  /** A rule that holds for every document (evaluating it is skipped). */
  readonly alwaysTrue: boolean;
  evaluate(context: XNode): boolean;
}

export function compileXPath(source: string): CompiledXPath {
  const ast = new Parser(tokenize(source)).parse();
  const names = new Set<string>();
  // HUD states "zero or more" cardinalities as `count(…) ge 0`: always true, so such a rule
  // needs no tree at all (which spares the Export-level tree most of its records).
  if (alwaysTrue(ast)) return { source, names, alwaysTrue: true, evaluate: () => true };
  collectNames(ast, names);
  return {
    source,
    names,
    alwaysTrue: false,
    evaluate: (context) => effectiveBoolean(evaluate(ast, context, new Map())),
  };
}

function alwaysTrue(ast: Ast): boolean {
  if (ast.t === 'quant') return ast.every && alwaysTrue(ast.body);
  if (ast.t === 'call' && ast.name === 'true') return true;
  return (
    ast.t === 'cmp' &&
    ast.op === 'ge' &&
    ast.left.t === 'call' &&
    ast.left.name === 'count' &&
    ast.right.t === 'lit' &&
    ast.right.value === 0
  );
}

function collectNames(ast: Ast, names: Set<string>): void {
  if (ast.t === 'path') {
    for (const s of ast.steps) if (s.kind === 'child' || s.kind === 'attr') names.add(s.name);
    for (const s of ast.steps) for (const p of s.predicates) collectNames(p, names);
  }
  for (const value of Object.values(ast)) {
    if (Array.isArray(value))
      for (const v of value) if (v && typeof v === 'object' && 't' in v) collectNames(v, names);
    if (value && typeof value === 'object' && 't' in value) collectNames(value as Ast, names);
  }
}

const isNode = (item: Item): item is XNode => typeof item === 'object' && !(item instanceof Untyped);
const atomize = (value: Value): (Untyped | string | number | boolean)[] =>
  value.map((item) => (isNode(item) ? new Untyped(item.text) : item));

function effectiveBoolean(value: Value): boolean {
  if (value.length === 0) return false;
  const first = value[0] as Item;
  if (isNode(first)) return true;
  if (value.length > 1) throw new Error('XPath: effective boolean value of a sequence of atoms');
  if (first instanceof Untyped) return first.value.length > 0;
  if (typeof first === 'string') return first.length > 0;
  if (typeof first === 'number') return first !== 0 && !Number.isNaN(first);
  return first;
}

function compareAtoms(
  op: string,
  a: Untyped | string | number | boolean,
  b: Untyped | string | number | boolean,
  general: boolean,
) {
  let x: string | number | boolean = a instanceof Untyped ? a.value : a;
  let y: string | number | boolean = b instanceof Untyped ? b.value : b;
  // General comparisons cast an untyped value to the other operand's type (numbers here).
  if (general && a instanceof Untyped && typeof y === 'number') x = Number(x);
  if (general && b instanceof Untyped && typeof x === 'number') y = Number(y);
  switch (op) {
    case '=':
    case 'eq':
      return x === y;
    case '!=':
    case 'ne':
      return x !== y;
    case '<':
    case 'lt':
      return x < y;
    case '<=':
    case 'le':
      return x <= y;
    case '>':
    case 'gt':
      return x > y;
    default:
      return x >= y;
  }
}

function childrenNamed(node: XNode, name: string): XNode[] {
  node.byName ??= new Map();
  let list = node.byName.get(name);
  if (!list) {
    list = node.children.filter((c) => c.local === name);
    node.byName.set(name, list);
  }
  return list;
}

type Vars = Map<string, Value>;

const varUse = new WeakMap<object, boolean>();
/** True when an expression reads a variable (so its value changes from one iteration to the next). */
function usesVars(ast: Ast | Step): boolean {
  const known = varUse.get(ast);
  if (known !== undefined) return known;
  let uses = 't' in ast && ast.t === 'var';
  for (const value of Object.values(ast)) {
    const children = Array.isArray(value) ? value : [value];
    for (const c of children)
      if (c && typeof c === 'object' && ('t' in c || 'kind' in c)) uses ||= usesVars(c as Ast | Step);
  }
  varUse.set(ast, uses);
  return uses;
}

/** Per candidate list and predicate: key text → the candidates whose path gives that text. */
const indexes = new WeakMap<object, Map<Ast, Map<string, XNode[]>>>();
function indexed(candidates: XNode[], path: Ast, key: string, vars: Vars): XNode[] {
  let byPath = indexes.get(candidates);
  if (!byPath) {
    byPath = new Map();
    indexes.set(candidates, byPath);
  }
  let index = byPath.get(path);
  if (!index) {
    index = new Map();
    for (const c of candidates) {
      for (const atom of atomize(evaluate(path, c, vars))) {
        const text = atom instanceof Untyped ? atom.value : String(atom);
        const list = index.get(text);
        if (list) list.push(c);
        else index.set(text, [c]);
      }
    }
    byPath.set(path, index);
  }
  return index.get(key) ?? [];
}

function filter(candidates: XNode[], predicate: Ast, vars: Vars): XNode[] {
  // `path = $var` (or a literal) with a path that reads no variable: answered from an index.
  if (predicate.t === 'cmp' && predicate.op === '=' && !usesVars(predicate.left)) {
    const right = predicate.right;
    if (right.t === 'var' || right.t === 'lit') {
      const keys = atomize(evaluate(right, candidates[0] as XNode, vars)).map((k) =>
        k instanceof Untyped ? k.value : String(k),
      );
      if (keys.length === 1) return indexed(candidates, predicate.left, keys[0] as string, vars);
      // Several keys: the union, back in document order (candidates are in document order).
      const found = new Set(keys.flatMap((k) => indexed(candidates, predicate.left, k, vars)));
      return candidates.filter((c) => found.has(c));
    }
  }
  return candidates.filter((c) => effectiveBoolean(evaluate(predicate, c, vars)));
}

/** Results of variable-free steps, per input (a context node or a cached node list). */
const stepCache = new WeakMap<object, Map<Step, XNode[]>>();

function selectChildren(nodes: Value, step: Step, vars: Vars, cacheKey: object | undefined): XNode[] {
  const leading = step.predicates.findIndex((p) => usesVars(p));
  const cacheable = leading === -1 ? step.predicates : step.predicates.slice(0, leading);
  let selected: XNode[] | undefined = cacheKey ? stepCache.get(cacheKey)?.get(step) : undefined;
  if (!selected) {
    selected = [];
    for (const item of nodes) {
      if (!isNode(item)) throw new Error('XPath: a path step applied to an atomic value');
      let list = step.kind === 'parent' ? (item.parent ? [item.parent] : []) : childrenNamed(item, step.name);
      for (const p of cacheable) list = list.length === 0 ? list : filter(list, p, vars);
      for (const node of list) selected.push(node); // no spread: lists reach 10⁵ nodes
    }
    if (step.kind === 'parent') selected = [...new Set(selected)];
    if (cacheKey) {
      let byStep = stepCache.get(cacheKey);
      if (!byStep) {
        byStep = new Map();
        stepCache.set(cacheKey, byStep);
      }
      byStep.set(step, selected);
    }
  }
  for (const p of leading === -1 ? [] : step.predicates.slice(leading)) selected = filter(selected, p, vars);
  return selected;
}

function evaluatePath(ast: Extract<Ast, { t: 'path' }>, context: XNode, vars: Vars): Value {
  let nodes: Value = ast.start ? evaluate(ast.start, context, vars) : [context];
  let cacheKey: object | undefined = ast.start ? undefined : context;
  for (const step of ast.steps) {
    if (step.kind === 'attr' || step.kind === 'text') {
      const out: Item[] = [];
      for (const item of nodes) {
        if (!isNode(item)) throw new Error('XPath: a path step applied to an atomic value');
        const value =
          step.kind === 'attr'
            ? item.attributes.get(step.name)
            : item.children.length === 0 && item.text !== ''
              ? item.text
              : undefined;
        if (value !== undefined) out.push(new Untyped(value));
      }
      let filtered: Item[] = out;
      for (const p of step.predicates)
        filtered = filtered.filter(() => effectiveBoolean(evaluate(p, context, vars)));
      nodes = filtered;
      cacheKey = undefined;
      continue;
    }
    const selected = selectChildren(nodes, step, vars, cacheKey);
    cacheKey = step.predicates.some((p) => usesVars(p)) ? undefined : selected;
    nodes = selected;
  }
  return nodes;
}

function evaluate(ast: Ast, context: XNode, vars: Vars): Value {
  switch (ast.t) {
    case 'if':
      return effectiveBoolean(evaluate(ast.cond, context, vars))
        ? evaluate(ast.then, context, vars)
        : evaluate(ast.else, context, vars);
    case 'quant': {
      const items = evaluate(ast.in, context, vars);
      const test = (item: Item) =>
        effectiveBoolean(evaluate(ast.body, context, new Map(vars).set(ast.name, [item])));
      return [ast.every ? items.every(test) : items.some(test)];
    }
    case 'logic':
      return [
        ast.op === 'and'
          ? ast.args.every((a) => effectiveBoolean(evaluate(a, context, vars)))
          : ast.args.some((a) => effectiveBoolean(evaluate(a, context, vars))),
      ];
    case 'cmp': {
      const left = atomize(evaluate(ast.left, context, vars));
      const right = atomize(evaluate(ast.right, context, vars));
      if (VALUE.has(ast.op)) {
        const [a] = left;
        const [b] = right;
        return a === undefined || b === undefined ? [] : [compareAtoms(ast.op, a, b, false)];
      }
      return [left.some((a) => right.some((b) => compareAtoms(ast.op, a, b, true)))];
    }
    case 'seq':
      return ast.items.flatMap((item) => evaluate(item, context, vars));
    case 'lit':
      return [ast.value];
    case 'var': {
      const value = vars.get(ast.name);
      if (!value) throw new Error(`XPath: unbound variable $${ast.name}`);
      return value;
    }
    case 'call':
      return call(
        ast.name,
        ast.args.map((a) => evaluate(a, context, vars)),
      );
    case 'path':
      return evaluatePath(ast, context, vars);
  }
}

function call(name: string, args: Value[]): Value {
  const [first = []] = args;
  switch (name) {
    case 'count':
      return [first.length];
    case 'boolean':
      return [effectiveBoolean(first)];
    case 'not':
      return [!effectiveBoolean(first)];
    case 'true':
      return [true];
    case 'false':
      return [false];
    case 'string': {
      const [atom] = atomize(first);
      return [atom === undefined ? '' : atom instanceof Untyped ? atom.value : String(atom)];
    }
    default:
      throw new Error(`XPath: function ${name}() is not supported`);
  }
}
