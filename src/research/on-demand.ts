/**
 * The research graph held only while researchers use it: opened on the first research query and
 * closed after `idleMs` without one. It is a second Oxigraph copy of the data (1.9 M quads, about
 * 0.7 GB, for HUD's sample), so a server whose researchers are away keeps only the store's own
 * index. Reopening rebuilds it from the records (about 7 s for the sample), which the first query
 * after an idle spell waits for; queries in flight keep it open.
 */
import type { QueryOptions, QueryResult } from '../query/sparql-engine.ts';
import { type CommitSource, ResearchIndex, type ResearchIndexOptions } from './research-index.ts';

/** What /sparql needs of the research graph. */
export interface ResearchGraph {
  query(sparql: string, options?: QueryOptions): Promise<QueryResult>;
  close(): Promise<void>;
}

export const DEFAULT_RESEARCH_IDLE_MS = 15 * 60_000;

export class OnDemandResearch implements ResearchGraph {
  private opening: Promise<ResearchIndex> | undefined;
  private inFlight = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly store: CommitSource,
    private readonly options: ResearchIndexOptions = {},
    private readonly idleMs = DEFAULT_RESEARCH_IDLE_MS,
  ) {}

  /** True while a research index is open (or opening). */
  get isOpen(): boolean {
    return this.opening !== undefined;
  }

  async query(sparql: string, options: QueryOptions = {}): Promise<QueryResult> {
    if (this.closed) throw new Error('the research graph is closed');
    this.inFlight++;
    clearTimeout(this.idleTimer);
    try {
      return await (await this.open()).query(sparql, options);
    } finally {
      this.inFlight--;
      if (this.inFlight === 0 && !this.closed) this.scheduleRelease();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.idleTimer);
    await this.release();
  }

  private open(): Promise<ResearchIndex> {
    if (!this.opening) {
      const opening = ResearchIndex.open(this.store, this.options);
      this.opening = opening;
      // A failed open is not kept: the next query tries again.
      opening.catch(() => {
        if (this.opening === opening) this.opening = undefined;
      });
    }
    return this.opening;
  }

  private scheduleRelease(): void {
    this.idleTimer = setTimeout(() => void this.release(), this.idleMs);
    this.idleTimer.unref(); // an idle research graph never keeps the process alive
  }

  private async release(): Promise<void> {
    const opening = this.opening;
    this.opening = undefined;
    const index = await opening?.catch(() => undefined);
    await index?.close();
  }
}
