/**
 * The two plans of GET /clients (src/api/hmis-api/clients.ts) run directly on a store: the one
 * query from the projects (clients.rq), and client windows (clients-window.rq) walked one after
 * another. Each answer is a list of [client IRI, its matching enrollment IRIs sorted].
 */
import { boundQuery } from '../../src/api/hmis-api/common.ts';
import { table } from '../../src/model/index.ts';
import { type Binding, count, iri, literal } from '../../src/query/bind.ts';
import { solutionsOf } from '../../src/query/results.ts';
import { graphIri, recordIri } from '../../src/rdf/iris.ts';
import type { HearthStore } from '../../src/store/store.ts';

export type Filters = Readonly<Record<string, string>>;

export class ClientPlans {
  constructor(
    private readonly store: HearthStore,
    private readonly base: string,
    private readonly source: string,
  ) {}

  /** clients.rq's whole answer. */
  whole(filters: Filters): Promise<string[][]> {
    return this.run('clients', { ...this.bindingsOf(filters), limit: count(10_000) });
  }

  /** clients-window.rq over every client, `size` at a time, answers concatenated. */
  async inWindows(filters: Filters, size: number): Promise<string[][]> {
    const keys = this.store.records.source(this.source)?.keysInIriOrder('Client') ?? [];
    const prefix = recordIri(this.base, this.source, table('Client'), '');
    const found: string[][] = [];
    for (let start = 0; start < keys.length; start += size) {
      const window = keys.slice(start, start + size).map((key) => iri(prefix + key));
      const bindings = { ...this.bindingsOf(filters), window, limit: count(10_000) };
      found.push(...(await this.run('clients-window', bindings)));
    }
    return found;
  }

  private async run(name: 'clients' | 'clients-window', bindings: Record<string, Binding>) {
    const result = await this.store.query(boundQuery(name, bindings), {
      accept: 'application/sparql-results+json',
    });
    return solutionsOf(result.body).map((s) => [
      s.client?.value ?? '',
      (s.enrollments?.value ?? '').split(' ').sort().join(' '),
    ]);
  }

  private bindingsOf(filters: Filters): Record<string, Binding> {
    const typed = (name: string, type: 'date' | 'integer') =>
      filters[name] === undefined ? undefined : literal(filters[name] as string, type);
    const on = (yes: boolean) => (yes ? literal('1') : undefined);
    return {
      graph: iri(graphIri(this.base, this.source)),
      Funder: typed('Funder', 'integer'),
      ProjectType: typed('ProjectType', 'integer'),
      EntryDate: typed('EntryDate', 'date'),
      ExitDate: typed('ExitDate', 'date'),
      ActiveOn: typed('ActiveOn', 'date'),
      needsEntry: on('EntryDate' in filters || 'ActiveOn' in filters),
      needsExit: on('ExitDate' in filters || 'ActiveOn' in filters),
    };
  }
}

/** Filter combinations that cover every block of the two queries on the demo data. */
export const PLAN_CASES: readonly Filters[] = (() => {
  const dates: Filters[] = [
    {},
    { EntryDate: '2024-01-01' },
    { ExitDate: '2025-06-30' },
    { ActiveOn: '2025-03-01' },
  ];
  const projects: Filters[] = [
    {},
    { Funder: '8' },
    { Funder: '3' },
    { ProjectType: '13' },
    { Funder: '3', ProjectType: '13' },
  ];
  const combined: Filters[] = [{ EntryDate: '2023-01-01', ExitDate: '2026-01-01', ActiveOn: '2025-01-15' }];
  return [...projects.flatMap((p) => dates.map((d) => ({ ...p, ...d }))), ...combined];
})();
