/**
 * Scenario 1: POST /client/search. Criteria travel in the body (never the URL), are never logged and
 * never echoed in errors. The stored query finds candidates (client-search.rq); each candidate is then
 * scored here against every criterion given and the list ranked by that score:
 *
 *   criterion   weight  match
 *   PersonalID    4     exact
 *   SSN           3     9 digits: exact 1, same last four 0.5;  4 digits: same last four 1
 *   DOB           2     YYYY-MM-DD: exact 1, same year 0.3;     YYYY: same year 1
 *   LastName      2     case and accents ignored: equal 1, prefix 0.9, one edit 0.7, two edits 0.5
 *   FirstName     1.5   as LastName (two edits only for names of five letters or more)
 *
 * score = Σ weight × match / Σ weight of the criteria given, in [0, 1]; clients scoring 0 are dropped.
 * Edits (insertions, deletions, substitutions, swaps of adjacent letters) count to the name or to its
 * prefix of the query's length, so "Jhon" finds John and "Cariwa" finds Caraway. A name finds the clients whose name has its initial and matches:
 * the source's name index (ColumnIndex: folded name → stored spellings) gives the spellings of every
 * such name and the store looks exactly those up, so a typo in the initial is found only through
 * another criterion, and the store never scans every name (it did: 13–16 ms of a 20 ms search).
 */
import { fieldIndex, table } from '../../model/index.ts';
import { literal } from '../../query/bind.ts';
import type { ColumnIndex } from '../../store/column-index.ts';
import type { Row } from '../../store/record-state.ts';
import { ApiError, type FieldError } from '../errors.ts';
import type { ApiServices, RouteRequest } from '../route-spec.ts';
import { isCalendarDate } from '../router.ts';
import { type ClientView, clientView, graphTerm, rowReader, type Scoped, scoped, select } from './common.ts';
import { DEFAULT_LIMIT } from './paging.ts';
import { jsonText, rowJsonText } from './record-json.ts';
import { part, respond } from './representations.ts';

const CLIENT = table('Client');
const column = (name: string) => fieldIndex(CLIENT, name);
const COL = {
  PersonalID: column('PersonalID'),
  FirstName: column('FirstName'),
  LastName: column('LastName'),
  SSN: column('SSN'),
  DOB: column('DOB'),
};

export interface Criteria {
  readonly PersonalID?: string;
  readonly FirstName?: string;
  readonly LastName?: string;
  readonly DOB?: string;
  readonly SSN?: string;
}

const LIMITS: Readonly<Record<keyof Criteria, number>> = {
  PersonalID: 32,
  FirstName: 50,
  LastName: 50,
  DOB: 10,
  SSN: 11,
};

/** The body as criteria; 400 naming the fields (never their values) otherwise. */
export function parseCriteria(body: unknown): Criteria {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ApiError(400, 'bad_request', 'the body must be a JSON object of search criteria');
  const errors: FieldError[] = [];
  const criteria: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) {
    // hasOwn: a body's `__proto__` or `constructor` key must not find Object.prototype's.
    const limit = Object.hasOwn(LIMITS, name) ? LIMITS[name as keyof Criteria] : undefined;
    if (limit === undefined)
      errors.push({ field: name.slice(0, 64), rule: 'unknown', message: 'not a search field' });
    else if (typeof value !== 'string') errors.push({ field: name, rule: 'type', message: 'a string' });
    else if ([...value].length > limit)
      errors.push({ field: name, rule: 'maxLength', message: `at most ${limit}` });
    else if (value.trim() !== '') criteria[name] = value.trim();
  }
  const { DOB, SSN } = criteria;
  if (DOB !== undefined && !isCalendarDate(DOB) && !/^\d{4}$/.test(DOB))
    errors.push({ field: 'DOB', rule: 'type', message: 'YYYY-MM-DD, or a year YYYY' });
  if (SSN !== undefined && !/^(\d{9}|\d{4}|\d{3}-\d{2}-\d{4})$/.test(SSN))
    errors.push({ field: 'SSN', rule: 'type', message: '9 digits (dashes allowed) or the last 4' });
  if (errors.length > 0) throw new ApiError(400, 'bad_request', 'invalid search criteria', errors);
  if (Object.keys(criteria).length === 0)
    throw new ApiError(400, 'bad_request', 'give at least one of PersonalID, FirstName, LastName, DOB, SSN');
  if (SSN !== undefined) criteria.SSN = SSN.replace(/-/g, '');
  return criteria;
}

/** Lower case, accents and everything but letters and digits removed. */
export const normalizeName = (name: string): string =>
  name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');

