/**
 * SPARQL UPDATE through the model. Oxigraph cannot tell what an update changed, and the index is a
 * copy anyway, so Hearth plans the update itself: WHERE clauses run as SELECT on the index, the
 * DELETE/INSERT templates are instantiated with each solution, and the resulting quads become
 * changes to record columns — validated like any other write, committed as one transaction.
 *
 * Semantics and limits (refused with a clear message otherwise):
 * - the data lives in named graphs, one per source: templates must say `GRAPH <…>` (or use WITH);
 * - WHERE clauses see the data as it was before the request, so an operation with a WHERE clause
 *   must come first in a request;
 * - the quads an update deletes and inserts are applied to the rows as the commit queue finds them
 *   (planUpdate gives a Change), so a concurrent write to other columns of a record is kept;
 * - deleting a record's `rdf:type` deletes the record; other quads change columns;
 * - LOAD, CLEAR, DROP, CREATE, ADD, MOVE and COPY are not supported (use import or `loadRdf`).
 */
import type * as RDF from '@rdfjs/types';
import { DataFactory } from 'n3';
import sparqljs from 'sparqljs';
import { fieldIndex } from '../model/index.ts';
import { solutionsOf } from '../query/results.ts';
import { parseRecordIri } from '../rdf/iris.ts';
import { type RecordFromQuads, recordsFromQuads } from '../rdf/quads-to-records.ts';
import { InvalidWriteError, rdfProblemsError } from '../validate/operations.ts';
import type { Change, Operation } from './operations.ts';
import type { RecordState } from './record-state.ts';

const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';

export class UnsupportedUpdateError extends Error {
  override name = 'UnsupportedUpdateError';
}

export interface UpdateContext {
  readonly baseIri: string;
  /** Runs a SELECT on the index and returns SPARQL JSON results. */
  readonly select: (query: string) => Promise<string>;
}

type Solution = Record<string, RDF.Term>;

/** The update as a Change: its quads are found now; they meet the rows when it is committed. */
export async function planUpdate(
  sparql: string,
  context: UpdateContext,
): Promise<(records: RecordState) => Operation[]> {
  let parsed: sparqljs.SparqlQuery;
  try {
    parsed = new sparqljs.Parser({ baseIRI: context.baseIri }).parse(sparql);
  } catch (error) {
    throw new UnsupportedUpdateError(`not a SPARQL update: ${(error as Error).message.split('\n')[0]}`);
  }
  if (parsed.type !== 'update') throw new UnsupportedUpdateError('send queries to query(), not update()');
  const deletes: RDF.Quad[] = [];
  const inserts: RDF.Quad[] = [];
  for (const [index, operation] of parsed.updates.entries()) {
    if (!('updateType' in operation)) {
      throw new UnsupportedUpdateError(
        `${operation.type.toUpperCase()} is not supported; import data instead`,
      );
    }
    const where = operation.updateType === 'insertdelete' || operation.updateType === 'deletewhere';
    if (where && index > 0) {
      throw new UnsupportedUpdateError('an operation with a WHERE clause must come first in the request');
    }
    const solutions = await solve(operation, context);
    const graph = operation.graph && 'termType' in operation.graph ? operation.graph : undefined;
    if ('delete' in operation) deletes.push(...instantiate(operation.delete, solutions, graph));
    if ('insert' in operation) inserts.push(...instantiate(operation.insert, solutions, graph));
  }
  const changes = quadChanges(context.baseIri, deletes, inserts);
  return (records) => toOperations(records, changes);
}

/** Commits a planned update with `commit`; resolves with its transaction and how many records it wrote. */
export async function commitUpdate(
  planned: (records: RecordState) => Operation[],
  commit: (change: Change) => Promise<number>,
): Promise<{ txId: number; records: number }> {
  let records = 0;
  const txId = await commit((state) => {
    const operations = planned(state);
    records = operations.length;
    return operations;
  });
  return { txId, records };
}

async function solve(operation: sparqljs.InsertDeleteOperation, context: UpdateContext): Promise<Solution[]> {
  if (operation.updateType === 'insert' || operation.updateType === 'delete') return [{}];
  const patterns: sparqljs.Pattern[] =
    operation.updateType === 'deletewhere' ? operation.delete.map(asPattern) : operation.where;
  const graph = operation.graph && 'termType' in operation.graph ? operation.graph : undefined;
  const where = graph ? [{ type: 'graph', name: graph, patterns } as sparqljs.GraphPattern] : patterns;
  const select = new sparqljs.Generator().stringify({
    type: 'query',
    queryType: 'SELECT',
    variables: [new sparqljs.Wildcard()],
    where,
    prefixes: {},
  });
  return solutionsOf(await context.select(select));
}

