/**
 * OpenHMIS test helpers: requests under /openhmis/api/v3 (JSON or XML), on the HMIS API test server
 * (test/hmis-api/helpers.ts: a store imported once per file, admin token, users file).
 */
import type { Hono } from 'hono';
import { expect } from 'vitest';
import { parseXml, type XmlValue } from '../../src/api/openhmis/xml.ts';
import { ADMIN_TOKEN } from '../hmis-api/helpers.ts';

export const OPENHMIS = '/openhmis/api/v3';

export interface HmisCall {
  readonly token?: string | null;
  /** A JSON body (sent as application/json unless `xml` says otherwise). */
  readonly body?: unknown;
  /** A raw body with its Content-Type. */
  readonly raw?: { readonly type: string; readonly text: string | Uint8Array };
  readonly accept?: string;
}

export function request(app: Hono, method: string, path: string, options: HmisCall = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  const token = options.token === undefined ? ADMIN_TOKEN : options.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  if (options.accept) headers.Accept = options.accept;
  let body: BodyInit | undefined;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['Content-Type'] = 'application/json';
  }
  if (options.raw) {
    body = options.raw.text as BodyInit;
    headers['Content-Type'] = options.raw.type;
  }
  return Promise.resolve(app.request(`${OPENHMIS}${path}`, { method, headers, body }));
}

// biome-ignore lint/suspicious/noExplicitAny: test answers are read loosely and checked field by field
export type Json = any;

export async function jsonOf(response: Response): Promise<Json> {
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return response.json();
}

/** An XML answer: its root element and content (leaves are text). */
export async function xmlOf(response: Response): Promise<{ root: string; value: XmlValue }> {
  expect(response.headers.get('content-type')).toMatch(/^application\/xml|^text\/xml/);
  return parseXml(await response.text());
}

/** The JSON value as XML shows it: numbers as text, null kept, arrays kept. */
export function lexical(value: unknown): unknown {
  if (value === null) return null;
  if (Array.isArray(value)) return value.map(lexical);
  if (typeof value === 'object')
    return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, lexical(v)]));
  return String(value);
}
