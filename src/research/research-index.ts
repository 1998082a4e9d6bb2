/**
 * The research graph: a de-identified copy of the live records (deidentify.ts) in its own Oxigraph
 * engine, so a researcher's query runs where no identifying data exists at all, whatever it asks
 * for (GRAPH ?g, FROM, FROM NAMED reach only research graphs).
 *
 * Kept in step with every write: it follows the record store's commits, in commit order, and a
 * query waits until every acknowledged write is in. It loads in bulk when opened and again after
 * the engine is stopped (a query past its time limit stops the worker, see sparql-engine.ts).
 * Records whose visibility changes (deleted, undeleted, a client's DOB changed) take their
 * descendants with them, so nothing under a deleted record stays.
 */
import { fieldIndex, TABLES, table } from '../model/index.ts';
import {
  type EngineOptions,
  type QueryOptions,
  type QueryResult,
  type ReplaceRequest,
  SparqlEngine,
} from '../query/sparql-engine.ts';
import { type PlainQuad, toNQuads } from '../rdf/record-quads.ts';
import { isDeleted, scopeFor } from '../security/policy.ts';
import type { RecordState, Row, SourceState } from '../store/record-state.ts';
import type { CommitEvent } from '../store/record-store.ts';
import { Deidentifier, RESEARCH_TABLES, researchGraphIri } from './deidentify.ts';
import { hasher } from './hashing.ts';

/** What the research index needs from a store: its records and its commits. */
export interface CommitSource {
  readonly records: RecordState;
  readonly log: { onCommit(listener: (event: CommitEvent) => void): () => void };
}

export interface ResearchIndexOptions {
  /** HEARTH_RESEARCH_SALT: a per-installation secret for the hashes (see hashing.ts). */
  readonly salt?: string;
  readonly engine?: EngineOptions;
  /** Commits with more operations than this reload the graph in bulk (default BULK_RECORDS). */
  readonly bulkRecords?: number;
}

type Change =
  | { readonly dropGraph: string }
  | { readonly replace: ReplaceRequest }
  /** Reload everything from the records as they are when it runs (after a bulk commit). */
  | { readonly reload: true };

/** The principal the research graph is built for: every record that is not deleted. */
const BUILDER = { name: 'research-graph', role: 'admin' } as const;
const CHUNK_QUADS = 20_000;
const CHUNK_RECORDS = 2_000;
/**
 * A commit touching more records than this reloads the graph in bulk (~7 s for HUD's sample)
 * instead of replacing record by record (~50 s). Later queued changes are replayed after it, in
 * order, so the graph still ends as the records are.
 */
const BULK_RECORDS = 20_000;
const CLIENT_DOB = fieldIndex(table('Client'), 'DOB');
const ENROLLMENT_CLIENT = fieldIndex(table('Enrollment'), 'PersonalID');
/** Per table, the tables linking to it and through which field (for cascades). */
const CHILD_LINKS = new Map(
  TABLES.map((parent) => [
    parent.name,
    TABLES.flatMap((child) =>
      child.links.filter((l) => l.table === parent.name).map((l) => ({ table: child.name, field: l.field })),
    ),
  ]),
);

export class ResearchIndex {
  readonly deidentifier: Deidentifier;
  ready: Promise<void> = Promise.resolve();
  private sync: Promise<void> = Promise.resolve();
  private pending: Change[] | undefined;
  private readonly unsubscribe: () => void;

  private constructor(
    private readonly store: CommitSource,
    private readonly engine: SparqlEngine,
    salt: string | undefined,
    private readonly bulkRecords = BULK_RECORDS,
  ) {
    this.deidentifier = new Deidentifier(hasher(salt));
    this.unsubscribe = store.log.onCommit((event) => this.follow(event));
    engine.onRestartNeeded = () => {
      this.ready = this.engine.restart().then(() => this.rebuild());
      this.ready.catch(() => {});
    };
  }

