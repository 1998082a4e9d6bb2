/**
 * Expected answers of the HMIS API scenarios, computed from the CSV files alone (parsed with
 * csv-parse in helpers.ts): the test's own reading of each scenario's rule, independent of Hearth's
 * SPARQL. Deleted rows (DateDeleted set) and rows under deleted parents never count.
 */
import type { Hono } from 'hono';
import { expect } from 'vitest';
import { table } from '../../src/model/index.ts';
import {
  type Csv,
  type CsvRow,
  call,
  json,
  LSA_ZIP,
  live,
  openServer,
  readCsvZip,
  rows,
  type Server,
} from './helpers.ts';

export interface EnrollmentFilters {
  readonly ProjectID?: string;
  readonly EntryDate?: string;
  readonly ExitDate?: string;
  readonly ActiveOn?: string;
}

export class Expect {
  readonly clients: Map<string, CsvRow>;
  readonly projects: Map<string, CsvRow>;
  readonly enrollments: CsvRow[];
  /** EnrollmentID → ExitDate of its (first live) exit. */
  readonly exits = new Map<string, string>();

  constructor(readonly csv: Csv) {
    this.clients = new Map(
      rows(csv, 'Client')
        .filter(live)
        .map((r) => [r.PersonalID ?? '', r]),
    );
    this.projects = new Map(
      rows(csv, 'Project')
        .filter(live)
        .map((r) => [r.ProjectID ?? '', r]),
    );
    this.enrollments = rows(csv, 'Enrollment').filter(
      (e) => live(e) && this.clients.has(e.PersonalID ?? '') && this.projects.has(e.ProjectID ?? ''),
    );
    for (const exit of rows(csv, 'Exit').filter(live))
      if (!this.exits.has(exit.EnrollmentID ?? ''))
        this.exits.set(exit.EnrollmentID ?? '', exit.ExitDate ?? '');
  }

  keeps(e: CsvRow, f: EnrollmentFilters): boolean {
    const exit = this.exits.get(e.EnrollmentID ?? '');
    const entry = e.EntryDate ?? '';
    if (f.ProjectID !== undefined && e.ProjectID !== f.ProjectID) return false;
    if (f.EntryDate !== undefined && entry < f.EntryDate) return false;
    if (f.ExitDate !== undefined && !(exit && exit <= f.ExitDate)) return false;
    if (f.ActiveOn !== undefined && !(entry <= f.ActiveOn && (!exit || exit > f.ActiveOn))) return false;
    return true;
  }

  projectIdsWith(filter: { Funder?: string; ProjectType?: string; CocCode?: string }): Set<string> {
    const funded = new Set(
      rows(this.csv, 'Funder')
        .filter((f) => live(f) && (filter.Funder === undefined || f.Funder === filter.Funder))
        .map((f) => f.ProjectID ?? ''),
    );
    const coc = new Set(
      rows(this.csv, 'ProjectCoC')
        .filter((c) => live(c) && c.CoCCode === filter.CocCode)
        .map((c) => c.ProjectID ?? ''),
    );
    return new Set(
      [...this.projects.values()]
        .filter((p) => filter.Funder === undefined || funded.has(p.ProjectID ?? ''))
        .filter((p) => filter.ProjectType === undefined || p.ProjectType === filter.ProjectType)
        .filter((p) => filter.CocCode === undefined || coc.has(p.ProjectID ?? ''))
        .map((p) => p.ProjectID ?? ''),
    );
  }

  /** Scenarios 8–9: PersonalID → sorted EnrollmentIDs. */
  clientsIn(projects: Set<string>, f: EnrollmentFilters): Map<string, string[]> {
    const byClient = new Map<string, string[]>();
    for (const e of this.enrollments) {
      if (!projects.has(e.ProjectID ?? '') || !this.keeps(e, f)) continue;
      byClient.set(
        e.PersonalID ?? '',
        [...(byClient.get(e.PersonalID ?? '') ?? []), e.EnrollmentID ?? ''].sort(),
      );
    }
    return byClient;
  }

  /** Every live row under the client's live enrollments (and their assessments), per table. */
  underClient(personalId: string): { table: string; row: CsvRow }[] {
    const enrollmentIds = new Set(
      this.enrollments.filter((e) => e.PersonalID === personalId).map((e) => e.EnrollmentID ?? ''),
    );
    const found: { table: string; row: CsvRow }[] = [];
    const assessments = new Set<string>();
    for (const spec of [
      'Exit',
      'IncomeBenefits',
      'HealthAndDV',
      'EmploymentEducation',
      'Disabilities',
      'Services',
      'CurrentLivingSituation',
      'Assessment',
      'Event',
      'YouthEducationStatus',
    ]) {
      for (const row of rows(this.csv, spec).filter(live)) {
        if (!enrollmentIds.has(row.EnrollmentID ?? '')) continue;
        found.push({ table: spec, row });
        if (spec === 'Assessment') assessments.add(row.AssessmentID ?? '');
      }
    }
    for (const spec of ['AssessmentQuestions', 'AssessmentResults'])
      for (const row of rows(this.csv, spec).filter(live))
        if (assessments.has(row.AssessmentID ?? '')) found.push({ table: spec, row });
    return found;
  }
}

/** A CSV row as the API's JSON: the model's column order and types ('' → null). */
export function asJson(tableName: string, row: CsvRow): Record<string, string | number | null> {
  const out: Record<string, string | number | null> = {};
  for (const field of table(tableName).fields) {
    const value = row[field.name] ?? '';
    out[field.name] =
      value === ''
        ? null
        : field.type.kind === 'integer' || field.type.kind === 'money'
          ? Number(value)
          : field.type.kind === 'datetime'
            ? value.replace(' ', 'T')
            : value;
  }
  return out;
}

/** Every item of a paged list, following nextCursor; checks each page's size and that it ends. */
export async function collect<T = Record<string, unknown>>(
  app: Hono,
  url: string,
  key: string,
  limit: number,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 10_000; pages++) {
    const separator = url.includes('?') ? '&' : '?';
    const response = await call(
      app,
      'GET',
      `${url}${separator}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
    );
    expect(response.status).toBe(200);
    const body = await json<Record<string, unknown>>(response);
    const page = body[key] as T[];
    expect(page.length).toBeLessThanOrEqual(limit);
    items.push(...page);
    cursor = body.nextCursor as string | undefined;
    if (!cursor) return items;
    expect(response.headers.get('link')).toContain('rel="next"');
  }
  throw new Error('paging did not end');
}

/** A server on HUD's LSA sample and the expectations read from the same zip, built side by side. */
export const openLsa = (): Promise<[Server, Expect]> =>
  Promise.all([openServer(LSA_ZIP), readCsvZip(LSA_ZIP).then((csv) => new Expect(csv))]);
