/**
 * Compiles one HUD HMIS XSD (XML Schema 1.1) into `CompiledSchema` data. Covers what HUD's
 * schemas use: named and anonymous simple types (restriction facets), complex types with
 * sequence/choice content or simple content (extension, restriction), attributes and attribute
 * groups, `xs:alternative`, `xs:assert`, `xs:key`/`xs:keyref`. Anything else is refused, so a
 * new HUD schema cannot be compiled half-way without anyone noticing.
 */
import { SaxesParser } from 'saxes';
import type {
  AttributeDecl,
  CompiledSchema,
  ComplexType,
  ElementDecl,
  Group,
  KeyDecl,
  KeyrefDecl,
  Particle,
  SimpleType,
} from './types.ts';

const XS = 'http://www.w3.org/2001/XMLSchema';

interface Node {
  readonly name: string;
  readonly attrs: Record<string, string>;
  readonly children: Node[];
}

function parseXsd(text: string): Node {
  const parser = new SaxesParser({ xmlns: true });
  const stack: Node[] = [{ name: '#document', attrs: {}, children: [] }];
  parser.on('opentag', (tag) => {
    if (tag.uri !== XS) return void stack.push({ name: `#foreign`, attrs: {}, children: [] });
    const attrs: Record<string, string> = {};
    for (const a of Object.values(tag.attributes)) attrs[a.name] = a.value;
    const node: Node = { name: tag.local, attrs, children: [] };
    stack.at(-1)?.children.push(node);
    stack.push(node);
  });
  parser.on('closetag', () => void stack.pop());
  parser.write(text).close();
  const root = stack[0]?.children[0];
  if (root?.name !== 'schema') throw new Error('not an XML Schema document');
  return root;
}

const local = (qname: string): string => qname.slice(qname.indexOf(':') + 1);
const typeRef = (qname: string): string => (qname.startsWith('xs:') ? qname : local(qname));
const childrenNamed = (node: Node, name: string) => node.children.filter((c) => c.name === name);
const child = (node: Node, name: string) => node.children.find((c) => c.name === name);
const occurs = (value: string | undefined, fallback: number) =>
  value === undefined ? fallback : value === 'unbounded' ? -1 : Number(value);

const IGNORED = new Set(['annotation', 'defaultOpenContent', 'import']);

class Compiler {
  readonly simpleTypes: Record<string, SimpleType> = {};
  readonly complexTypes: Record<string, ComplexType> = {};
  private readonly namedSimple = new Map<string, Node>();
  private readonly namedComplex = new Map<string, Node>();
  private readonly attributes = new Map<string, Node>();
  private readonly attributeGroups = new Map<string, Node>();
  private anonymous = 0;

  constructor(private readonly schema: Node) {
    for (const node of schema.children) {
      const name = node.attrs.name ?? '';
      if (node.name === 'simpleType') this.namedSimple.set(name, node);
      else if (node.name === 'complexType') this.namedComplex.set(name, node);
      else if (node.name === 'attribute') this.attributes.set(name, node);
      else if (node.name === 'attributeGroup') this.attributeGroups.set(name, node);
      else if (node.name !== 'element' && !IGNORED.has(node.name))
        throw new Error(`unsupported top-level xs:${node.name}`);
    }
  }

  compile(version: string, namespace: string): CompiledSchema {
    for (const name of this.namedSimple.keys()) this.simple(name);
    for (const name of this.namedComplex.keys()) this.complex(name);
    const roots = childrenNamed(this.schema, 'element');
    if (roots.length !== 1 || !roots[0]) throw new Error('expected exactly one global element');
    return {
      version,
      namespace,
      root: this.element(roots[0]),
      complexTypes: this.complexTypes,
      simpleTypes: this.simpleTypes,
    };
  }

