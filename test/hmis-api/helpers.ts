/**
 * HMIS API test helpers: a store imported once per test file (HUD's LSA sample or the demo data),
 * the app over it with an admin token and a users file, requests, and the CSV files read directly
 * with csv-parse so that expected answers come from the data, not from Hearth.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Hono } from 'hono';
import yauzl from 'yauzl';
import { createApp } from '../../src/api/app.ts';
import { importHmisCsv } from '../../src/ingest/import.ts';
import { AuditLog } from '../../src/security/audit.ts';
import { UserDirectory } from '../../src/security/users.ts';
import { EmbeddedStore } from '../../src/store/embedded-store.ts';
import { RecordStore } from '../../src/store/record-store.ts';
import { removeTempDirs, tempDir } from '../helpers/exports.ts';
import { LSA_SAMPLE_ZIP } from '../helpers/shared.ts';

export const LSA_ZIP = LSA_SAMPLE_ZIP;
export const DEMO_DIR = path.resolve(import.meta.dirname, '../../demo/fy2026');
export const BASE = 'http://hearth.test/id';
export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdefghijklmnop';

/** A valid new client: every non-nullable Client.csv column of the model, values from its lists. */
export const NEW_CLIENT = {
  FirstName: 'Ada',
  LastName: 'Testperson',
  NameDataQuality: 1,
  SSNDataQuality: 99,
  DOB: '1990-04-01',
  DOBDataQuality: 1,
  AmIndAKNative: 0,
  Asian: 0,
  BlackAfAmerican: 0,
  HispanicLatinao: 1,
  MidEastNAfrican: 0,
  NativeHIPacific: 0,
  White: 0,
  VeteranStatus: 0,
};

export type CsvRow = Record<string, string>;
export type Csv = Map<string, CsvRow[]>;

export interface Server {
  readonly store: EmbeddedStore;
  readonly app: Hono;
  readonly users: UserDirectory;
  readonly audit: AuditLog;
  readonly dir: string;
  readonly source: string;
}

/**
 * Imports `location` into a fresh store and opens the app over it. The import goes into the record
 * log before the SPARQL index opens, so the index loads in bulk (following an import of HUD's
 * sample record by record would take minutes).
 */
export async function openServer(
  location: string,
  options: { readonly headroomQuads?: number } = {},
): Promise<Server> {
  const dir = tempDir('hearth-api-');
  const log = await RecordStore.open({ dir });
  const report = await importHmisCsv(log, location);
  const imported = log.state.quads;
  await log.close();
  if (!report.applied) throw new Error(`import failed: ${report.errors.length} errors`);
  // headroomQuads: the store's ceiling (HEARTH_MAX_QUADS) that many quads above what was imported.
  const maxQuads = options.headroomQuads === undefined ? undefined : imported + options.headroomQuads;
  const store = await EmbeddedStore.open({ dir, baseIri: BASE, ...(maxQuads ? { maxQuads } : {}) });
  await store.indexReady;
  const users = new UserDirectory(dir);
  const audit = new AuditLog(dir);
  const config = { dataDir: dir, baseIri: BASE, port: 0, maxQuads: undefined };
  const app = createApp({ store, config, adminToken: ADMIN_TOKEN, users, audit });
  return { store, app, users, audit, dir, source: report.source };
}

/** Closes the audit log first: a late append would recreate the removed temp directory. */
export async function closeServer(server: Server | undefined): Promise<void> {
  await server?.audit.close();
  await server?.store.close();
  removeTempDirs();
}

export interface CallOptions {
  readonly token?: string | null;
  readonly body?: unknown;
  readonly rawBody?: BodyInit;
  readonly accept?: string;
  readonly headers?: Record<string, string>;
}

export function call(app: Hono, method: string, url: string, options: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? ADMIN_TOKEN : options.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  if (options.accept) headers.Accept = options.accept;
  let body: BodyInit | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['Content-Type'] ??= 'application/json';
  }
  return Promise.resolve(app.request(`/api/v1${url}`, { method, headers, body }));
}

export async function json<T = Record<string, unknown>>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

const parseCsv = (text: string): CsvRow[] =>
  parse(text, { columns: true, skip_empty_lines: true, bom: true, relax_quotes: true }) as CsvRow[];

/** Every CSV file of an export folder, by table name (file name without `.csv`). */
export function readCsvFolder(dir: string): Csv {
  const csv: Csv = new Map();
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.csv')))
    csv.set(file.slice(0, -4), parseCsv(fs.readFileSync(path.join(dir, file), 'utf8')));
  return csv;
}

/** Every CSV file of a zip, by table name. */
export function readCsvZip(file: string): Promise<Csv> {
  return new Promise((resolve, reject) => {
    const csv: Csv = new Map();
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error);
      zip.on('entry', (entry: yauzl.Entry) => {
        const name = path.basename(entry.fileName);
        if (!name.toLowerCase().endsWith('.csv')) return zip.readEntry();
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            csv.set(name.slice(0, -4), parseCsv(Buffer.concat(chunks).toString('utf8')));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(csv));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

export const rows = (csv: Csv, name: string): CsvRow[] => csv.get(name) ?? [];
export const live = (row: CsvRow): boolean => !row.DateDeleted;
