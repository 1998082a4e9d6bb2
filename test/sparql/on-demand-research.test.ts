/**
 * The research graph held only while used (src/research/on-demand.ts), on the demo data: opened by
 * the first query, let go after the idle time (not while a query runs), rebuilt with the writes
 * made meanwhile, refused after close; and the config setting that sets the idle time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { importHmisCsv } from '../../src/ingest/import.ts';
import { fieldIndex, table } from '../../src/model/index.ts';
import { OnDemandResearch } from '../../src/research/on-demand.ts';
import { EmbeddedStore } from '../../src/store/embedded-store.ts';
import { removeTempDirs, tempDir } from '../helpers/exports.ts';
import { DEMO_DIR } from '../hmis-api/helpers.ts';
import { BASE } from './helpers.ts';

const IDLE_MS = 200;
const HEARTH = 'https://w3id.org/hearth/ns#';
let store: EmbeddedStore;
let source: string;

beforeAll(async () => {
  store = await EmbeddedStore.open({ dir: tempDir('hearth-on-demand-'), baseIri: BASE });
  source = (await importHmisCsv(store.log, DEMO_DIR)).source;
  await store.indexReady;
}, 60_000);
afterAll(async () => {
  await store?.close();
  removeTempDirs();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const BIRTH_YEARS = `SELECT ?year WHERE { ?c <${HEARTH}birthYear> ?year }`;

async function birthYears(research: OnDemandResearch): Promise<string[]> {
  const result = await research.query(BIRTH_YEARS, { accept: 'text/tab-separated-values' });
  return result.body.split('\n').slice(1).filter(Boolean).sort();
}

describe('OnDemandResearch', () => {
  it('opens on the first query and lets go after the idle time', async () => {
    const research = new OnDemandResearch(store, {}, IDLE_MS);
    try {
      expect(research.isOpen).toBe(false);
      const years = await birthYears(research);
      expect(years.length).toBeGreaterThan(10);
      expect(research.isOpen).toBe(true);
      await sleep(IDLE_MS / 2);
      expect(research.isOpen).toBe(true);
      await sleep(IDLE_MS * 2);
      expect(research.isOpen).toBe(false);
      expect(await birthYears(research)).toEqual(years);
    } finally {
      await research.close();
    }
  });

  it('stays open while a query runs, and rebuilds with writes made while it was closed', async () => {
    const research = new OnDemandResearch(store, {}, IDLE_MS);
    try {
      const before = await birthYears(research);
      // Queries overlapping the idle time: each keeps the graph until the last one ends.
      const running = Array.from({ length: 5 }, (_, i) => sleep(i * 60).then(() => birthYears(research)));
      await Promise.all(running);
      expect(research.isOpen).toBe(true);
      await sleep(IDLE_MS * 2);
      expect(research.isOpen).toBe(false);

      const state = store.records.source(source);
      const client = [...(state?.table('Client').rows.values() ?? [])].find((row) =>
        /^(?!1961)\d{4}-/.test(row[fieldIndex(table('Client'), 'DOB')] ?? ''),
      );
      if (!client) throw new Error('no client with a DOB');
      const changed = [...client];
      changed[fieldIndex(table('Client'), 'DOB')] = '1961-07-04';
      changed[fieldIndex(table('Client'), 'DateUpdated')] = '2026-11-30 12:00:00';
      await store.commit([{ op: 'put', source, table: 'Client', row: changed }]);
      const after = await birthYears(research);
      const born1961 = (years: string[]) => years.filter((year) => year === '1961').length;
      expect(born1961(after)).toBe(born1961(before) + 1);
      expect(after).toHaveLength(before.length);
    } finally {
      await research.close();
    }
  });

  it('refuses queries once closed', async () => {
    const research = new OnDemandResearch(store, {}, IDLE_MS);
    await birthYears(research);
    await research.close();
    expect(research.isOpen).toBe(false);
    await expect(birthYears(research)).rejects.toThrow(/closed/);
  });

  it('takes its idle time from HEARTH_RESEARCH_IDLE_SECONDS', () => {
    expect(loadConfig({ HEARTH_RESEARCH_IDLE_SECONDS: '90' }).sparql?.researchIdleMs).toBe(90_000);
    expect(loadConfig({}).sparql?.researchIdleMs).toBeUndefined();
    for (const bad of ['0', '-5', 'soon', '1.5'])
      expect(() => loadConfig({ HEARTH_RESEARCH_IDLE_SECONDS: bad })).toThrow(ConfigError);
  });
});
