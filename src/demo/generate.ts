/**
 * A deterministic synthetic HUD FY2026 HMIS CSV export for demos and tests: all 24 tables, every
 * row valid against the model and its cross-field rules, every foreign key resolved. The same
 * options always give the same rows: randomness comes from a seeded PRNG and every date is
 * relative to `today`, never the clock. Nothing in it describes a real person or organization.
 */
import { addCoordinatedEntry } from './ce.ts';
import { buildHouseholds } from './clients.ts';
import { addCollectedData } from './collection.ts';
import { buildEnrollments } from './enrollments.ts';
import { buildExport, buildProjects } from './projects.ts';
import { Random } from './random.ts';
import { DemoTables } from './rows.ts';
import { addServices } from './services.ts';

export interface DemoOptions {
  /** PRNG seed (default 2026). */
  readonly seed?: number;
  /** Number of clients (default 80). */
  readonly clients?: number;
  /** The export date, `YYYY-MM-DD` (default 2026-10-01); all activity happens on or before it. */
  readonly today?: string;
}

export const DEMO_DEFAULTS = { seed: 2026, clients: 80, today: '2026-10-01' } as const;

/** The demo export: table name → rows in the model's field order, for all 24 tables in load order. */
export function generateDemoData(options: DemoOptions = {}): Map<string, string[][]> {
  const { seed, clients, today } = { ...DEMO_DEFAULTS, ...options };
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today)) throw new Error(`today must be YYYY-MM-DD, not ${today}`);
  if (!Number.isInteger(clients) || clients < 1) throw new Error(`clients must be a positive integer`);
  const rng = new Random(seed);
  const t = new DemoTables(`hearth-demo-${today.replaceAll('-', '')}`);
  buildExport(t, today);
  const projects = buildProjects(t, rng, today);
  const households = buildHouseholds(t, rng, clients, today);
  for (const stay of buildEnrollments(t, rng, households, projects, today)) {
    addCollectedData(t, rng, stay);
    addServices(t, rng, stay);
    addCoordinatedEntry(t, rng, stay);
  }
  return t.tables;
}