// Three rows of the edit-distance table, reused by every call (names are at most 50 characters).
let twoAbove = new Int32Array(64);
let above = new Int32Array(64);
let current = new Int32Array(64);

/**
 * The edit distance from `q` to `n` or to `n`'s prefix of `q`'s length, whichever is less, or
 * `max + 1` as soon as both must exceed `max`. Edits are insertions, deletions, substitutions and
 * swaps of two adjacent letters (optimal string alignment), since a swap is the commonest typo:
 * "Jhon" is one edit from John. One pass: the prefix's distance is the table's column `q.length`,
 * and columns past `q.length + max` cannot bring either within `max`. A row past `max` ends it: a
 * swap reaches back two rows, but through a cell of the row between that is as near.
 */
export function nameDistance(q: string, n: string, max: number): number {
  const columns = Math.min(n.length, q.length + max);
  if (above.length <= columns) {
    twoAbove = new Int32Array(columns * 2);
    above = new Int32Array(columns * 2);
    current = new Int32Array(columns * 2);
  }
  for (let j = 0; j <= columns; j++) above[j] = j;
  for (let i = 1; i <= q.length; i++) {
    current[0] = i;
    let best = i;
    for (let j = 1; j <= columns; j++) {
      const same = q[i - 1] === n[j - 1];
      let value = Math.min(
        (above[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (above[j - 1] as number) + (same ? 0 : 1),
      );
      if (!same && i > 1 && j > 1 && q[i - 1] === n[j - 2] && q[i - 2] === n[j - 1])
        value = Math.min(value, (twoAbove[j - 2] as number) + 1);
      current[j] = value;
      if (value < best) best = value;
    }
    if (best > max) return max + 1;
    [twoAbove, above, current] = [above, current, twoAbove];
  }
  const whole = n.length <= columns ? (above[n.length] as number) : max + 1;
  const prefix = above[Math.min(q.length, n.length)] as number;
  return Math.min(whole, prefix, max + 1);
}

/** How well a query name matches a stored one, both normalized (see the table at the top). */
function foldedNameMatch(q: string, n: string): number {
  if (!q || !n) return 0;
  if (q === n) return 1;
  if (n.startsWith(q)) return 0.9;
  const max = q.length >= 5 ? 2 : 1;
  const distance = nameDistance(q, n, max);
  // nameDistance answers max + 1 past max: for a short name that is 2, which is no match.
  return distance > max ? 0 : distance === 1 ? 0.7 : 0.5;
}

/** Stored names, normalized once per row version (rows are replaced, never changed, on update). */
const FOLDED = new WeakMap<Row, { readonly first: string; readonly last: string }>();
function folded(row: Row): { readonly first: string; readonly last: string } {
  let names = FOLDED.get(row);
  if (!names) {
    names = { first: normalizeName(row[COL.FirstName] ?? ''), last: normalizeName(row[COL.LastName] ?? '') };
    FOLDED.set(row, names);
  }
  return names;
}

const WEIGHTS: Readonly<Record<keyof Criteria, number>> = {
  PersonalID: 4,
  SSN: 3,
  DOB: 2,
  LastName: 2,
  FirstName: 1.5,
};

/** How well a row matches one criterion, in [0, 1] (see the table at the top); built once per search. */
function matcher(name: keyof Criteria, query: string): (row: Row) => number {
  switch (name) {
    case 'PersonalID':
      return (row) => (row[COL.PersonalID] === query ? 1 : 0);
    case 'SSN':
      return query.length === 4
        ? (row) => (row[COL.SSN]?.endsWith(query) ? 1 : 0)
        : (row) => {
            const value = row[COL.SSN] ?? '';
            return !value ? 0 : value === query ? 1 : value.slice(-4) === query.slice(-4) ? 0.5 : 0;
          };
    case 'DOB': {
      const year = query.slice(0, 4);
      const yearPrefix = `${year}-`;
      return query.length === 4
        ? (row) => (row[COL.DOB]?.startsWith(yearPrefix) ? 1 : 0)
        : (row) => {
            const value = row[COL.DOB] ?? '';
            return !value ? 0 : value === query ? 1 : value.slice(0, 4) === year ? 0.3 : 0;
          };
    }
    case 'FirstName': {
      const q = normalizeName(query);
      return (row) => foldedNameMatch(q, folded(row).first);
    }
    case 'LastName': {
      const q = normalizeName(query);
      return (row) => foldedNameMatch(q, folded(row).last);
    }
  }
}

/** Scores a row in [0, 1] (three decimals); the criteria are read and normalized once, not per row. */
export function scorer(criteria: Criteria): (row: Row) => number {
  const terms = (Object.entries(criteria) as [keyof Criteria, string][]).map(([name, query]) => ({
    weight: WEIGHTS[name],
    match: matcher(name, query),
  }));
  const total = terms.reduce((sum, term) => sum + term.weight, 0);
  return (row) => {
    if (total === 0) return 0;
    let got = 0;
    for (const term of terms) got += term.weight * term.match(row);
    return Math.round((got / total) * 1000) / 1000;
  };
}

/** Stored spellings of each folded name, per source (see ColumnIndex). */
const spellingsOf = (at: Scoped, field: 'FirstName' | 'LastName') =>
  at.state.columnIndex('Client', field, normalizeName);

/** Past this many spellings the query scans the name column for the initial instead (see below). */
export const MAX_SPELLINGS = 1000;

/**
 * The stored spellings of every name that matches the folded query name `q` (foldedNameMatch > 0)
 * and has its initial, or undefined when more than `max` do: such a VALUES block would cost the
 * store more than scanning the column, and could pass the query size limit.
 */
export function spellingsNear(index: ColumnIndex, q: string, max = MAX_SPELLINGS): string[] | undefined {
  const spellings: string[] = [];
  for (const [name, values] of index.entries()) {
    if (name[0] !== q[0] || foldedNameMatch(q, name) === 0) continue;
    for (const value of values.keys()) spellings.push(value);
    if (spellings.length > max) return undefined;
  }
  return spellings;
}

/** A name criterion's bindings: its spellings for VALUES, or its initial for a scan. */
function nameBindings(at: Scoped, field: 'FirstName' | 'LastName', name: string | undefined) {
  const q = name === undefined ? '' : normalizeName(name);
  if (!q) return {};
  const spellings = spellingsNear(spellingsOf(at, field), q);
  if (!spellings) return { initial: literal(q[0] as string) };
  // No stored name is near: no name branch (the other criteria may still find candidates).
  return spellings.length > 0 ? { spellings: spellings.map((value) => literal(value)) } : {};
}

function candidateBindings(at: Scoped, criteria: Criteria) {
  const { PersonalID, FirstName, LastName, DOB, SSN } = criteria;
  const first = nameBindings(at, 'FirstName', FirstName);
  const last = nameBindings(at, 'LastName', LastName);
  return {
    PersonalID: PersonalID === undefined ? undefined : literal(PersonalID),
    DOB: DOB?.length === 10 ? literal(DOB, 'date') : undefined,
    birthYear: DOB?.length === 4 ? literal(DOB, 'integer') : undefined,
    SSN: SSN?.length === 9 ? literal(SSN) : undefined,
    ssnLast4: SSN === undefined ? undefined : literal(SSN.slice(-4)),
    firstNames: first.spellings,
    firstInitial: first.initial,
    lastNames: last.spellings,
    lastInitial: last.initial,
  };
}

const idOf = (view: ClientView) => view.row[COL.PersonalID] ?? '';
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export async function searchClients(request: RouteRequest, services: ApiServices): Promise<Response> {
  const criteria = parseCriteria(request.body);
  const at = scoped(request, services);
  const limit = (request.params.limit as number | undefined) ?? DEFAULT_LIMIT;
  const solutions = await select(services, 'client-search', {
    graph: graphTerm(at),
    ...candidateBindings(at, criteria),
  });
  // Clients shared by consent are scored on their shared columns only (clientView empties the rest).
  // An emptied column scores 0, so a row that scores 0 whole scores 0 in any view: most candidates
  // are dropped before the policy is asked.
  const score = scorer(criteria);
  const clientAt = rowReader(at, 'Client');
  const matches: { view: ClientView; score: number }[] = [];
  for (const solution of solutions) {
    const row = clientAt(solution.client);
    const whole = row ? score(row) : 0;
    const view = row && whole > 0 ? clientView(at, row) : undefined;
    const points = view?.columns ? score(view.row) : whole;
    if (view && points > 0) matches.push({ view, score: points });
  }
  const ranked = matches
    // Ties by PersonalID in code-unit order, as lists page (ICU's localeCompare cost 0.2 ms here).
    .sort((a, b) => b.score - a.score || compareText(idOf(a.view), idOf(b.view)))
    .slice(0, limit);
  return respond(request, at, {
    json: jsonText({
      matchedClients: ranked.map(({ view, score }) => rowJsonText(CLIENT, view.row, view.columns, { score })),
    }),
    records: ranked.map(({ view }) => part('Client', view.row, view.columns)),
  });
}
