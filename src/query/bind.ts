/**
 * Binding request values into stored SPARQL queries, so that no request text ever becomes query
 * syntax. A query template (a `.rq` file) uses two constructs, both SPARQL comments or variables, so
 * the file itself stays valid SPARQL:
 *
 * - `$name` is replaced by the bound term: an IRI, a typed literal, a bare count (LIMIT), or (for a list binding) terms
 *   separated by spaces, meant for `VALUES ?x { $name }`.
 * - Lines between `#if name` and `#endif` are kept only when `name` is bound (blocks do not nest);
 *   other comment lines are dropped.
 *
 * Terms are checked against their datatype's lexical form and written with N-Triples escaping; IRIs
 * must be absolute and free of the characters IRIREF excludes. Anything else is refused with a
 * BindError, and a `$name` left unbound is refused too, so a template cannot silently run unfiltered.
 */

const XSD = 'http://www.w3.org/2001/XMLSchema#';

export type LiteralType = 'string' | 'integer' | 'decimal' | 'date' | 'dateTime';

export type Term =
  | { readonly kind: 'iri'; readonly value: string }
  /** A bare non-negative integer, for LIMIT and OFFSET (where SPARQL takes no typed literal). */
  | { readonly kind: 'count'; readonly value: number }
  | { readonly kind: 'literal'; readonly value: string; readonly datatype: LiteralType };

export type Binding = Term | readonly Term[] | undefined;

export class BindError extends Error {
  override name = 'BindError';
}

const LEXICAL: Readonly<Record<Exclude<LiteralType, 'string'>, RegExp>> = {
  integer: /^-?\d{1,18}$/,
  decimal: /^-?\d{1,18}(\.\d{1,18})?$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
  dateTime: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?$/,
};

// IRIREF excludes <>"{}|^`\ and everything up to the space (controls: see hasControlCharacter).
const IRI = /^[A-Za-z][A-Za-z0-9+.-]*:[^ <>"{}|^`\\]*$/;

/** True when `text` holds a C0 control character or DEL, other than those in `allowed`. */
export function hasControlCharacter(text: string, allowed = ''): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 || code === 0x7f) && !allowed.includes(text[i] as string)) return true;
  }
  return false;
}

export const iri = (value: string): Term => ({ kind: 'iri', value });
export const count = (value: number): Term => ({ kind: 'count', value });
export const literal = (value: string, datatype: LiteralType = 'string'): Term => ({
  kind: 'literal',
  value,
  datatype,
});

const ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '"': '\\"',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

function escapeString(value: string): string {
  // Other control characters have no place in HMIS values; refusing them keeps the output plain.
  if (hasControlCharacter(value, '\t\n\r')) throw new BindError('a string value holds a control character');
  return value.replace(/[\\"\n\r\t]/g, (c) => ESCAPES[c] ?? c);
}

/** Whether `value` is a lexical form of the XSD datatype (any string is an xsd:string). */
export const isLexical = (value: string, datatype: LiteralType): boolean =>
  datatype === 'string' || LEXICAL[datatype].test(value);

/** One term as SPARQL text. */
export function termText(term: Term): string {
  if (term.kind === 'iri') {
    if (!IRI.test(term.value) || hasControlCharacter(term.value))
      throw new BindError('not an absolute IRI without forbidden characters');
    return `<${term.value}>`;
  }
  if (term.kind === 'count') {
    if (!Number.isSafeInteger(term.value) || term.value < 0) throw new BindError('not a count');
    return String(term.value);
  }
  if (term.datatype === 'string') return `"${escapeString(term.value)}"`;
  if (!LEXICAL[term.datatype].test(term.value))
    throw new BindError(`not a valid xsd:${term.datatype} lexical form`);
  return `"${term.value}"^^<${XSD}${term.datatype}>`;
}

const NAME = /\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** A run of template lines, kept only when `condition` (if any) is bound. */
interface Block {
  readonly condition?: string;
  readonly text: string;
}

/** A template split into its `#if` blocks, once: stored queries are compiled when they are loaded. */
export interface CompiledTemplate {
  readonly blocks: readonly Block[];
}

/**
 * The template's `#if` blocks, and the lines between them, without comment lines: those document
 * the `.rq` file, and neither the store nor `$name` substitution needs to read them on every query.
 */
export function compileTemplate(template: string): CompiledTemplate {
  const blocks: { condition?: string; lines: string[] }[] = [{ lines: [] }];
  let condition: string | undefined;
  for (const line of template.split('\n')) {
    const open = /^\s*#if\s+([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(line);
    if (open) {
      if (condition !== undefined) throw new BindError('#if blocks do not nest');
      condition = open[1] as string;
      blocks.push({ condition, lines: [] });
    } else if (/^\s*#endif\s*$/.test(line)) {
      if (condition === undefined) throw new BindError('#endif without #if');
      condition = undefined;
      blocks.push({ lines: [] });
    } else if (!/^\s*#/.test(line)) (blocks.at(-1) as { lines: string[] }).lines.push(line);
  }
  if (condition !== undefined) throw new BindError(`#if ${condition} is not closed`);
  return {
    blocks: blocks
      .filter((block) => block.lines.length > 0)
      .map(({ condition, lines }) => ({ ...(condition ? { condition } : {}), text: lines.join('\n') })),
  };
}

/** The template with `#if` blocks resolved and every `$name` replaced by its binding. */
export function bindQuery(
  template: string | CompiledTemplate,
  bindings: Readonly<Record<string, Binding>>,
): string {
  const { blocks } = typeof template === 'string' ? compileTemplate(template) : template;
  let text = '';
  for (const block of blocks)
    if (block.condition === undefined || bindings[block.condition] !== undefined)
      text += text ? `\n${block.text}` : block.text;
  return text.replace(NAME, (_, name: string) => {
    const binding = bindings[name];
    if (binding === undefined) throw new BindError(`$${name} is not bound`);
    return isList(binding) ? binding.map(termText).join(' ') : termText(binding);
  });
}

const isList = (binding: Term | readonly Term[]): binding is readonly Term[] => Array.isArray(binding);
