/**
 * Hearth's own streaming validator for HUD HMIS XML, driven by the compiled schema: element
 * structure and cardinality (content models), simple types and enumerations, attributes,
 * `xs:alternative` and `xsi:type` (e.g. DisabilityResponse), `xs:key`/`xs:keyref` within each
 * Export, and the `xs:assert` rules (the "secondary validation", switched off for primary
 * validation only). Elements of other namespaces are open content (HUD's extension mechanism)
 * and are skipped, except an element that takes the place of a HUD element of the same name
 * (an extension type derived from it, like HUD's example `ext:Export`).
 */

import { ContentMatcher } from './content-matcher.ts';
import type { XmlHandler, XmlOpen } from './reader.ts';
import type {
  CompiledSchema,
  ComplexType,
  ElementDecl,
  KeyDecl,
  KeyrefDecl,
  SimpleType,
} from './schema/types.ts';
import { checkSimpleValue } from './simple-types.ts';
import { type CompiledXPath, compileXPath, type XNode } from './xpath.ts';

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

export interface SchemaIssue {
  readonly line: number;
  readonly element: string;
  /** structure, missing, type, enumeration, pattern, length, range, attribute, xsiType, key, keyref, assert */
  readonly rule: string;
  readonly message: string;
}

interface KeyScope {
  readonly depth: number;
  readonly keys: readonly KeyDecl[];
  readonly keyrefs: readonly KeyrefDecl[];
  readonly values: Map<string, Map<string, number>>;
  readonly references: { ref: KeyrefDecl; value: string; line: number }[];
}

interface Frame {
  readonly element: XmlOpen;
  readonly decl?: ElementDecl;
  readonly complex?: ComplexType;
  readonly simple?: string;
  readonly matcher?: ContentMatcher;
  readonly skip: boolean;
  readonly nil: boolean;
  readonly scope?: KeyScope;
  /** The tree the element's assertions read (only the names they mention). */
  tree?: { root: XNode; stack: (XNode | null)[]; names: ReadonlySet<string>; asserts: CompiledXPath[] };
}

const NO_ATTRIBUTES: ReadonlyMap<string, string> = new Map();
const compiled = new Map<string, CompiledXPath>();
function xpath(test: string): CompiledXPath {
  let c = compiled.get(test);
  if (!c) {
    c = compileXPath(test);
    compiled.set(test, c);
  }
  return c;
}

export class SchemaValidator {
  readonly issues: SchemaIssue[] = [];
  /** Issues beyond this are counted, not kept: a broken file must not turn into a huge report. */
  maxIssues = 1000;
  omitted = 0;
  private readonly stack: Frame[] = [];
  private readonly scopes: KeyScope[] = [];
  private readonly assertions: boolean;

  constructor(
    private readonly schema: CompiledSchema,
    options: { assertions?: boolean } = {},
  ) {
    this.assertions = options.assertions !== false;
  }

  handler(): XmlHandler {
    return {
      open: (element) => this.open(element),
      close: (element, text) => this.close(element, text),
    };
  }

  /** Values repeat (codes, dates): each (type, value) is checked once. */
  private readonly checked = new Map<string, Map<string, ReturnType<typeof checkSimpleValue> | null>>();
  private checkValue(name: string, type: SimpleType, value: string): ReturnType<typeof checkSimpleValue> {
    let cache = this.checked.get(name);
    if (!cache) {
      cache = new Map();
      this.checked.set(name, cache);
    }
    const known = cache.get(value);
    if (known !== undefined) return known ?? undefined;
    const problem = checkSimpleValue(type, value);
    if (cache.size < 4096) cache.set(value, problem ?? null);
    return problem;
  }

  private report(line: number, element: string, rule: string, message: string): void {
    if (this.issues.length >= this.maxIssues) this.omitted++;
    else this.issues.push({ line, element, rule, message });
  }