/** DELETE WHERE's template is its own WHERE clause. */
const asPattern = (quads: sparqljs.Quads): sparqljs.Pattern =>
  quads.type === 'bgp'
    ? quads
    : ({
        type: 'graph',
        name: quads.name,
        patterns: [{ type: 'bgp', triples: quads.triples }],
      } as sparqljs.GraphPattern);

function bind(t: sparqljs.Term | sparqljs.PropertyPath, solution: Solution): RDF.Term | undefined {
  if ('type' in t && t.type === 'path')
    throw new UnsupportedUpdateError('property paths cannot appear in templates');
  const value = t as RDF.Term;
  if (value.termType === 'BlankNode')
    throw new UnsupportedUpdateError('blank nodes cannot become Hearth records');
  return value.termType === 'Variable' ? solution[value.value] : value;
}

function instantiate(
  templates: sparqljs.Quads[],
  solutions: Solution[],
  withGraph?: RDF.NamedNode,
): RDF.Quad[] {
  const quads: RDF.Quad[] = [];
  for (const solution of solutions) {
    for (const template of templates) {
      const graph = template.type === 'graph' ? bind(template.name, solution) : withGraph;
      if (!graph)
        throw new UnsupportedUpdateError('name the data source graph: GRAPH <{base}/{source}> { … }');
      for (const triple of template.triples) {
        const [s, p, o] = [
          bind(triple.subject, solution),
          bind(triple.predicate, solution),
          bind(triple.object, solution),
        ];
        // Unbound variables drop the triple, as SPARQL specifies.
        if (s && p && o)
          quads.push(
            DataFactory.quad(
              s as RDF.Quad_Subject,
              p as RDF.Quad_Predicate,
              o as RDF.Quad_Object,
              graph as RDF.Quad_Graph,
            ),
          );
      }
    }
  }
  return quads;
}

const recordId = (r: { source: string; table: { name: string }; key: string }) =>
  `${r.source}\u0000${r.table.name}\u0000${r.key}`;

/** The records an update's quads touch: the values it deletes and inserts, the records it removes. */
interface QuadChanges {
  readonly removedTypes: ReadonlySet<string>;
  readonly cleared: ReadonlyMap<string, RecordFromQuads>;
  readonly added: ReadonlyMap<string, RecordFromQuads>;
}

/** Throws for quads that are no record's column (before the update waits for the commit queue). */
function quadChanges(baseIri: string, deletes: RDF.Quad[], inserts: RDF.Quad[]): QuadChanges {
  const removedTypes = new Set<string>();
  for (const quad of deletes) {
    const parsed =
      quad.predicate.value === RDF_TYPE ? parseRecordIri(baseIri, quad.subject.value) : undefined;
    if (parsed) removedTypes.add(recordId(parsed));
  }
  return { removedTypes, cleared: mapRecords(baseIri, deletes), added: mapRecords(baseIri, inserts) };
}

function toOperations(records: RecordState, { removedTypes, cleared, added }: QuadChanges): Operation[] {
  const operations: Operation[] = [];
  for (const id of new Set([...cleared.keys(), ...added.keys(), ...removedTypes])) {
    const change = added.get(id) ?? cleared.get(id);
    if (!change) continue;
    const current = records.source(change.source)?.get(change.table.name, change.key);
    const insert = added.get(id);
    if (removedTypes.has(id) && !insert) {
      if (current)
        operations.push({ op: 'remove', source: change.source, table: change.table.name, key: change.key });
      continue;
    }
    const row = removedTypes.has(id) || !current ? change.table.fields.map(() => '') : [...current];
    for (const [column, value] of cleared.get(id)?.values ?? []) {
      const i = fieldIndex(change.table, column);
      if (row[i] === value && column !== change.table.key) row[i] = '';
    }
    for (const [column, value] of insert?.values ?? []) {
      const i = fieldIndex(change.table, column);
      if (row[i] && row[i] !== value) {
        throw new InvalidWriteError([
          {
            table: change.table.name,
            key: change.key,
            column,
            value,
            rule: 'rdf',
            message: `${column} holds one value; delete ${row[i]} in the same update`,
          },
        ]);
      }
      row[i] = value;
    }
    row[fieldIndex(change.table, change.table.key)] = change.key;
    operations.push({ op: 'put', source: change.source, table: change.table.name, row });
  }
  return operations;
}

function mapRecords(baseIri: string, quads: RDF.Quad[]): Map<string, RecordFromQuads> {
  const { records, problems } = recordsFromQuads(baseIri, quads);
  if (problems.length > 0) throw rdfProblemsError(problems);
  return new Map(records.map((r) => [recordId(r), r]));
}
