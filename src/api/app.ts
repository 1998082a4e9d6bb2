import { Hono } from 'hono';
import type { Config } from '../config.ts';
import { contextJson } from '../ontology/context.ts';
import { AuditLog } from '../security/audit.ts';
import type { TokenDirectory } from '../security/authenticate.ts';
import { ConsentBook } from '../security/consent.ts';
import { checkedAdminToken } from '../security/tokens.ts';
import { UserDirectory } from '../security/users.ts';
import type { HearthStore } from '../store/store.ts';
import { handleError } from './errors.ts';
import { fhirApp } from './fhir/fhir-app.ts';
import { RECORD_ROUTE } from './hmis-api/records.ts';
import { HMIS_API_ROUTES } from './hmis-api/routes.ts';
import { HMIS_API_SCHEMAS } from './hmis-api/schemas.ts';
import { docsRoutes } from './openapi.ts';
import { mountOpenHmis } from './openhmis/mount.ts';
import type { ApiServices } from './route-spec.ts';
import { mountRoutes } from './router.ts';
import { type ResearchGraph, sparqlApp, sparqlServices } from './sparql/index.ts';

export interface AppContext {
  readonly store: HearthStore;
  readonly config: Config;
  /** Default: HEARTH_ADMIN_TOKEN from the environment (unset: no admin token is accepted). */
  readonly adminToken?: string;
  /** Default: users.json in the data directory. */
  readonly users?: TokenDirectory;
  /** Default: audit.jsonl in the data directory. */
  readonly audit?: AuditLog;
  /** Default: consents.jsonl in the data directory. */
  readonly consents?: ConsentBook;
  /** The research graph behind /sparql; default: held over `store` while used (research/on-demand.ts). */
  readonly research?: ResearchGraph;
}

/** The HUD HMIS API's base path. */
export const HMIS_API_BASE = '/api/v1';

const CONTEXT_DOCUMENT = contextJson();

/** Builds the HTTP application. Routes are composed here, in one visible place. */
export function createApp(context?: AppContext): Hono {
  const app = new Hono();
  app.onError(handleError);
  // `index`: whether query-backed routes answer at once ('ready') or wait for the SPARQL index.
  app.get('/healthz', (c) =>
    c.json({
      status: 'ok',
      records: context?.store.records.size,
      transaction: context?.store.log.lastCommittedTxId,
      index: context?.store.indexStatus,
    }),
  );
  app.get('/context.jsonld', (c) =>
    c.body(CONTEXT_DOCUMENT, 200, { 'Content-Type': 'application/ld+json; charset=utf-8' }),
  );
  app.route(
    '/',
    docsRoutes(() => HMIS_API_ROUTES, { schemas: HMIS_API_SCHEMAS }),
  );
  if (context) {
    const shared = services(context);
    const api = new Hono();
    mountRoutes(api, HMIS_API_ROUTES, shared, HMIS_API_BASE);
    app.route(HMIS_API_BASE, api);
    app.route('/fhir', fhirApp(shared));
    mountOpenHmis(app, shared);
    app.route('/sparql', sparqlApp(sparqlServices(shared, context.research)));
    // Record IRIs ({base}/{source}/{segment}/{key}) resolve on this server when the base's path is free.
    const idPath = new URL(context.config.baseIri).pathname.replace(/\/+$/, '');
    if (idPath && !idPath.startsWith(HMIS_API_BASE)) {
      const ids = new Hono();
      mountRoutes(ids, [RECORD_ROUTE], shared, idPath);
      app.route(idPath, ids);
    }
  }
  return app;
}

function services(context: AppContext): ApiServices {
  const adminToken = checkedAdminToken(context.adminToken ?? process.env.HEARTH_ADMIN_TOKEN);
  return {
    store: context.store,
    config: context.config,
    users: context.users ?? new UserDirectory(context.config.dataDir),
    audit: context.audit ?? new AuditLog(context.config.dataDir),
    consents: context.consents ?? new ConsentBook(context.config.dataDir),
    ...(adminToken ? { adminToken } : {}),
  };
}
