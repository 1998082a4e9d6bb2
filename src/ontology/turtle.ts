/**
 * A tiny, deterministic Turtle writer: resources are written in the order given, predicates in the
 * order given, nested blank nodes and lists indented. Only the prefixes actually used are declared.
 */
import { RDF, XSD } from './terms.ts';

export type Term =
  | { readonly kind: 'iri'; readonly iri: string }
  | {
      readonly kind: 'literal';
      readonly value: string;
      readonly datatype?: string;
      readonly language?: string;
    }
  | { readonly kind: 'blank'; readonly properties: readonly Property[] }
  | { readonly kind: 'list'; readonly items: readonly Term[] };

/** A predicate and its objects (written as an object list). */
export type Property = readonly [predicate: string, objects: Term | readonly Term[]];

export interface Resource {
  readonly subject: string;
  readonly properties: readonly Property[];
}

export const iri = (value: string): Term => ({ kind: 'iri', iri: value });
export const text = (value: string, language?: string): Term =>
  language ? { kind: 'literal', value, language } : { kind: 'literal', value };
export const typed = (value: string, datatype: string): Term => ({ kind: 'literal', value, datatype });
export const integer = (value: number | string): Term => typed(String(value), `${XSD}integer`);
export const blank = (...properties: Property[]): Term => ({ kind: 'blank', properties });
export const list = (items: readonly Term[]): Term => ({ kind: 'list', items });

/** A local name that needs no escaping in a Turtle prefixed name. */
const SAFE_LOCAL = /^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?$/;
const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?\d*\.\d+$/;
const INDENT = '  ';
const INLINE_WIDTH = 100;

export function escapeString(value: string): string {
  return value.replace(
    /[\\"\n\r\t]/g,
    (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c] ?? c,
  );
}

class Writer {
  readonly used = new Set<string>();
  /** Longest namespaces first, so `hmis:` never shadows a longer one. */
  private readonly namespaces: [string, string][];

  constructor(prefixes: Readonly<Record<string, string>>) {
    this.namespaces = Object.entries(prefixes).sort((a, b) => b[1].length - a[1].length);
  }

  name(value: string): string {
    if (value === `${RDF}type`) return 'a';
    return this.iri(value);
  }

  iri(value: string): string {
    for (const [prefix, namespace] of this.namespaces) {
      if (!value.startsWith(namespace)) continue;
      const local = value.slice(namespace.length);
      if (local === '' || SAFE_LOCAL.test(local)) {
        this.used.add(prefix);
        return `${prefix}:${local}`;
      }
    }
    if (/[\s<>"{}|^`\\]/.test(value))
      throw new Error(`IRI ${JSON.stringify(value)} cannot be written in Turtle`);
    return `<${value}>`;
  }

  literal(term: Extract<Term, { kind: 'literal' }>): string {
    const { value, datatype, language } = term;
    if (datatype === `${XSD}integer` && INTEGER.test(value)) return value;
    if (datatype === `${XSD}decimal` && DECIMAL.test(value)) return value;
    const quoted = `"${escapeString(value)}"`;
    if (language) return `${quoted}@${language}`;
    if (!datatype || datatype === `${XSD}string`) return quoted;
    return `${quoted}^^${this.iri(datatype)}`;
  }

  /** The term on one line, or undefined when it holds blank nodes or lists that are too long. */
  inline(term: Term): string | undefined {
    switch (term.kind) {
      case 'iri':
        return this.iri(term.iri);
      case 'literal':
        return this.literal(term);
      case 'list': {
        if (term.items.length === 0) return `${this.iri(`${RDF}nil`)}`;
        const items = term.items.map((item) => this.inline(item));
        if (items.some((item) => item === undefined)) return undefined;
        const line = `( ${items.join(' ')} )`;
        return line.length <= INLINE_WIDTH ? line : undefined;
      }
      case 'blank': {
        if (term.properties.length === 0) return '[]';
        const parts: string[] = [];
        for (const [predicate, objects] of term.properties) {
          const values = (Array.isArray(objects) ? objects : [objects]) as readonly Term[];
          const written = values.map((value) => this.inline(value));
          if (written.some((value) => value === undefined)) return undefined;
          parts.push(`${this.name(predicate)} ${written.join(', ')}`);
        }
        const line = `[ ${parts.join(' ; ')} ]`;
        return term.properties.length <= 3 && line.length <= INLINE_WIDTH ? line : undefined;
      }
    }
  }

  /** The term, indented at `depth` when it spans lines (its first line is not indented). */
  term(term: Term, depth: number): string {
    const line = this.inline(term);
    if (line !== undefined && depth * INDENT.length + line.length <= INLINE_WIDTH) return line;
    const inner = INDENT.repeat(depth + 1);
    const close = INDENT.repeat(depth);
    if (term.kind === 'list') {
      const items = term.items.map((item) => `${inner}${this.term(item, depth + 1)}`);
      return `(\n${items.join('\n')}\n${close})`;
    }
    if (term.kind === 'blank') return `[\n${this.properties(term.properties, depth + 1)}\n${close}]`;
    return line ?? '';
  }

  properties(properties: readonly Property[], depth: number): string {
    const indent = INDENT.repeat(depth);
    return properties
      .map(([predicate, objects]) => {
        const values = (Array.isArray(objects) ? objects : [objects]) as readonly Term[];
        const head = `${indent}${this.name(predicate)} `;
        const written = values.map((value) => this.term(value, depth));
        const oneLine = `${head}${written.join(', ')}`;
        if (values.length <= 1 || (!oneLine.includes('\n') && oneLine.length <= INLINE_WIDTH)) return oneLine;
        return `${head}${written.join(`,\n${indent}${INDENT}`)}`;
      })
      .join(' ;\n');
  }
}

/**
 * Turtle text: `header` lines as `#` comments, the used prefixes (sorted), then each resource as
 * `subject` followed by its indented properties.
 */
export function writeTurtle(
  prefixes: Readonly<Record<string, string>>,
  resources: readonly Resource[],
  header: readonly string[] = [],
): string {
  const writer = new Writer(prefixes);
  const blocks = resources
    .filter((resource) => resource.properties.length > 0)
    .map((resource) => `${writer.iri(resource.subject)}\n${writer.properties(resource.properties, 1)} .\n`);
  const declared = Object.keys(prefixes)
    .filter((prefix) => writer.used.has(prefix))
    .sort()
    .map((prefix) => `@prefix ${prefix}: <${prefixes[prefix]}> .`);
  const comments = header.map((line) => (line ? `# ${line}` : '#'));
  return `${[...comments, ...(comments.length ? [''] : []), ...declared].join('\n')}\n\n${blocks.join('\n')}`;
}
