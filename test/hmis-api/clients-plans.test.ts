/**
 * GET /clients has two plans (src/api/hmis-api/clients.ts): one query from the projects
 * (clients.rq) and client windows (clients-window.rq). The demo data is too small for the handler
 * to pick windows, so this file checks the two queries against each other directly: over every
 * filter combination, with deleted projects, funders, enrollments, exits and clients in the data,
 * the windows walked one after another must give exactly the one query's answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldIndex, table } from '../../src/model/index.ts';
import { recordIri } from '../../src/rdf/iris.ts';
import type { Row } from '../../src/store/record-state.ts';
import { ClientPlans, PLAN_CASES } from './client-plans.ts';
import { BASE, closeServer, DEMO_DIR, openServer, type Server } from './helpers.ts';

let server: Server;
beforeAll(async () => {
  server = await openServer(DEMO_DIR);
  await deleteSome();
});
afterAll(() => closeServer(server));

const DELETED = '2026-10-02 09:00:00';

/** Marks one project, funder, enrollment, exit and client deleted, each with enrollments to hide. */
async function deleteSome(): Promise<void> {
  const state = server.store.records.source(server.source);
  if (!state) throw new Error('no demo source');
  /** The first row of `name` that `keep` picks, as a put that marks it deleted. */
  const firstWith = (name: string, keep: (row: Row) => boolean) => {
    const found = [...state.table(name).rows.values()].find(keep);
    if (!found) throw new Error(`no ${name} row to delete`);
    const row = [...found];
    row[fieldIndex(table(name), 'DateDeleted')] = DELETED;
    return { op: 'put' as const, source: server.source, table: name, row };
  };
  const enrolled = (projectId: string) => state.childKeys('Enrollment', 'ProjectID', projectId).size > 0;
  const project = firstWith('Project', (row) => enrolled(row[0] ?? ''));
  const funderProject = (row: Row) => row[fieldIndex(table('Funder'), 'ProjectID')] ?? '';
  // A funder filtered on below, of another project with enrollments: only its own check hides them.
  const funder = firstWith(
    'Funder',
    (row) =>
      row[fieldIndex(table('Funder'), 'Funder')] === '3' &&
      funderProject(row) !== project.row[0] &&
      enrolled(funderProject(row)),
  );
  await server.store.commit([
    project,
    funder,
    firstWith('Enrollment', (row) => row[fieldIndex(table('Enrollment'), 'ProjectID')] !== ''),
    firstWith('Exit', () => true),
    firstWith('Client', (row) => state.childKeys('Enrollment', 'PersonalID', row[0] ?? '').size > 0),
  ]);
}

describe('GET /clients: client windows and the one query agree', () => {
  it.each(PLAN_CASES)('%o', async (filters) => {
    const plans = new ClientPlans(server.store, BASE, server.source);
    const whole = await plans.whole(filters);
    expect(await plans.inWindows(filters, 7)).toEqual(whole);
    if (Object.keys(filters).length === 0) expect(whole.length).toBeGreaterThan(10);
  });

  it('leaves out what was deleted', async () => {
    const plans = new ClientPlans(server.store, BASE, server.source);
    const all = (await plans.whole({})).flatMap(([client, e]) => [client, ...(e ?? '').split(' ')]);
    const state = server.store.records.source(server.source);
    for (const name of ['Client', 'Enrollment']) {
      const deleted = [...(state?.table(name).rows.values() ?? [])].filter(
        (row) => row[fieldIndex(table(name), 'DateDeleted')] === DELETED,
      );
      expect(deleted).toHaveLength(1);
      const key = deleted[0]?.[fieldIndex(table(name), table(name).key)] ?? '';
      expect(all).not.toContain(recordIri(BASE, server.source, table(name), key));
    }
  });
});
