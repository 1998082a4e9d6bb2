/**
 * SPARQL query forms and result media types: which form a query is (read without parsing it), and
 * which serialization an Accept header asks for (the SPARQL 1.1 Protocol's content negotiation).
 */
import { NotAcceptableError } from './errors.ts';

export type QueryForm = 'SELECT' | 'ASK' | 'CONSTRUCT' | 'DESCRIBE';

export const RESULTS_TYPES = [
  'application/sparql-results+json',
  'application/sparql-results+xml',
  'text/csv',
  'text/tab-separated-values',
];
const GRAPH_TYPES = [
  'application/n-triples',
  'text/turtle',
  'application/n-quads',
  'application/trig',
  'application/ld+json',
  'application/rdf+xml',
];
/** Accepted synonyms and the media type they are served as. */
const ALIASES: Record<string, string> = {
  'application/json': 'application/sparql-results+json',
  'application/xml': 'application/sparql-results+xml',
  'text/plain': 'application/n-triples',
  'text/xml': 'application/sparql-results+xml',
};

/** The query form after the prologue (BASE/PREFIX and comments), or undefined if none is found. */
export function queryForm(sparql: string): QueryForm | undefined {
  // A linear scan (no backtracking regex: queries come from the network).
  let i = 0;
  const skip = () => {
    while (i < sparql.length) {
      const c = sparql[i] as string;
      if (c === '#') while (i < sparql.length && sparql[i] !== '\n' && sparql[i] !== '\r') i++;
      else if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++;
      else break;
    }
  };
  const word = () => {
    const start = i;
    while (i < sparql.length && /[A-Za-z]/.test(sparql[i] as string)) i++;
    return sparql.slice(start, i).toUpperCase();
  };
  const iri = () => {
    skip();
    if (sparql[i] !== '<') return false;
    const close = sparql.indexOf('>', i);
    i = close < 0 ? sparql.length : close + 1;
    return close >= 0;
  };
  for (;;) {
    skip();
    const keyword = word();
    if (keyword === 'BASE') {
      if (!iri()) return undefined;
    } else if (keyword === 'PREFIX') {
      skip();
      const colon = sparql.indexOf(':', i);
      if (colon < 0 || /\s/.test(sparql.slice(i, colon))) return undefined;
      i = colon + 1;
      if (!iri()) return undefined;
    } else {
      const next = sparql[i];
      const ends = next === undefined || !/[\w:-]/.test(next);
      const forms: readonly string[] = ['SELECT', 'ASK', 'CONSTRUCT', 'DESCRIBE'];
      return ends && forms.includes(keyword) ? (keyword as QueryForm) : undefined;
    }
  }
}

/**
 * The media type to serialize a query's result as, from an Accept header (quality values honoured,
 * wildcards allowed). No header or `*\/*`: SPARQL JSON results or N-Triples.
 */
export function negotiate(form: QueryForm, accept?: string): string {
  const supported = form === 'SELECT' || form === 'ASK' ? RESULTS_TYPES : GRAPH_TYPES;
  if (!accept?.trim()) return supported[0] as string;
  // The common case, and every query Hearth runs itself: one media type, named exactly.
  if (supported.includes(accept)) return accept;
  const ranges = accept
    .split(',')
    .map((part, index) => {
      const [range = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
      const q = params.find((p) => p.startsWith('q='));
      return { range, q: q ? Number(q.slice(2)) : 1, index };
    })
    .filter((r) => r.range && r.q > 0 && !Number.isNaN(r.q))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { range } of ranges) {
    if (range === '*/*') return supported[0] as string;
    if (range.endsWith('/*')) {
      const match = supported.find((type) => type.startsWith(range.slice(0, -1)));
      if (match) return match;
      continue;
    }
    const type = supported.includes(range) ? range : ALIASES[range];
    if (type && supported.includes(type)) return type;
  }
  throw new NotAcceptableError(`${form} results are available as ${supported.join(', ')}; asked: ${accept}`);
}
