/**
 * Planning one commit to the SPARQL server (sparql-http-store.ts): what to stage in temporary graphs
 * by the Graph Store Protocol, and the update operations, each conditional on the journal head, that
 * move the staged changes into the data and row graphs in one request. Records are replaced by
 * subject (their literals and types), so the server's own spelling of typed literals never matters
 * to a replace (strings go as simple literals, see objectText);
 * the parent→child links of a record's previous row go exactly (they hold IRIs only).
 */
import { fieldIndex, table } from '../model/index.ts';
import { graphIri, recordIri } from '../rdf/iris.ts';
import { objectText, type PlainQuad, recordQuads } from '../rdf/record-quads.ts';
import type { Operation } from './operations.ts';
import type { RecordState, Row } from './record-state.ts';
import { type Changes, headIs, MAX_LISTED_RECORDS, REPLACED, ROW, rowsGraph } from './remote-journal.ts';

const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';

const nt = (q: PlainQuad): string => `<${q.subject}> <${q.predicate}> ${objectText(q)} .\n`;
const rowTriple = (subject: string, row: Row) =>
  `<${subject}> <${ROW}> ${JSON.stringify(JSON.stringify(row))} .\n`;

/** Staged graphs (Graph Store Protocol) and the conditional update operations of one commit. */
export function planCommit(
  baseIri: string,
  state: RecordState,
  operations: readonly Operation[],
  token: string,
) {
  const staged = new Map<string, string>();
  const stage = (kind: string, source: string, text: string) => {
    const graph = `urn:hearth:staging:${token}:${kind}:${source}`;
    staged.set(graph, (staged.get(graph) ?? '') + text);
  };
  const dropped = new Set<string>();
  const touched = new Set<string>();
  const overlay = new Map<string, Row | undefined>();
  const records: [string, string, string][] = [];
  for (const operation of operations) {
    if (operation.op === 'dropSource') {
      dropped.add(operation.source);
      for (const id of overlay.keys())
        if (id.startsWith(`${operation.source}\u0000`)) overlay.set(id, undefined);
      continue;
    }
    const spec = table(operation.table);
    const key = operation.op === 'put' ? (operation.row[fieldIndex(spec, spec.key)] ?? '') : operation.key;
    const id = `${operation.source}\u0000${spec.name}\u0000${key}`;
    const previous = overlay.has(id)
      ? overlay.get(id)
      : dropped.has(operation.source)
        ? undefined
        : state.source(operation.source)?.get(spec.name, key);
    const subject = recordIri(baseIri, operation.source, spec, key);
    stage('del', operation.source, `<${subject}> <${REPLACED}> "1" .\n`);
    if (previous)
      for (const q of recordQuads(baseIri, operation.source, spec, previous))
        if (q.subject !== subject) stage('del', operation.source, nt(q));
    if (operation.op === 'put') {
      stage(
        'data',
        operation.source,
        recordQuads(baseIri, operation.source, spec, operation.row).map(nt).join(''),
      );
      stage('rows', operation.source, rowTriple(subject, operation.row));
      touched.add(operation.source);
    }
    overlay.set(id, operation.op === 'put' ? operation.row : undefined);
    records.push([operation.source, spec.name, key]);
  }
  const sources = new Set([...dropped, ...records.map(([s]) => s)]);
  const listed = records.length <= MAX_LISTED_RECORDS;
  const changes: Changes = {
    records: listed ? records.filter(([s]) => !dropped.has(s)) : [],
    reload: listed ? [...dropped] : [...sources],
  };
  const known = new Set(state.sources.keys());
  const updates = (head: number): string[] => {
    const when = headIs(head);
    const ops: string[] = [];
    for (const source of dropped) {
      for (const g of [graphIri(baseIri, source), rowsGraph(source)])
        ops.push(`DELETE { GRAPH <${g}> { ?s ?p ?o } } WHERE { ${when} GRAPH <${g}> { ?s ?p ?o } }`);
    }
    for (const source of sources) {
      const g = graphIri(baseIri, source);
      const rows = rowsGraph(source);
      const st = (kind: string) => `urn:hearth:staging:${token}:${kind}:${source}`;
      if (!staged.has(st('del')) && !staged.has(st('data'))) continue;
      ops.push(
        `DELETE { GRAPH <${g}> { ?s ?p ?o } } WHERE { ${when} GRAPH <${st('del')}> { ?s <${REPLACED}> "1" } GRAPH <${g}> { ?s ?p ?o FILTER(isLiteral(?o) || ?p = <${RDF_TYPE}>) } }`,
        `DELETE { GRAPH <${g}> { ?s ?p ?o } } WHERE { ${when} GRAPH <${st('del')}> { ?s ?p ?o FILTER(?p != <${REPLACED}>) } }`,
        `DELETE { GRAPH <${rows}> { ?s <${ROW}> ?r } } WHERE { ${when} GRAPH <${st('del')}> { ?s <${REPLACED}> "1" } GRAPH <${rows}> { ?s <${ROW}> ?r } }`,
        `INSERT { GRAPH <${g}> { ?s ?p ?o } } WHERE { ${when} GRAPH <${st('data')}> { ?s ?p ?o } }`,
        `INSERT { GRAPH <${rows}> { ?s ?p ?o } } WHERE { ${when} GRAPH <${st('rows')}> { ?s ?p ?o } }`,
      );
    }
    return ops;
  };
  return {
    staged,
    changes,
    updates,
    sources: {
      added: [...touched].filter((s) => !known.has(s) || dropped.has(s)),
      removed: [...dropped].filter((s) => !touched.has(s)),
    },
  };
}
