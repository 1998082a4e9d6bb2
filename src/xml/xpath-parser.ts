/**
 * The parser of the XPath 2.0 subset HUD's assertions use (see xpath.ts for what is covered).
 */

export type Ast =
  | { t: 'if'; cond: Ast; then: Ast; else: Ast }
  | { t: 'quant'; every: boolean; name: string; in: Ast; body: Ast }
  | { t: 'logic'; op: 'and' | 'or'; args: Ast[] }
  | { t: 'cmp'; op: string; left: Ast; right: Ast }
  | { t: 'seq'; items: Ast[] }
  | { t: 'lit'; value: string | number }
  | { t: 'call'; name: string; args: Ast[] }
  | { t: 'path'; start: Ast | null; steps: Step[] }
  | { t: 'var'; name: string };
export type Step = { kind: 'child' | 'attr' | 'text' | 'parent'; name: string; predicates: Ast[] };

const TOKEN =
  /\s*(\.\.|\(|\)|\[|\]|,|\/|@|\$|!=|<=|>=|=|<|>|'[^']*'|"[^"]*"|\d+(?:\.\d+)?|[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?)/y;
export const GENERAL = new Set(['=', '!=', '<', '<=', '>', '>=']);
export const VALUE = new Set(['eq', 'ne', 'lt', 'le', 'gt', 'ge']);

export function tokenize(source: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  let position = 0;
  while (position < source.length) {
    if (/^\s*$/.test(source.slice(position))) break;
    TOKEN.lastIndex = position;
    const m = TOKEN.exec(source);
    if (!m?.[1]) throw new Error(`XPath: cannot read "${source.slice(position, position + 20)}"`);
    tokens.push(m[1]);
    position = TOKEN.lastIndex;
  }
  return tokens;
}

const localName = (qname: string) => qname.slice(qname.indexOf(':') + 1);

export class Parser {
  private i = 0;
  constructor(private readonly tokens: string[]) {}
  private peek = (offset = 0) => this.tokens[this.i + offset];
  private next = () => this.tokens[this.i++] ?? '';
  private expect(token: string) {
    const got = this.next();
    if (got !== token) throw new Error(`XPath: expected ${token}, found ${got || 'the end'}`);
  }
  parse(): Ast {
    const ast = this.expr();
    if (this.i < this.tokens.length) throw new Error(`XPath: unexpected ${this.peek()}`);
    return ast;
  }
  private expr(): Ast {
    const items = [this.single()];
    while (this.peek() === ',') {
      this.next();
      items.push(this.single());
    }
    return items.length === 1 ? (items[0] as Ast) : { t: 'seq', items };
  }
  private single(): Ast {
    const word = this.peek();
    if (word === 'if' && this.peek(1) === '(') {
      this.next();
      this.expect('(');
      const cond = this.expr();
      this.expect(')');
      this.expect('then');
      const then = this.single();
      this.expect('else');
      return { t: 'if', cond, then, else: this.single() };
    }
    if ((word === 'every' || word === 'some') && this.peek(1) === '$') {
      this.next();
      this.next();
      const name = this.next();
      this.expect('in');
      const source = this.single();
      this.expect('satisfies');
      return { t: 'quant', every: word === 'every', name, in: source, body: this.single() };
    }
    return this.logic('or');
  }
  private logic(op: 'or' | 'and'): Ast {
    const args = [op === 'or' ? this.logic('and') : this.comparison()];
    while (this.peek() === op) {
      this.next();
      args.push(op === 'or' ? this.logic('and') : this.comparison());
    }
    return args.length === 1 ? (args[0] as Ast) : { t: 'logic', op, args };
  }
  private comparison(): Ast {
    const left = this.path();
    const op = this.peek() ?? '';
    if (!GENERAL.has(op) && !VALUE.has(op)) return left;
    this.next();
    return { t: 'cmp', op, left, right: this.path() };
  }
  private path(): Ast {
    const first = this.peek();
    let start: Ast | null = null;
    const steps: Step[] = [];
    if (first === '(' || first === '$' || /^['"\d]/.test(first ?? '') || this.isCall()) {
      start = this.primary();
      if (this.peek() !== '/') return start;
      this.next();
    }
    steps.push(this.step());
    while (this.peek() === '/') {
      this.next();
      steps.push(this.step());
    }
    return { t: 'path', start, steps };
  }
  private isCall(): boolean {
    const name = this.peek() ?? '';
    return (
      this.peek(1) === '(' &&
      name !== 'text' &&
      /^[A-Za-z]/.test(name) &&
      !['if', 'every', 'some'].includes(name)
    );
  }
  private primary(): Ast {
    const token = this.next();
    if (token === '(') {
      if (this.peek() === ')') {
        this.next();
        return { t: 'seq', items: [] };
      }
      const inner = this.expr();
      this.expect(')');
      return inner;
    }
    if (token === '$') return { t: 'var', name: this.next() };
    if (/^['"]/.test(token)) return { t: 'lit', value: token.slice(1, -1) };
    if (/^\d/.test(token)) return { t: 'lit', value: Number(token) };
    this.expect('(');
    const args: Ast[] = [];
    while (this.peek() !== ')') {
      args.push(this.single());
      if (this.peek() === ',') this.next();
    }
    this.next();
    return { t: 'call', name: localName(token), args };
  }
  private step(): Step {
    let step: Step;
    if (this.peek() === '@') {
      this.next();
      step = { kind: 'attr', name: localName(this.next()), predicates: [] };
    } else if (this.peek() === '..') {
      this.next();
      step = { kind: 'parent', name: '', predicates: [] };
    } else if (this.peek() === 'text' && this.peek(1) === '(') {
      this.i += 2;
      this.expect(')');
      step = { kind: 'text', name: '', predicates: [] };
    } else {
      const name = this.next();
      if (!/^[A-Za-z_]/.test(name)) throw new Error(`XPath: expected a step, found ${name || 'the end'}`);
      step = { kind: 'child', name: localName(name), predicates: [] };
    }
    while (this.peek() === '[') {
      this.next();
      step.predicates.push(this.expr());
      this.expect(']');
    }
    return step;
  }
}