  private open(element: XmlOpen): void {
    const parent = this.stack.at(-1);
    const decl = parent?.skip ? undefined : parent ? this.childDecl(parent, element) : this.rootDecl(element);
    this.pushTrees(element, decl !== undefined);
    if (!decl) return void this.stack.push({ element, skip: true, nil: false });
    const typeName = this.typeOf(decl, element);
    const complex = this.schema.complexTypes[typeName];
    const nil = element.attributes.some((a) => a.uri === XSI && a.local === 'nil' && a.value === 'true');
    if (nil && !decl.nillable)
      this.report(element.line, element.qname, 'structure', `<${decl.name}> is not nillable`);
    this.checkAttributes(element, complex);
    const frame: Frame = {
      element,
      decl,
      complex,
      simple: complex ? complex.simple : typeName,
      matcher: complex?.content ? new ContentMatcher(complex.content) : undefined,
      skip: false,
      nil,
    };
    if (decl.keys || decl.keyrefs) {
      const scope: KeyScope = {
        depth: this.stack.length,
        keys: decl.keys ?? [],
        keyrefs: decl.keyrefs ?? [],
        values: new Map(),
        references: [],
      };
      Object.assign(frame, { scope });
      this.scopes.push(scope);
    }
    const asserts = this.assertions && complex ? complex.asserts.map(xpath).filter((a) => !a.alwaysTrue) : [];
    if (asserts.length > 0) {
      const names = new Set(asserts.flatMap((a) => [...a.names]));
      const root = this.node(element, names);
      frame.tree = { root, stack: [root], names, asserts };
    }
    this.stack.push(frame);
  }

  /** Adds the opening element to the trees of enclosing assertions that mention its name. */
  private pushTrees(element: XmlOpen, valid: boolean): void {
    for (const f of this.stack) {
      if (!f.tree) continue;
      const parentNode = f.tree.stack.at(-1);
      const node =
        valid && parentNode && f.tree.names.has(element.local)
          ? this.node(element, f.tree.names, parentNode)
          : null;
      if (node) parentNode?.children.push(node);
      f.tree.stack.push(node);
    }
  }

  /** A node of an assertion tree; only attributes the assertions name are kept (memory). */
  private node(element: XmlOpen, names: ReadonlySet<string>, parent?: XNode): XNode {
    const kept = element.attributes.filter((a) => names.has(a.local));
    const attributes = kept.length === 0 ? NO_ATTRIBUTES : new Map(kept.map((a) => [a.local, a.value]));
    return { local: element.local, attributes, text: '', children: [], parent };
  }

  private rootDecl(element: XmlOpen): ElementDecl | undefined {
    const root = this.schema.root;
    if (element.local === root.name && element.uri === this.schema.namespace) return root;
    this.report(element.line, element.qname, 'structure', `the root element must be <${root.name}>`);
    return undefined;
  }

  private childDecl(parent: Frame, element: XmlOpen): ElementDecl | undefined {
    if (!parent.complex?.content) {
      this.report(
        element.line,
        element.qname,
        'structure',
        `<${parent.element.local}> has no child elements`,
      );
      return undefined;
    }
    const foreign = element.uri !== this.schema.namespace;
    if (foreign && !parent.matcher?.accepts(element.local)) return undefined; // open content
    const result = parent.matcher?.accept(element.local);
    if (result && 'decl' in result) return result.decl;
    this.report(
      element.line,
      element.qname,
      'structure',
      `<${element.local}> is not allowed here in <${parent.element.local}>; ${result?.expected ?? 'no element is'}`,
    );
    return undefined;
  }

