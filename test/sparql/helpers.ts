/**
 * SPARQL test helpers: a store imported once per file with its research graph, the app over it
 * (admin token, a users file), optionally listening on a loopback port for HTTP clients, and
 * requests in the three SPARQL Protocol forms.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { createApp } from '../../src/api/app.ts';
import { SPARQL_DEFAULTS, type SparqlConfig } from '../../src/config.ts';
import { importHmisCsv } from '../../src/ingest/import.ts';
import { ResearchIndex } from '../../src/research/research-index.ts';
import { AuditLog } from '../../src/security/audit.ts';
import { UserDirectory } from '../../src/security/users.ts';
import { EmbeddedStore } from '../../src/store/embedded-store.ts';
import { RecordStore } from '../../src/store/record-store.ts';
import { removeTempDirs, tempDir } from '../helpers/exports.ts';
import { LSA_SAMPLE_ZIP } from '../helpers/shared.ts';

export const LSA_ZIP = LSA_SAMPLE_ZIP;
export const BASE = 'http://hearth.test/id';
export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdefghijklmnop';

export interface SparqlServer {
  readonly store: EmbeddedStore;
  readonly research: ResearchIndex;
  readonly app: Hono;
  readonly users: UserDirectory;
  readonly audit: AuditLog;
  readonly dir: string;
  readonly source: string;
  readonly limits: SparqlConfig;
  /** Serves the app on a free loopback port; resolves with its base URL (http://127.0.0.1:PORT). */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export async function openSparqlServer(
  location: string,
  options: { limits?: Partial<SparqlConfig> } = {},
): Promise<SparqlServer> {
  const dir = tempDir('hearth-sparql-');
  const log = await RecordStore.open({ dir });
  const report = await importHmisCsv(log, location);
  await log.close();
  if (!report.applied) throw new Error(`import failed: ${report.errors.length} errors`);
  const limits = { ...SPARQL_DEFAULTS, ...options.limits };
  const store = await EmbeddedStore.open({
    dir,
    baseIri: BASE,
    sparql: { maxQueryBytes: limits.maxQueryBytes },
  });
  const research = await ResearchIndex.open(store, {
    ...(limits.researchSalt ? { salt: limits.researchSalt } : {}),
    engine: { maxQueryBytes: limits.maxQueryBytes },
  });
  await Promise.all([store.indexReady, research.ready]);
  const users = new UserDirectory(dir);
  const audit = new AuditLog(dir);
  const config = { dataDir: dir, baseIri: BASE, port: 0, maxQuads: undefined, sparql: limits };
  const app = createApp({ store, config, adminToken: ADMIN_TOKEN, users, audit, research });
  let stopServer: (() => Promise<void>) | undefined;
  return {
    store,
    research,
    app,
    users,
    audit,
    dir,
    source: report.source,
    limits,
    listen: () =>
      new Promise<string>((resolve) => {
        const http = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
          resolve(`http://127.0.0.1:${info.port}`),
        );
        stopServer = () => new Promise((done) => http.close(() => done()));
      }),
    async close() {
      await stopServer?.();
      await audit.flush();
      await research.close();
      await store.close();
      removeTempDirs();
    },
  };
}

export interface SparqlCall {
  readonly token?: string | null;
  readonly accept?: string;
  /** How the query travels: GET ?query=, POST application/sparql-query (default), or POST form. */
  readonly via?: 'get' | 'post' | 'form';
  readonly params?: Record<string, string | string[]>;
}

export function query(app: Hono, path: string, sparql: string, options: SparqlCall = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  const token = options.token === undefined ? ADMIN_TOKEN : options.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  if (options.accept) headers.Accept = options.accept;
  const extra = new URLSearchParams();
  for (const [name, value] of Object.entries(options.params ?? {}))
    for (const v of Array.isArray(value) ? value : [value]) extra.append(name, v);
  const via = options.via ?? 'post';
  if (via === 'get') {
    extra.set('query', sparql);
    return Promise.resolve(app.request(`${path}?${extra}`, { headers }));
  }
  if (via === 'form') {
    extra.set('query', sparql);
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    return Promise.resolve(app.request(path, { method: 'POST', headers, body: extra.toString() }));
  }
  headers['Content-Type'] = 'application/sparql-query';
  const qs = extra.toString();
  return Promise.resolve(app.request(qs ? `${path}?${qs}` : path, { method: 'POST', headers, body: sparql }));
}

export async function solutions(
  response: Response,
): Promise<Record<string, { value: string; type: string }>[]> {
  const json = (await response.json()) as {
    results: { bindings: Record<string, { value: string; type: string }>[] };
  };
  return json.results.bindings;
}
