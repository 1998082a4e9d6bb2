/**
 * FHIR test helpers: the HMIS API helpers' server (imported once per file), served over real HTTP
 * on a loopback port so that fhir-kit-client talks to it as a health system would, with users of
 * the health-system role.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Client } from 'fhir-kit-client';
import { closeServer, openServer, type Server } from '../hmis-api/helpers.ts';

export {
  ADMIN_TOKEN,
  DEMO_DIR,
  LSA_ZIP,
  live,
  readCsvFolder,
  readCsvZip,
  rows,
} from '../hmis-api/helpers.ts';

export interface FhirServer extends Server {
  readonly baseUrl: string;
  close(): Promise<void>;
}

export async function openFhirServer(location: string): Promise<FhirServer> {
  const server = await openServer(location);
  const http = serve({ fetch: server.app.fetch, port: 0, hostname: '127.0.0.1' });
  // Longer than any pause between requests in a test: a client must not reuse a socket the server
  // is closing (Node's default idle timeout is 5 s).
  (http as unknown as { keepAliveTimeout: number }).keepAliveTimeout = 300_000;
  await new Promise<void>((resolve) => http.once('listening', () => resolve()));
  const { port } = http.address() as AddressInfo;
  return {
    ...server,
    baseUrl: `http://127.0.0.1:${port}/fhir`,
    close: async () => {
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await closeServer(server);
    },
  };
}

export const client = (server: FhirServer, token: string) =>
  new Client({ baseUrl: server.baseUrl, bearerToken: token });

export async function get(
  server: FhirServer,
  path: string,
  token?: string,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${server.baseUrl}${path}`, {
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers },
  });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

export async function post(
  server: FhirServer,
  path: string,
  token: string,
  body: unknown,
  type = 'application/fhir+json',
) {
  const response = await fetch(`${server.baseUrl}${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': type },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