  static async open(store: CommitSource, options: ResearchIndexOptions = {}): Promise<ResearchIndex> {
    const engine = await SparqlEngine.start({ defaultTimeoutMs: 30_000, ...options.engine });
    const index = new ResearchIndex(store, engine, options.salt, options.bulkRecords);
    index.ready = index.rebuild();
    index.ready.catch(() => {}); // surfaced to whoever awaits it (queries)
    return index;
  }

  get salted(): boolean {
    return this.deidentifier.hasher.salted;
  }

  /** A query over the research graphs; the default graph is their union. */
  async query(sparql: string, options: QueryOptions = {}): Promise<QueryResult> {
    await this.ready;
    await this.sync;
    return this.engine.query(sparql, { ...options, defaultGraphAsUnion: true });
  }

  /** The number of research quads (after every acknowledged write). */
  async size(): Promise<number> {
    await this.ready;
    await this.sync;
    return this.engine.size();
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await this.ready.catch(() => {});
    await this.sync.catch(() => {});
    await this.engine.close();
  }

  /** Loads every visible record into an empty engine; commits meanwhile are queued, then applied. */
  private async rebuild(): Promise<void> {
    this.pending = [];
    await this.loadAll();
    const queued = this.pending;
    this.pending = undefined;
    for (const change of queued) this.enqueue(change);
    await this.sync;
  }

  private async loadAll(): Promise<void> {
    await this.engine.clear();
    let chunk: PlainQuad[] = [];
    for (const quads of researchQuads(this.store.records, this.deidentifier)) {
      chunk.push(...quads);
      if (chunk.length >= CHUNK_QUADS) {
        await this.engine.load(toNQuads(chunk));
        chunk = [];
      }
    }
    if (chunk.length > 0) await this.engine.load(toNQuads(chunk));
  }

  /** Turns a commit into research changes, computed now: the records are as this commit left them. */
  private follow(event: CommitEvent): void {
    if (event.operations.length > this.bulkRecords) {
      this.push({ reload: true });
      return;
    }
    let batch = new Map<string, Touched>();
    const flush = () => {
      for (const change of this.changesFor(batch)) this.push(change);
      batch = new Map();
    };
    event.operations.forEach((operation, i) => {
      if (operation.op === 'dropSource') {
        flush();
        this.push({ dropGraph: researchGraphIri(operation.source) });
        return;
      }
      if (!RESEARCH_TABLES.has(operation.table)) return;
      const key =
        operation.op === 'remove'
          ? operation.key
          : (operation.row[fieldIndex(table(operation.table), table(operation.table).key)] ?? '');
      const id = touchedId(operation.source, operation.table, key);
      if (!batch.has(id))
        batch.set(id, { source: operation.source, table: operation.table, key, previous: event.previous[i] });
    });
    flush();
  }

  /** Replace requests for the touched records and the descendants their change reaches. */
  private changesFor(batch: Map<string, Touched>): Change[] {
    for (const touched of [...batch.values()]) this.cascade(batch, touched);
    const bySource = new Map<string, Touched[]>();
    for (const touched of batch.values()) {
      const list = bySource.get(touched.source);
      if (list) list.push(touched);
      else bySource.set(touched.source, [touched]);
    }
    const changes: Change[] = [];
    for (const [source, list] of bySource) {
      for (let i = 0; i < list.length; i += CHUNK_RECORDS)
        changes.push({ replace: this.replaceFor(source, list.slice(i, i + CHUNK_RECORDS)) });
    }
    return changes;
  }