  /** Resolves a simple type name (built-in or HUD's) to its merged facets. */
  private simple(name: string): SimpleType {
    if (name.startsWith('xs:')) return { builtin: name.slice(3) };
    const known = this.simpleTypes[name];
    if (known) return known;
    const node = this.namedSimple.get(name);
    if (node) return this.defineSimple(name, node);
    const complex = this.complex(name);
    if (complex.simple) return this.simple(complex.simple);
    throw new Error(`unknown simple type ${name}`);
  }

  private defineSimple(name: string, node: Node): SimpleType {
    const restriction = child(node, 'restriction');
    if (!restriction) throw new Error(`simple type ${name}: only restrictions are supported`);
    const type = this.restrict(this.restrictionBase(restriction, name), restriction);
    this.simpleTypes[name] = type;
    return type;
  }

  private restrictionBase(restriction: Node, owner: string): SimpleType {
    if (restriction.attrs.base) return this.simple(typeRef(restriction.attrs.base));
    const inline = child(restriction, 'simpleType');
    if (!inline) throw new Error(`${owner}: restriction without a base`);
    return this.simple(this.anonymousSimple(inline, owner));
  }

  private anonymousSimple(node: Node, owner: string): string {
    const name = `${owner}#${++this.anonymous}`;
    this.defineSimple(name, node);
    return name;
  }

  private restrict(base: SimpleType, restriction: Node): SimpleType {
    const facets: Record<string, unknown> = { ...base };
    const enumeration: string[] = [];
    const patterns = [...(base.patterns ?? [])];
    for (const facet of restriction.children) {
      const value = facet.attrs.value ?? '';
      if (facet.name === 'enumeration') enumeration.push(value);
      else if (facet.name === 'pattern') patterns.push(value);
      else if (['length', 'minLength', 'maxLength', 'totalDigits', 'fractionDigits'].includes(facet.name))
        facets[facet.name] = Number(value);
      else if (facet.name === 'minInclusive' || facet.name === 'maxInclusive') facets[facet.name] = value;
      else if (facet.name !== 'annotation' && facet.name !== 'simpleType')
        throw new Error(`unsupported facet xs:${facet.name}`);
    }
    if (enumeration.length > 0) facets.enumeration = enumeration;
    if (patterns.length > 0) facets.patterns = patterns;
    return facets as unknown as SimpleType;
  }

  private complex(name: string): ComplexType {
    const known = this.complexTypes[name];
    if (known) return known;
    const node = this.namedComplex.get(name);
    if (!node) throw new Error(`unknown complex type ${name}`);
    return this.defineComplex(name, node);
  }

  private defineComplex(name: string, node: Node): ComplexType {
    const asserts = childrenNamed(node, 'assert').map((a) => a.attrs.test ?? '');
    const simpleContent = child(node, 'simpleContent');
    let type: ComplexType;
    if (simpleContent) type = { ...this.simpleContent(name, simpleContent), asserts };
    else {
      const group = node.children.find((c) => c.name === 'sequence' || c.name === 'choice');
      type = { content: group ? this.group(group) : null, attributes: this.attributesOf(node), asserts };
    }
    this.complexTypes[name] = type;
    return type;
  }

  private simpleContent(name: string, node: Node): Omit<ComplexType, 'asserts'> {
    const derivation = node.children.find((c) => c.name === 'extension' || c.name === 'restriction');
    if (!derivation?.attrs.base) throw new Error(`${name}: simple content without a base`);
    const baseName = typeRef(derivation.attrs.base);
    const own = this.attributesOf(derivation);
    if (derivation.name === 'extension') {
      const baseComplex = this.namedComplex.has(baseName) ? this.complex(baseName) : undefined;
      const simple = baseComplex?.simple ?? baseName;
      this.simple(simple);
      return {
        content: null,
        simple,
        attributes: [...(baseComplex?.attributes ?? []), ...own],
        base: baseName,
      };
    }
    const base = this.complex(baseName);
    const inline = child(derivation, 'simpleType');
    const start = inline ? this.simple(this.anonymousSimple(inline, name)) : this.simple(base.simple ?? '');
    const simple = `${name}#content`;
    this.simpleTypes[simple] = this.restrict(start, derivation);
    return { content: null, simple, attributes: [...base.attributes, ...own], base: baseName };
  }