  /** The element's type: its xsi:type, an xs:alternative whose test holds, or the declared type. */
  private typeOf(decl: ElementDecl, element: XmlOpen): string {
    const xsiType = element.attributes.find((a) => a.uri === XSI && a.local === 'type')?.value;
    if (xsiType) {
      const name = xsiType.slice(xsiType.indexOf(':') + 1);
      if (!this.schema.complexTypes[name] && !this.schema.simpleTypes[name]) {
        this.report(
          element.line,
          element.qname,
          'xsiType',
          `xsi:type ${xsiType} names no type of this schema`,
        );
        return decl.type;
      }
      if (!this.derivesFrom(name, decl.type)) {
        this.report(
          element.line,
          element.qname,
          'xsiType',
          `xsi:type ${xsiType} is not derived from ${decl.type}, the type of <${decl.name}>`,
        );
        return decl.type;
      }
      return name;
    }
    for (const alternative of decl.alternatives ?? []) {
      const m = /^@(?:\w+:)?(\w+)\s*=\s*'([^']*)'$/.exec(alternative.test.trim());
      if (!m) continue;
      const value = element.attributes.find((a) => a.local === m[1])?.value;
      if (value === m[2]) return alternative.type;
    }
    return decl.type;
  }

  private derivesFrom(name: string, base: string): boolean {
    for (let t: string | undefined = name; t; t = this.schema.complexTypes[t]?.base)
      if (t === base) return true;
    return false;
  }

  private checkAttributes(element: XmlOpen, complex: ComplexType | undefined): void {
    const declared = complex?.attributes ?? [];
    for (const a of declared) {
      const present =
        a.name === 'xsi:type'
          ? element.attributes.some((x) => x.uri === XSI && x.local === 'type')
          : element.attributes.find((x) => x.local === a.name && x.uri === this.schema.namespace);
      if (!present) {
        if (a.required)
          this.report(element.line, element.qname, 'attribute', `the attribute ${a.name} is required`);
        continue;
      }
      if (typeof present === 'boolean') continue;
      const type =
        this.schema.simpleTypes[a.type] ??
        (a.type.startsWith('xs:') ? { builtin: a.type.slice(3) } : undefined);
      const problem = type && this.checkValue(a.type, type, present.value);
      if (problem) this.report(element.line, element.qname, problem.rule, `@${a.name}: ${problem.message}`);
    }
    for (const x of element.attributes) {
      if (x.uri !== this.schema.namespace) continue;
      if (!declared.some((a) => a.name === x.local))
        this.report(element.line, element.qname, 'attribute', `the attribute ${x.qname} is not allowed here`);
    }
  }

  private close(element: XmlOpen, text: string): void {
    const frame = this.stack.pop();
    const trimmed = text.trim();
    for (const f of this.stack) {
      const node = f.tree?.stack.pop();
      if (node && node.children.length === 0) node.text = trimmed;
    }
    if (!frame || frame.skip || !frame.decl) return;
    if (frame.matcher) {
      for (const missing of frame.matcher.finish())
        this.report(element.line, element.qname, 'missing', `<${frame.decl.name}> lacks ${missing}`);
      if (trimmed !== '' && !frame.complex?.simple)
        this.report(
          element.line,
          element.qname,
          'structure',
          `<${frame.decl.name}> holds elements only, not text`,
        );
    } else if (!frame.nil && frame.simple) {
      const type =
        this.schema.simpleTypes[frame.simple] ??
        (frame.simple.startsWith('xs:') ? { builtin: frame.simple.slice(3) } : undefined);
      const problem = type && this.checkValue(frame.simple, type, text);
      if (problem)
        this.report(element.line, element.qname, problem.rule, `<${frame.decl.name}> ${problem.message}`);
    }
    this.recordKeys(element, trimmed);
    if (frame.tree) this.checkAsserts(frame, element);
    if (frame.scope) this.closeScope(frame.scope, element);
  }

  private checkAsserts(frame: Frame, element: XmlOpen): void {
    const tree = frame.tree;
    if (!tree) return;
    for (const assert of tree.asserts) {
      let holds: boolean;
      try {
        holds = assert.evaluate(tree.root);
      } catch (error) {
        this.report(
          element.line,
          element.qname,
          'assert',
          `could not evaluate ${assert.source}: ${(error as Error).message}`,
        );
        continue;
      }
      if (!holds)
        this.report(
          element.line,
          element.qname,
          'assert',
          `<${element.local}> breaks the rule ${assert.source.replace(/\s+/g, ' ')}`,
        );
    }
  }

  /** A key field is a child of a selected record of the scope element (e.g. Export/Project/ProjectID). */
  private recordKeys(element: XmlOpen, text: string): void {
    const record = this.stack.at(-1);
    for (const scope of this.scopes) {
      if (this.stack.length !== scope.depth + 2 || !record) continue;
      for (const key of scope.keys) {
        if (record.element.local !== key.selector || element.local !== key.field) continue;
        const seen = scope.values.get(key.name) ?? new Map<string, number>();
        scope.values.set(key.name, seen);
        const first = seen.get(text);
        if (first !== undefined)
          this.report(
            element.line,
            element.qname,
            'key',
            `${key.selector} ${key.field} ${text} is not unique (first on line ${first})`,
          );
        else seen.set(text, element.line);
      }
      for (const ref of scope.keyrefs) {
        if (record.element.local === ref.selector && element.local === ref.field)
          scope.references.push({ ref, value: text, line: element.line });
      }
    }
  }

  private closeScope(scope: KeyScope, element: XmlOpen): void {
    this.scopes.splice(this.scopes.indexOf(scope), 1);
    for (const { ref, value, line } of scope.references) {
      if (scope.values.get(ref.refer)?.has(value)) continue;
      const key = scope.keys.find((k) => k.name === ref.refer);
      this.report(
        line,
        `${ref.selector}/${ref.field}`,
        'keyref',
        `${ref.selector} ${ref.field} ${value} names no ${key?.selector ?? ref.refer} in this <${element.local}>`,
      );
    }
  }
}
