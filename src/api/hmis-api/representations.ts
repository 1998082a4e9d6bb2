/**
 * The media types of the HUD HMIS API. A handler's Answer carries the JSON (HUD's 0.5 shapes, field
 * names = FY2026 CSV column names) and the same data as records: which rows, and which of their
 * columns, the JSON shows. The RDF forms are built from the records, so they say exactly what the JSON
 * says: JSON-LD is an `@graph` of one node per record (`@id` = record IRI, `@type` = its HUD classes,
 * columns through the context at `/context.jsonld`), Turtle and N-Triples the same triples. Links
 * (hasClientEnrollment, hasExit, …) appear between records that are both in the answer.
 */
import { DataFactory, Writer } from 'n3';
import { type FieldSpec, type TableSpec, table } from '../../model/index.ts';
import { HMIS } from '../../model/namespaces.ts';
import { recordIri } from '../../rdf/iris.ts';
import { datatypeOf, toLexical } from '../../rdf/record-quads.ts';
import type { Row } from '../../store/record-state.ts';
import type { RouteRequest } from '../route-spec.ts';
import type { Scoped } from './common.ts';
import { RawJson } from './record-json.ts';

export const JSON_TYPE = 'application/json';
export const JSON_LD = 'application/ld+json';
export const TURTLE = 'text/turtle';
export const N_TRIPLES = 'application/n-triples';
/** What every data route can answer with, JSON first (the default). */
export const DATA_TYPES: readonly string[] = [JSON_TYPE, JSON_LD, TURTLE, N_TRIPLES];

/** One record of an answer; `columns` limits it to what the JSON shows (default: every column). */
export interface RecordPart {
  readonly spec: TableSpec;
  readonly row: Row;
  readonly columns?: readonly string[];
}

export interface Answer {
  /** The JSON answer: a value, or text already written (record-json.ts). */
  readonly json: unknown;
  readonly records: readonly RecordPart[];
  /** The cursor of the next page; also sent as a `Link: <…>; rel="next"` header. */
  readonly next?: string;
  readonly status?: number;
}

const XSD_STRING = 'http://www.w3.org/2001/XMLSchema#string';
const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';

export const part = (tableName: string, row: Row, columns?: readonly string[]): RecordPart => ({
  spec: table(tableName),
  row,
  ...(columns ? { columns } : {}),
});

// ---------------------------------------------------------------------------------------------
// RDF views of an answer

interface Triple {
  readonly subject: string;
  readonly predicate: string;
  readonly object: string;
  /** Set for literals. */
  readonly datatype?: string;
}

const keyOf = (spec: TableSpec, row: Row) => row[spec.fields.findIndex((f) => f.name === spec.key)] ?? '';
const localName = (iri: string) => iri.slice(iri.lastIndexOf('#') + 1);

/** Each record once (the first occurrence's columns, widened by later ones). */
function unique(parts: readonly RecordPart[], at: Scoped): Map<string, RecordPart> {
  const byIri = new Map<string, RecordPart>();
  for (const item of parts) {
    const id = recordIri(at.base, at.source, item.spec, keyOf(item.spec, item.row));
    const seen = byIri.get(id);
    if (!seen) byIri.set(id, item);
    else if (seen.columns && (!item.columns || item.columns.some((c) => !seen.columns?.includes(c))))
      byIri.set(id, {
        ...seen,
        columns: item.columns ? [...new Set([...seen.columns, ...item.columns])] : undefined,
      });
  }
  return byIri;
}

/** Links from parent records to child records, both in the answer: [parent, property, child]. */
function linksOf(records: ReadonlyMap<string, RecordPart>, at: Scoped): [string, string, string][] {
  const links: [string, string, string][] = [];
  for (const [child, { spec, row }] of records) {
    for (const link of spec.links) {
      const parentKey = row[spec.fields.findIndex((f) => f.name === link.field)];
      const parent = parentKey ? recordIri(at.base, at.source, table(link.table), parentKey) : '';
      if (records.has(parent)) for (const property of link.properties) links.push([parent, property, child]);
    }
  }
  return links;
}

const shown = (item: RecordPart, field: FieldSpec, value: string | undefined): value is string =>
  !!value && (!item.columns || item.columns.includes(field.name));