  private attributesOf(node: Node): AttributeDecl[] {
    const result: AttributeDecl[] = [];
    for (const c of node.children) {
      if (c.name === 'attributeGroup') {
        const group = this.attributeGroups.get(local(c.attrs.ref ?? ''));
        if (!group) throw new Error(`unknown attribute group ${c.attrs.ref}`);
        result.push(...this.attributesOf(group));
      } else if (c.name === 'attribute') result.push(this.attribute(c));
    }
    return result;
  }

  private attribute(node: Node): AttributeDecl {
    const required = node.attrs.use === 'required';
    const ref = node.attrs.ref;
    if (ref === 'xsi:type') return { name: 'xsi:type', type: 'xs:QName', required };
    const decl = ref ? this.attributes.get(local(ref)) : node;
    if (!decl) throw new Error(`unknown attribute ${ref}`);
    const name = decl.attrs.name ?? '';
    const inline = child(decl, 'simpleType');
    const type = decl.attrs.type ? typeRef(decl.attrs.type) : this.anonymousSimple(inline as Node, name);
    return { name, type, required };
  }

  private group(node: Node): Group {
    const items: Particle[] = [];
    for (const c of node.children) {
      if (c.name === 'element') items.push(this.element(c));
      else if (c.name === 'sequence' || c.name === 'choice') items.push(this.group(c));
      else if (c.name !== 'annotation') throw new Error(`unsupported particle xs:${c.name}`);
    }
    const kind = node.name === 'choice' ? 'choice' : 'sequence';
    return { kind, min: occurs(node.attrs.minOccurs, 1), max: occurs(node.attrs.maxOccurs, 1), items };
  }

  private element(node: Node): ElementDecl {
    const name = node.attrs.name ?? '';
    let type = node.attrs.type ? typeRef(node.attrs.type) : '';
    const inlineComplex = child(node, 'complexType');
    const inlineSimple = child(node, 'simpleType');
    if (inlineComplex) {
      type = `${name}#type`;
      this.defineComplex(type, inlineComplex);
    } else if (inlineSimple) type = this.anonymousSimple(inlineSimple, name);
    if (!type) type = 'xs:anyType';
    const alternatives = childrenNamed(node, 'alternative').map((a) => ({
      test: a.attrs.test ?? '',
      type: typeRef(a.attrs.type ?? ''),
    }));
    const keys: KeyDecl[] = childrenNamed(node, 'key').map((k) => this.key(k));
    const keyrefs: KeyrefDecl[] = childrenNamed(node, 'keyref').map((k) => ({
      ...this.key(k),
      refer: local(k.attrs.refer ?? ''),
    }));
    return {
      kind: 'element',
      name,
      type,
      min: occurs(node.attrs.minOccurs, 1),
      max: occurs(node.attrs.maxOccurs, 1),
      nillable: node.attrs.nillable === 'true',
      ...(alternatives.length > 0 ? { alternatives } : {}),
      ...(keys.length > 0 ? { keys } : {}),
      ...(keyrefs.length > 0 ? { keyrefs } : {}),
      ...(node.attrs.id ? { dataElement: node.attrs.id.replace(/^_/, '') } : {}),
    };
  }

  private key(node: Node): KeyDecl {
    const selector = child(node, 'selector')?.attrs.xpath ?? '';
    const field = child(node, 'field')?.attrs.xpath ?? '';
    if (selector.includes('/') || field.includes('/'))
      throw new Error(`key ${node.attrs.name}: only one-step selectors and fields are supported`);
    return { name: node.attrs.name ?? '', selector: local(selector), field: local(field) };
  }
}

export function compileXsd(text: string, version: string): CompiledSchema {
  const schema = parseXsd(text);
  const namespace = schema.attrs.targetNamespace ?? '';
  return new Compiler(schema).compile(version, namespace);
}
