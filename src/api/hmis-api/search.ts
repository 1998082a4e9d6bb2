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
 * How names match, and how a name's candidates are found without scanning every name: name-match.ts.
 */
import { fieldIndex, table } from '../../model/index.ts';
import { literal } from '../../query/bind.ts';
import type { Row } from '../../store/record-state.ts';
import { ApiError, type FieldError } from '../errors.ts';
import type { ApiServices, RouteRequest } from '../route-spec.ts';
import { isCalendarDate } from '../router.ts';
import { type ClientView, clientView, graphTerm, rowReader, type Scoped, scoped, select } from './common.ts';
import { initialsNear, NameQuery, spellingIndex, spellingsNear } from './name-match.ts';
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

const WEIGHTS: Readonly<Record<keyof Criteria, number>> = {
  PersonalID: 4,
  SSN: 3,
  DOB: 2,
  LastName: 2,
  FirstName: 1.5,
};

/** How well a row matches one criterion, in [0, 1] (see the table at the top); built once per search. */
function matcher(name: keyof Criteria, query: string, names: NameQueries): (row: Row) => number {
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
      const name = names.FirstName ?? new NameQuery(query);
      return (row) => name.match(row[COL.FirstName] ?? '');
    }
    case 'LastName': {
      const name = names.LastName ?? new NameQuery(query);
      return (row) => name.match(row[COL.LastName] ?? '');
    }
  }
}

/** The name criteria of one search, folded once and shared by its candidates and its scores. */
interface NameQueries {
  readonly FirstName?: NameQuery;
  readonly LastName?: NameQuery;
}

/** The name criteria as NameQuery, reading folded spellings from `at`'s name indexes when given. */
const nameQueries = ({ FirstName, LastName }: Criteria, at?: Scoped): NameQueries => ({
  ...(FirstName === undefined
    ? {}
    : { FirstName: new NameQuery(FirstName, at && spellingIndex(at.state, 'FirstName')) }),
  ...(LastName === undefined
    ? {}
    : { LastName: new NameQuery(LastName, at && spellingIndex(at.state, 'LastName')) }),
});

/** Scores a row in [0, 1] (three decimals); the criteria are read and normalized once, not per row. */
export function scorer(criteria: Criteria, names = nameQueries(criteria)): (row: Row) => number {
  const terms = (Object.entries(criteria) as [keyof Criteria, string][]).map(([name, query]) => ({
    weight: WEIGHTS[name],
    match: matcher(name, query, names),
  }));
  const total = terms.reduce((sum, term) => sum + term.weight, 0);
  return (row) => {
    if (total === 0) return 0;
    let got = 0;
    for (const term of terms) got += term.weight * term.match(row);
    return Math.round((got / total) * 1000) / 1000;
  };
}

/** A name criterion's bindings: its spellings for VALUES, or its initials for a scan. */
function nameBindings(at: Scoped, field: 'FirstName' | 'LastName', name: NameQuery | undefined) {
  if (!name?.folded) return {};
  const index = spellingIndex(at.state, field);
  const spellings = spellingsNear(index, name);
  if (!spellings) return { initials: initialsNear(index, name).map((initial) => literal(initial)) };
  // No stored name is near: no name branch (the other criteria may still find candidates).
  return spellings.length > 0 ? { spellings: spellings.map((value) => literal(value)) } : {};
}

function candidateBindings(at: Scoped, criteria: Criteria, names: NameQueries) {
  const { PersonalID, DOB, SSN } = criteria;
  const first = nameBindings(at, 'FirstName', names.FirstName);
  const last = nameBindings(at, 'LastName', names.LastName);
  return {
    PersonalID: PersonalID === undefined ? undefined : literal(PersonalID),
    DOB: DOB?.length === 10 ? literal(DOB, 'date') : undefined,
    birthYear: DOB?.length === 4 ? literal(DOB, 'integer') : undefined,
    SSN: SSN?.length === 9 ? literal(SSN) : undefined,
    ssnLast4: SSN === undefined ? undefined : literal(SSN.slice(-4)),
    firstNames: first.spellings,
    firstInitials: first.initials,
    lastNames: last.spellings,
    lastInitials: last.initials,
  };
}

const idOf = (view: ClientView) => view.row[COL.PersonalID] ?? '';
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export async function searchClients(request: RouteRequest, services: ApiServices): Promise<Response> {
  const criteria = parseCriteria(request.body);
  const at = scoped(request, services);
  const limit = (request.params.limit as number | undefined) ?? DEFAULT_LIMIT;
  const names = nameQueries(criteria, at);
  const solutions = await select(services, 'client-search', {
    graph: graphTerm(at),
    ...candidateBindings(at, criteria, names),
  });
  // Clients shared by consent are scored on their shared columns only (clientView empties the rest).
  // An emptied column scores 0, so a row that scores 0 whole scores 0 in any view: most candidates
  // are dropped before the policy is asked.
  const score = scorer(criteria, names);
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
