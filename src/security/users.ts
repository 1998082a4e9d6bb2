/**
 * The users of a Hearth server, in `users.json` next to the store. The file holds token hashes
 * only. It is small and separate from the store, so the CLI edits it while a server runs (no store
 * LOCK); the server notices the change (inode, size, mtime) on the next request, without restart.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SOURCE_ID_PATTERN } from '../rdf/iris.ts';
import { replaceFile } from '../store/replace-file.ts';
import { type Principal, ROLES, type Role } from './principal.ts';
import { generateToken, hashToken } from './tokens.ts';

export const USERS_FILE = 'users.json';
export const USER_NAME_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
/** A project or organization id, optionally `source/ID`; HUD ids are S32 strings. */
const SCOPE_ID_PATTERN = /^[^\s,/]{1,64}$/;
/** A lock older than this is left by a crashed writer (writes take milliseconds). */
const LOCK_STALE_MS = 10_000;
/** Longer than LOCK_STALE_MS, so a waiting writer always outlives a stale lock. */
const LOCK_WAIT_MS = 15_000;

export interface UserScope {
  /** Project ids, `P1` (in any source) or `source/P1`. */
  readonly projects?: readonly string[];
  /** Organization ids, `O1` or `source/O1`: the scope is their projects. */
  readonly orgs?: readonly string[];
}

/** What `users list` shows: never a token or its hash. */
export interface UserInfo {
  readonly name: string;
  readonly role: Role;
  readonly projects: readonly string[];
  readonly orgs: readonly string[];
  readonly created: string;
}

interface StoredUser extends UserInfo {
  readonly tokenHash: string;
}

interface Snapshot {
  readonly stamp: string;
  readonly users: readonly StoredUser[];
  readonly byHash: ReadonlyMap<string, Principal>;
}

/** A refused change, or (`unusable`) a users file that cannot be used; messages hold no tokens. */
export class UserDirectoryError extends Error {
  override name = 'UserDirectoryError';
  constructor(
    message: string,
    readonly kind: 'refused' | 'unusable' = 'refused',
  ) {
    super(message);
  }
}

export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

/** Checks one scope entry (`P1` or `source/P1`) and returns it unchanged. */
export function checkScopeId(entry: string, kind: 'project' | 'organization'): string {
  const slash = entry.indexOf('/');
  const source = slash < 0 ? undefined : entry.slice(0, slash);
  const id = slash < 0 ? entry : entry.slice(slash + 1);
  if ((source !== undefined && !SOURCE_ID_PATTERN.test(source)) || !SCOPE_ID_PATTERN.test(id)) {
    throw new UserDirectoryError(
      `invalid ${kind} id "${entry}": use ID or source/ID (no spaces or commas, at most 64 characters)`,
    );
  }
  return entry;
}

function checkUser(name: string, role: string, scope: UserScope): void {
  if (!USER_NAME_PATTERN.test(name)) {
    throw new UserDirectoryError(`invalid user name "${name}": use 1-64 of A-Z a-z 0-9 . _ -`);
  }
  if (!isRole(role)) throw new UserDirectoryError(`unknown role "${role}": use one of ${ROLES.join(', ')}`);
  const scoped = (scope.projects?.length ?? 0) + (scope.orgs?.length ?? 0) > 0;
  // An admin sees everything by definition; a scope on it would only pretend otherwise.
  if (role === 'admin' && scoped) throw new UserDirectoryError('an admin cannot be limited to projects');
  // Fail closed: a caseworker without a scope would otherwise have to mean "every client".
  if (role === 'caseworker' && !scoped) {
    throw new UserDirectoryError('a caseworker needs --projects or --orgs (the projects they work in)');
  }
}

function toPrincipal(user: StoredUser): Principal {
  return Object.freeze({
    name: user.name,
    role: user.role,
    ...(user.projects.length > 0 ? { projects: new Set(user.projects) } : {}),
    ...(user.orgs.length > 0 ? { orgs: new Set(user.orgs) } : {}),
  });
}

const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