function triplesOf(parts: readonly RecordPart[], at: Scoped): Triple[] {
  const records = unique(parts, at);
  const triples: Triple[] = [];
  for (const [subject, item] of records) {
    for (const cls of item.spec.classes) triples.push({ subject, predicate: RDF_TYPE, object: cls });
    item.spec.fields.forEach((field, i) => {
      const value = item.row[i];
      if (!shown(item, field, value)) return;
      const object = toLexical(field.type, value);
      triples.push({ subject, predicate: field.iri, object, datatype: datatypeOf(field.type) });
    });
  }
  for (const [subject, predicate, object] of linksOf(records, at))
    triples.push({ subject, predicate, object });
  return triples;
}

/** JSON-LD: one node per record, columns by their CSV names as lexical strings (the context types them). */
function jsonLd(parts: readonly RecordPart[], at: Scoped, contextUrl: string): unknown {
  const records = unique(parts, at);
  const nodes = new Map<string, Record<string, unknown>>();
  for (const [id, item] of records) {
    const types = item.spec.classes.map(localName);
    const node: Record<string, unknown> = { '@id': id, '@type': types.length === 1 ? types[0] : types };
    item.spec.fields.forEach((field, i) => {
      const value = item.row[i];
      if (shown(item, field, value)) node[field.name] = toLexical(field.type, value);
    });
    nodes.set(id, node);
  }
  for (const [parent, property, child] of linksOf(records, at)) {
    const node = nodes.get(parent) as Record<string, unknown>;
    const term = localName(property);
    node[term] = [...((node[term] as string[] | undefined) ?? []), child];
  }
  return { '@context': contextUrl, '@graph': [...nodes.values()] };
}

const escapeLiteral = (text: string) =>
  text.replace(
    /[\\"\n\r\t]/g,
    (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c] ?? c,
  );

function nTriples(triples: readonly Triple[]): string {
  let out = '';
  for (const t of triples) {
    const object = !t.datatype
      ? `<${t.object}>`
      : t.datatype === XSD_STRING
        ? `"${escapeLiteral(t.object)}"`
        : `"${escapeLiteral(t.object)}"^^<${t.datatype}>`;
    out += `<${t.subject}> <${t.predicate}> ${object} .\n`;
  }
  return out;
}

function turtle(triples: readonly Triple[]): Promise<string> {
  const writer = new Writer({ prefixes: { hmis: HMIS, xsd: 'http://www.w3.org/2001/XMLSchema#' } });
  const { namedNode, literal, quad } = DataFactory;
  for (const t of triples) {
    const object = t.datatype
      ? literal(t.object, t.datatype === XSD_STRING ? undefined : namedNode(t.datatype))
      : namedNode(t.object);
    writer.addQuad(quad(namedNode(t.subject), namedNode(t.predicate), object));
  }
  return new Promise((resolve, reject) =>
    writer.end((error, text: string) => (error ? reject(error) : resolve(text))),
  );
}

// ---------------------------------------------------------------------------------------------
// Responses

/** The request URL with `cursor` set to `next`: the Link of the next page (GET routes only). */
function nextLink(request: RouteRequest, next: string): string {
  const url = new URL(request.raw.url);
  url.searchParams.set('cursor', next);
  return `<${url.pathname}${url.search}>; rel="next"`;
}

export async function respond(request: RouteRequest, at: Scoped, answer: Answer): Promise<Response> {
  const headers: Record<string, string> = { Vary: 'Accept' };
  if (answer.next && request.raw.method === 'GET') headers.Link = nextLink(request, answer.next);
  const status = answer.status ?? 200;
  switch (request.mediaType) {
    case JSON_LD: {
      const contextUrl = new URL('/context.jsonld', request.raw.url).href;
      return Response.json(jsonLd(answer.records, at, contextUrl), {
        status,
        headers: { ...headers, 'Content-Type': `${JSON_LD}; charset=utf-8` },
      });
    }
    case TURTLE:
      return new Response(await turtle(triplesOf(answer.records, at)), {
        status,
        headers: { ...headers, 'Content-Type': `${TURTLE}; charset=utf-8` },
      });
    case N_TRIPLES:
      return new Response(nTriples(triplesOf(answer.records, at)), {
        status,
        headers: { ...headers, 'Content-Type': `${N_TRIPLES}; charset=utf-8` },
      });
    default: {
      const json = answer.json instanceof RawJson ? answer.json.text : JSON.stringify(answer.json);
      return new Response(json, {
        status,
        headers: { ...headers, 'Content-Type': `${JSON_TYPE}; charset=utf-8` },
      });
    }
  }
}
