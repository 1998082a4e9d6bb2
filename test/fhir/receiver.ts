/**
 * A minimal FHIR receiver for push tests: accepts a transaction Bundle at its base URL, checks it
 * (both validators, every entry POSTed, every reference resolving inside the bundle) and answers
 * with a transaction-response, as a payer's server would. It keeps what it received.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { problems } from './validate.ts';

export interface Receiver {
  readonly url: string;
  readonly received: Record<string, unknown>[];
  readonly authorizations: (string | undefined)[];
  close(): Promise<void>;
}

type Entry = {
  fullUrl?: string;
  resource?: Record<string, unknown>;
  request?: { method?: string; url?: string };
};

function references(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) references(v, found);
  else if (value && typeof value === 'object')
    for (const [key, member] of Object.entries(value)) {
      if (key === 'reference' && typeof member === 'string') found.push(member);
      else references(member, found);
    }
  return found;
}

/** What is wrong with a transaction Bundle, as text ([] when the receiver would accept it). */
export function transactionProblems(bundle: Record<string, unknown>): string[] {
  const found = problems(bundle);
  if (bundle.resourceType !== 'Bundle' || bundle.type !== 'transaction')
    found.push('not a transaction Bundle');
  const entries = (bundle.entry as Entry[] | undefined) ?? [];
  const urls = new Set(entries.map((e) => e.fullUrl));
  for (const [i, entry] of entries.entries()) {
    if (entry.request?.method !== 'POST' || entry.request.url !== entry.resource?.resourceType)
      found.push(`entry ${i}: not a POST of its resource type`);
    for (const ref of references(entry.resource))
      if (!urls.has(ref)) found.push(`entry ${i}: reference ${ref} does not resolve inside the bundle`);
  }
  return found;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Record<string, unknown>[] = [];
  const authorizations: (string | undefined)[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const reply = (status: number, body: unknown) => {
        response.writeHead(status, { 'Content-Type': 'application/fhir+json' });
        response.end(JSON.stringify(body));
      };
      let bundle: Record<string, unknown>;
      try {
        bundle = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        return reply(400, {
          resourceType: 'OperationOutcome',
          issue: [{ severity: 'error', code: 'structure' }],
        });
      }
      authorizations.push(request.headers.authorization);
      const issues = request.method === 'POST' ? transactionProblems(bundle) : ['not a POST'];
      if (issues.length > 0)
        return reply(400, {
          resourceType: 'OperationOutcome',
          issue: issues.map((diagnostics) => ({ severity: 'error', code: 'invalid', diagnostics })),
        });
      received.push(bundle);
      const entries = (bundle.entry as Entry[]).map((entry, i) => ({
        response: { status: '201 Created', location: `${entry.resource?.resourceType}/${i + 1}/_history/1` },
      }));
      reply(200, { resourceType: 'Bundle', type: 'transaction-response', entry: entries });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/fhir`,
    received,
    authorizations,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