function parseUsers(text: string, file: string): StoredUser[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new UserDirectoryError(`${file} is not valid JSON; restore it from a backup`, 'unusable');
  }
  const users = (data as { version?: unknown; users?: unknown }).users;
  if ((data as { version?: unknown }).version !== 1 || !Array.isArray(users)) {
    throw new UserDirectoryError(`${file} is not a Hearth users file (version 1)`, 'unusable');
  }
  for (const user of users as Partial<StoredUser>[]) {
    const valid =
      typeof user.name === 'string' &&
      typeof user.role === 'string' &&
      isRole(user.role) &&
      typeof user.tokenHash === 'string' &&
      /^[0-9a-f]{64}$/.test(user.tokenHash) &&
      isStringArray(user.projects) &&
      isStringArray(user.orgs);
    if (!valid) throw new UserDirectoryError(`${file} has a malformed user entry`, 'unusable');
  }
  return users as StoredUser[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Removes a lock left by a crashed writer; true when the caller should try to take the lock again. */
function breakStaleLock(lockFile: string): boolean {
  let seen: fs.Stats;
  try {
    seen = fs.statSync(lockFile);
  } catch {
    return true; // released meanwhile
  }
  if (Date.now() - seen.mtimeMs < LOCK_STALE_MS) return false;
  // Move it aside rather than delete: if another writer broke it first and holds a fresh lock
  // under the same name, the inode differs and we put theirs back.
  const aside = `${lockFile}.stale.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
  try {
    fs.renameSync(lockFile, aside);
  } catch {
    return true;
  }
  if (fs.statSync(aside).ino !== seen.ino) {
    try {
      fs.linkSync(aside, lockFile);
    } catch {
      // A third writer holds the name now; it is theirs.
    }
  }
  fs.rmSync(aside, { force: true });
  return true;
}

async function withLock<T>(lockFile: string, work: () => T): Promise<T> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    try {
      fs.writeFileSync(lockFile, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (breakStaleLock(lockFile)) continue;
      if (Date.now() > deadline) {
        throw new UserDirectoryError(`${lockFile} is held by another writer; retry in a moment`, 'unusable');
      }
      await sleep(delay + Math.random() * delay);
    }
  }
  try {
    return work();
  } finally {
    fs.rmSync(lockFile, { force: true });
  }
}

export class UserDirectory {
  readonly file: string;
  private snapshot: Snapshot | undefined;

  constructor(readonly dataDir: string) {
    this.file = path.join(dataDir, USERS_FILE);
  }

  /** Creates a user and returns its token: the only time the token exists outside the caller. */
  async add(name: string, role: string, scope: UserScope = {}): Promise<string> {
    const projects = [...new Set(scope.projects ?? [])].map((id) => checkScopeId(id, 'project'));
    const orgs = [...new Set(scope.orgs ?? [])].map((id) => checkScopeId(id, 'organization'));
    checkUser(name, role, { projects, orgs });
    const token = generateToken();
    const user: StoredUser = {
      name,
      role: role as Role,
      projects,
      orgs,
      created: new Date().toISOString(),
      tokenHash: hashToken(token),
    };
    await this.update((users) => {
      // Names differing only in case would be told apart by nobody reading the audit log.
      if (users.some((u) => u.name.toLowerCase() === name.toLowerCase())) {
        throw new UserDirectoryError(`a user named "${name}" already exists; remove it first`);
      }
      return [...users, user];
    });
    return token;
  }

  async remove(name: string): Promise<void> {
    await this.update((users) => {
      if (!users.some((u) => u.name === name)) throw new UserDirectoryError(`no user named "${name}"`);
      return users.filter((u) => u.name !== name);
    });
  }

  list(): UserInfo[] {
    return this.current().users.map(({ name, role, projects, orgs, created }) => ({
      name,
      role,
      projects,
      orgs,
      created,
    }));
  }

  /** The user a token belongs to. Looked up by hash: the hash of a random secret leaks nothing usable. */
  authenticate(token: string): Principal | undefined {
    return this.current().byHash.get(hashToken(token));
  }

  /** Read-modify-write under users.json.lock, from the file (not the cache): concurrent CLIs lose nothing. */
  private async update(change: (users: readonly StoredUser[]) => StoredUser[]): Promise<void> {
    fs.mkdirSync(this.dataDir, { recursive: true });
    await withLock(`${this.file}.lock`, () => {
      const users = change(this.read().users);
      replaceFile(this.file, `${JSON.stringify({ version: 1, users }, null, 2)}\n`);
      this.snapshot = undefined;
    });
  }

  private current(): Snapshot {
    let stamp = 'missing';
    try {
      const stat = fs.statSync(this.file);
      stamp = `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (this.snapshot?.stamp !== stamp) this.snapshot = { ...this.read(), stamp };
    return this.snapshot;
  }

  private read(): Omit<Snapshot, 'stamp'> {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { users: [], byHash: new Map() };
      throw error;
    }
    const users = parseUsers(text, this.file);
    return { users, byHash: new Map(users.map((user) => [user.tokenHash, toPrincipal(user)])) };
  }
}
