/**
 * The audit log: `audit.jsonl` in the data directory, one JSON line per access decision or write.
 * Lines name who (principal name and role), what (action, route template, outcome) and which
 * records (identifiers such as PersonalID and EnrollmentID) — never names, SSNs, DOBs, tokens or
 * request bodies. The event type only admits identifier fields, and every value is re-checked here
 * so a careless caller cannot log a body by accident.
 *
 * Appends are buffered for up to FLUSH_DELAY_MS and written asynchronously, one write per batch, in
 * order, to a file kept open; a request never waits for the disk. `flush()` waits for everything
 * recorded so far, `close()` also closes the file.
 *
 * Rotation needs no signal and no restart: before each batch the path is checked against the open
 * file, and when audit.jsonl was moved away (logrotate's default) or removed, the batch goes to a new
 * audit.jsonl. Kept open, the old file would have taken every later line, or (removed) lost them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { errorCode } from '../store/whole-appends.ts';
import type { Principal } from './principal.ts';

export const AUDIT_FILE = 'audit.jsonl';

export type AuditOutcome = 'allowed' | 'denied' | 'not_found' | 'unauthorized' | 'invalid' | 'error';

export interface AuditEvent {
  /** Undefined when the request did not authenticate. */
  readonly principal?: Pick<Principal, 'name' | 'role'> | undefined;
  /** A policy action (policy.ts) or `authenticate`. */
  readonly action: string;
  /** Method and route template, e.g. `GET /client/{PersonalID}`: a template, never a URL with a query. */
  readonly route: string;
  readonly outcome: AuditOutcome;
  readonly status?: number;
  readonly source?: string;
  /** Identifier columns only, e.g. { PersonalID: 'C1', EnrollmentID: ['E1', 'E2'] }. */
  readonly records?: Readonly<Record<string, string | readonly string[]>>;
}

const MAX_VALUE = 64;
const MAX_IDS = 100;
/** Write early when this much is waiting, so a burst does not grow the buffer without bound. */
const FLUSH_BYTES = 64 * 1024;
/** Lines wait at most this long, so that requests close together share one write. */
const FLUSH_DELAY_MS = 20;
/** Identifier columns of the HMIS CSV (PersonalID, EnrollmentID, ProjectID, …): none of them is PII. */
const IDENTIFIER_KEY = /^[A-Z][A-Za-z]{0,40}ID$/;
const SAFE_TOKEN = /^[A-Za-z0-9._:/{}-]+$/;

const clip = (value: string) => value.slice(0, MAX_VALUE);

/** Identifier values as given, clipped; anything that is not an identifier key is dropped. */
function identifiers(records: AuditEvent['records']): Record<string, string | string[]> | undefined {
  if (!records) return undefined;
  const kept: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(records)) {
    if (!IDENTIFIER_KEY.test(key)) continue;
    if (typeof value === 'string') kept[key] = clip(value);
    else if (Array.isArray(value)) kept[key] = value.slice(0, MAX_IDS).map((id) => clip(String(id)));
  }
  return Object.keys(kept).length > 0 ? kept : undefined;
}

/** `METHOD /path` without query or fragment, limited to path characters. */
function routeOf(route: string): string {
  const [method = '', template = ''] = route.split(/\s+/, 2);
  const pathPart = (template || method).split(/[?#]/, 1)[0] ?? '';
  const clean = pathPart.replace(/[^A-Za-z0-9._~/{}:-]/g, '_').slice(0, 200);
  return template ? `${method.toUpperCase().replace(/[^A-Z]/g, '')} ${clean}` : clean;
}

export function auditLine(event: AuditEvent, time = new Date()): string {
  const records = identifiers(event.records);
  const line = {
    time: time.toISOString(),
    principal: event.principal ? clip(event.principal.name) : null,
    role: event.principal?.role ?? null,
    action: SAFE_TOKEN.test(event.action) ? clip(event.action) : 'unknown',
    route: routeOf(event.route),
    outcome: event.outcome,
    ...(Number.isInteger(event.status) ? { status: event.status } : {}),
    ...(event.source && SAFE_TOKEN.test(event.source) ? { source: clip(event.source) } : {}),
    ...(records ? { records } : {}),
  };
  return `${JSON.stringify(line)}\n`;
}

export class AuditLog {
  readonly file: string;
  private buffer: string[] = [];
  private bytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  /** Opened on the first write and kept: one write per batch instead of mkdir, open, write, close. */
  private opened: OpenFile | undefined;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, AUDIT_FILE);
  }

  record(event: AuditEvent): void {
    const line = auditLine(event);
    this.buffer.push(line);
    this.bytes += line.length;
    if (this.bytes >= FLUSH_BYTES) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_DELAY_MS);
  }

  /** Resolves once every line recorded so far is appended. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffer.length > 0) {
      const batch = this.buffer.join('');
      const count = this.buffer.length;
      this.buffer = [];
      this.bytes = 0;
      // Chained, so batches land in order even when one write is slow.
      this.writing = this.writing.then(() => this.append(batch, count));
    }
    return this.writing;
  }

  /** Writes what is buffered and closes the file (a later record opens it again). */
  async close(): Promise<void> {
    await this.flush();
    await this.closeFile();
  }

  /** Runs in the `writing` chain only, so one batch at a time opens, checks or closes the file. */
  private async append(batch: string, count: number): Promise<void> {
    try {
      const handle = await this.fileAtPath();
      await handle.appendFile(batch, 'utf8');
    } catch (error) {
      await this.closeFile(); // the next batch tries to open it again
      // The lines themselves stay out of the error log: they are about people.
      console.error(`audit log: could not append ${count} line(s) to ${this.file}: ${errorCode(error)}`);
    }
  }

  /** The open file if it is still the one at the path; otherwise (first write, rotated) a new one. */
  private async fileAtPath(): Promise<fs.promises.FileHandle> {
    const opened = this.opened;
    if (opened) {
      const atPath = await fs.promises.stat(this.file).catch(() => undefined);
      if (atPath?.ino === opened.ino && atPath.dev === opened.dev) return opened.handle;
      await this.closeFile();
    }
    await fs.promises.mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const handle = await fs.promises.open(this.file, 'a', 0o600);
    const { dev, ino } = await handle.stat();
    this.opened = { handle, dev, ino };
    return handle;
  }

  private async closeFile(): Promise<void> {
    const opened = this.opened;
    this.opened = undefined;
    await opened?.handle.close().catch(() => undefined);
  }
}

/** The audit file as opened, with the identity it had then (a rotated path has another). */
interface OpenFile {
  readonly handle: fs.promises.FileHandle;
  readonly dev: number;
  readonly ino: number;
}
