/**
 * Serializing answers fetched from a remote SPARQL server, so that every backend answers in exactly
 * the same SPARQL 1.1 formats as the embedded one: the server is asked for SPARQL JSON (SELECT/ASK)
 * or N-Triples (CONSTRUCT/DESCRIBE), its quirks are absorbed (normalizeJson), and Hearth writes the
 * format the caller negotiated.
 */
import type * as RDF from '@rdfjs/types';
import { Writer } from 'n3';
import { NotAcceptableError } from '../query/errors.ts';
import type { JsonBinding } from '../query/results.ts';

export interface SelectJson {
  head: { vars: string[] };
  results: { bindings: Record<string, JsonBinding>[] };
}

const XSD_STRING = 'http://www.w3.org/2001/XMLSchema#string';

/**
 * SPARQL JSON as the 1.1 recommendation has it: `typed-literal` (SPARQL 1.0, Virtuoso) becomes
 * `literal`, xsd:string datatypes are dropped, unused head fields go.
 */
export function normalizeJson(text: string): SelectJson | { head: object; boolean: boolean } {
  const document = JSON.parse(text) as {
    head?: { vars?: string[] };
    boolean?: boolean;
    results?: { bindings?: Record<string, JsonBinding & { type: string }>[] };
  };
  if (typeof document.boolean === 'boolean') return { head: {}, boolean: document.boolean };
  const bindings = (document.results?.bindings ?? []).map((b) =>
    Object.fromEntries(
      Object.entries(b).map(([name, term]) => {
        const type = term.type === 'typed-literal' ? 'literal' : term.type;
        const { datatype, ...rest } = term;
        const keep = datatype && datatype !== XSD_STRING ? { datatype } : {};
        return [name, { ...rest, type, ...keep } as JsonBinding];
      }),
    ),
  );
  return { head: { vars: document.head?.vars ?? [] }, results: { bindings } };
}

/** An ASK answer from SPARQL JSON: a boolean, or a one-row binding holding 0/1 (Virtuoso). */
export function askAnswer(text: string): boolean {
  const document = normalizeJson(text);
  if ('boolean' in document) return document.boolean;
  const row = document.results.bindings[0];
  const value = row ? Object.values(row)[0]?.value : undefined;
  return value === '1' || value === 'true';
}

const xmlEscape = (text: string) =>
  text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] ?? c);
const csvField = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
const tsvEscape = (text: string) =>
  text.replace(
    /[\\\t\n\r"]/g,
    (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '"': '\\"' })[c] ?? c,
  );

function tsvTerm(term: JsonBinding | undefined): string {
  if (!term) return '';
  if (term.type === 'uri') return `<${term.value}>`;
  if (term.type === 'bnode') return `_:${term.value}`;
  const lexical = `"${tsvEscape(term.value)}"`;
  if (term['xml:lang']) return `${lexical}@${term['xml:lang']}`;
  const datatype = term.datatype;
  if (datatype === 'http://www.w3.org/2001/XMLSchema#integer' && /^[+-]?\d+$/.test(term.value))
    return term.value;
  return datatype ? `${lexical}^^<${datatype}>` : lexical;
}

function xmlTerm(term: JsonBinding): string {
  if (term.type === 'uri') return `<uri>${xmlEscape(term.value)}</uri>`;
  if (term.type === 'bnode') return `<bnode>${xmlEscape(term.value)}</bnode>`;
  const lang = term['xml:lang'] ? ` xml:lang="${xmlEscape(term['xml:lang'])}"` : '';
  const datatype = term.datatype ? ` datatype="${xmlEscape(term.datatype)}"` : '';
  return `<literal${lang}${datatype}>${xmlEscape(term.value)}</literal>`;
}

/** A SELECT or ASK answer in one of the four results formats. */
export function serializeResults(document: ReturnType<typeof normalizeJson>, contentType: string): string {
  const ns = 'http://www.w3.org/2005/sparql-results#';
  if ('boolean' in document) {
    const value = String(document.boolean);
    if (contentType === 'application/sparql-results+json') return JSON.stringify(document);
    if (contentType === 'application/sparql-results+xml')
      return `<?xml version="1.0"?><sparql xmlns="${ns}"><head></head><boolean>${value}</boolean></sparql>`;
    return value;
  }
  const { vars } = document.head;
  const rows = document.results.bindings;
  switch (contentType) {
    case 'application/sparql-results+json':
      return JSON.stringify(document);
    case 'application/sparql-results+xml': {
      const head = vars.map((v) => `<variable name="${xmlEscape(v)}"/>`).join('');
      const results = rows
        .map(
          (row) =>
            `<result>${Object.entries(row)
              .map(([name, term]) => `<binding name="${xmlEscape(name)}">${xmlTerm(term)}</binding>`)
              .join('')}</result>`,
        )
        .join('');
      return `<?xml version="1.0"?><sparql xmlns="${ns}"><head>${head}</head><results>${results}</results></sparql>`;
    }
    case 'text/csv':
      return [vars.join(','), ...rows.map((row) => vars.map((v) => csvField(row[v]?.value ?? '')).join(','))]
        .map((line) => `${line}\r\n`)
        .join('');
    case 'text/tab-separated-values':
      return [
        vars.map((v) => `?${v}`).join('\t'),
        ...rows.map((row) => vars.map((v) => tsvTerm(row[v])).join('\t')),
      ]
        .map((line) => `${line}\n`)
        .join('');
  }
  throw new NotAcceptableError(`cannot write results as ${contentType}`);
}

/** Triples as expanded JSON-LD: one node object per subject, values with their datatype or language. */
function jsonLd(quads: readonly RDF.Quad[]): string {
  const nodes = new Map<string, Record<string, unknown[]>>();
  const id = (term: RDF.Term) => (term.termType === 'BlankNode' ? `_:${term.value}` : term.value);
  for (const quad of quads) {
    const subject = id(quad.subject);
    const node = nodes.get(subject) ?? {};
    nodes.set(subject, node);
    const key =
      quad.predicate.value === 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type'
        ? '@type'
        : quad.predicate.value;
    const o = quad.object;
    const value =
      key === '@type'
        ? id(o)
        : o.termType === 'Literal'
          ? o.language
            ? { '@value': o.value, '@language': o.language }
            : o.datatype.value === XSD_STRING
              ? { '@value': o.value }
              : { '@value': o.value, '@type': o.datatype.value }
          : { '@id': id(o) };
    node[key] = [...(node[key] ?? []), value];
  }
  return JSON.stringify([...nodes].map(([subject, node]) => ({ '@id': subject, ...node })));
}

const WRITER_FORMATS: Readonly<Record<string, string>> = {
  'text/turtle': 'Turtle',
  'application/n-triples': 'N-Triples',
  'application/n-quads': 'N-Quads',
  'application/trig': 'TriG',
};

/** A CONSTRUCT or DESCRIBE answer in one of the graph formats (RDF/XML is not written: 406). */
export function serializeGraph(quads: readonly RDF.Quad[], contentType: string): string {
  if (contentType === 'application/ld+json') return jsonLd(quads);
  const format = WRITER_FORMATS[contentType];
  if (!format) throw new NotAcceptableError(`this backend does not write ${contentType}`);
  const writer = new Writer({ format });
  writer.addQuads([...quads]);
  let out = '';
  writer.end((error, result) => {
    if (error) throw error;
    out = result;
  });
  return out;
}