  /** Adds the descendants whose research view this change alters (visibility, or age bands). */
  private cascade(batch: Map<string, Touched>, touched: Touched): void {
    const state = this.store.records.source(touched.source);
    const current = state?.get(touched.table, touched.key);
    const visibleBefore = !!touched.previous && !isDeleted(touched.table, touched.previous);
    const visibleNow = !!current && !isDeleted(touched.table, current);
    const dobChanged =
      touched.table === 'Client' && (touched.previous?.[CLIENT_DOB] ?? '') !== (current?.[CLIENT_DOB] ?? '');
    if (!state || (visibleBefore === visibleNow && !dobChanged)) return;
    const stack: { table: string; key: string; deep: boolean }[] = [
      { table: touched.table, key: touched.key, deep: visibleBefore !== visibleNow },
    ];
    while (stack.length > 0) {
      const parent = stack.pop() as { table: string; key: string; deep: boolean };
      for (const link of CHILD_LINKS.get(parent.table) ?? []) {
        if (!parent.deep && link.table !== 'Enrollment') continue; // a DOB reaches enrollments only
        for (const key of state.childKeys(link.table, link.field, parent.key)) {
          const id = touchedId(touched.source, link.table, key);
          if (batch.has(id) || !RESEARCH_TABLES.has(link.table)) continue;
          const row = state.get(link.table, key);
          batch.set(id, { source: touched.source, table: link.table, key, previous: row });
          if (parent.deep) stack.push({ table: link.table, key, deep: true });
        }
      }
    }
  }

  private replaceFor(source: string, list: readonly Touched[]): ReplaceRequest {
    const state = this.store.records.source(source);
    const scope = scopeFor(BUILDER, this.store.records);
    const deleteSubjects: string[] = [];
    const deleteQuads: PlainQuad[] = [];
    const insert: PlainQuad[] = [];
    for (const { table: name, key, previous } of list) {
      deleteSubjects.push(this.deidentifier.recordIri(source, table(name), key));
      if (previous) deleteQuads.push(...this.deidentifier.links(source, name, previous));
      const row = state?.get(name, key);
      if (!state || !row || !scope.canSeeRecord(source, name, row)) continue;
      insert.push(...(this.deidentifier.quads(source, name, row, dobFor(state, name, row)) ?? []));
    }
    return {
      graph: researchGraphIri(source),
      deleteSubjects,
      deleteQuads: toNQuads(deleteQuads),
      insert: toNQuads(insert),
    };
  }

  private push(change: Change): void {
    if (this.pending) this.pending.push(change);
    else this.enqueue(change);
  }

  private enqueue(change: Change): void {
    this.sync = this.sync
      .then(() => {
        if ('reload' in change) return this.loadAll();
        if ('dropGraph' in change) return this.engine.update(`DROP SILENT GRAPH <${change.dropGraph}>`);
        return this.engine.replace(change.replace).then(() => undefined);
      })
      .catch((error: unknown) => {
        // The engine breaks itself on failure and a rebuild follows (see the constructor).
        console.error(`research graph update failed: ${(error as Error).message}`);
      });
  }
}

interface Touched {
  readonly source: string;
  readonly table: string;
  readonly key: string;
  /** The row before this commit (undefined: new); its links are what the graph holds now. */
  readonly previous: Row | undefined;
}

const touchedId = (source: string, tableName: string, key: string) =>
  `${source}\u0000${tableName}\u0000${key}`;

/** The client's DOB for an Enrollment row (its age band), else undefined. */
function dobFor(state: SourceState, tableName: string, row: Row): string | undefined {
  if (tableName !== 'Enrollment') return undefined;
  return state.get('Client', row[ENROLLMENT_CLIENT] ?? '')?.[CLIENT_DOB] || undefined;
}

/** The research quads of every visible record, record by record (a bulk load, or a dump). */
export function* researchQuads(records: RecordState, deidentifier: Deidentifier): Generator<PlainQuad[]> {
  const scope = scopeFor(BUILDER, records);
  for (const [source, state] of records.sources) {
    for (const name of RESEARCH_TABLES.keys()) {
      for (const row of state.table(name).rows.values()) {
        if (!scope.canSeeRecord(source, name, row)) continue;
        const quads = deidentifier.quads(source, name, row, dobFor(state, name, row));
        if (quads) yield quads;
      }
    }
  }
}
