/**
 * The answers of the example research queries, computed from the HMIS CSV itself (csv-parse, plain
 * JavaScript dates), so that the SPARQL answers are checked against the data and not against Hearth.
 * Visibility as HUD's API has it: a record counts unless it or a record it hangs under is deleted.
 */
import { type Csv, type CsvRow, live, rows } from '../hmis-api/helpers.ts';

export interface Expected {
  /** Project type → distinct clients and enrollments. */
  byProjectType: Map<string, { clients: number; enrollments: number }>;
  activeRrh: { clients: number; enrollments: number };
  /** Destination → distinct exits and clients. */
  byDestination: Map<string, { exits: number; clients: number }>;
  /** Project type → stays, total, min and max days (average = total / stays). */
  lengthsOfStay: Map<string, { stays: number; totalDays: number; shortest: number; longest: number }>;
}

const day = (date: string) =>
  Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 86_400_000;

export function expectedAnswers(csv: Csv, asOf = '2025-09-30'): Expected {
  const projects = new Map(
    rows(csv, 'Project')
      .filter(live)
      .map((p) => [p.ProjectID, p]),
  );
  const clients = new Set(
    rows(csv, 'Client')
      .filter(live)
      .map((c) => c.PersonalID),
  );
  const enrollments = new Map<string, CsvRow>();
  for (const e of rows(csv, 'Enrollment'))
    if (live(e) && clients.has(e.PersonalID ?? '') && projects.has(e.ProjectID ?? ''))
      enrollments.set(e.EnrollmentID ?? '', e);
  const exits = rows(csv, 'Exit').filter((x) => live(x) && enrollments.has(x.EnrollmentID ?? ''));
  const exitDates = new Map<string, string[]>();
  for (const x of exits)
    if (x.ExitDate)
      exitDates.set(x.EnrollmentID ?? '', [...(exitDates.get(x.EnrollmentID ?? '') ?? []), x.ExitDate]);
  const typeOf = (e: CsvRow) => projects.get(e.ProjectID ?? '')?.ProjectType ?? '';

  const typeSets = new Map<string, { clients: Set<string>; enrollments: Set<string> }>();
  for (const e of enrollments.values()) {
    const type = typeOf(e);
    if (!type) continue;
    const entry = typeSets.get(type) ?? { clients: new Set(), enrollments: new Set() };
    entry.clients.add(e.PersonalID ?? '');
    entry.enrollments.add(e.EnrollmentID ?? '');
    typeSets.set(type, entry);
  }
  const byProjectType = new Map(
    [...typeSets].map(([type, s]) => [type, { clients: s.clients.size, enrollments: s.enrollments.size }]),
  );

  const active = [...enrollments.values()].filter((e) => {
    if (typeOf(e) !== '13' || !e.EntryDate || e.EntryDate > asOf) return false;
    const dates = exitDates.get(e.EnrollmentID ?? '') ?? [];
    return dates.length === 0 || dates.some((d) => d > asOf);
  });
  const activeRrh = { clients: new Set(active.map((e) => e.PersonalID)).size, enrollments: active.length };

  const destinationSets = new Map<string, { exits: Set<string>; clients: Set<string> }>();
  for (const x of exits) {
    if (!x.Destination) continue;
    const entry = destinationSets.get(x.Destination) ?? { exits: new Set(), clients: new Set() };
    entry.exits.add(x.ExitID ?? '');
    entry.clients.add(enrollments.get(x.EnrollmentID ?? '')?.PersonalID ?? '');
    destinationSets.set(x.Destination, entry);
  }
  const byDestination = new Map(
    [...destinationSets].map(([code, s]) => [code, { exits: s.exits.size, clients: s.clients.size }]),
  );

  const lengthsOfStay: Expected['lengthsOfStay'] = new Map();
  for (const x of exits) {
    const e = enrollments.get(x.EnrollmentID ?? '');
    const type = e ? typeOf(e) : '';
    if (!e?.EntryDate || !x.ExitDate || !type) continue;
    const days = day(x.ExitDate) - day(e.EntryDate);
    const s = lengthsOfStay.get(type) ?? { stays: 0, totalDays: 0, shortest: Infinity, longest: -Infinity };
    s.stays++;
    s.totalDays += days;
    s.shortest = Math.min(s.shortest, days);
    s.longest = Math.max(s.longest, days);
    lengthsOfStay.set(type, s);
  }
  return { byProjectType, activeRrh, byDestination, lengthsOfStay };
}

/** SPARQL JSON bindings as plain rows of variable → lexical value. */
export function plainRows(json: string): Record<string, string>[] {
  const document = JSON.parse(json) as { results: { bindings: Record<string, { value: string }>[] } };
  return document.results.bindings.map((b) =>
    Object.fromEntries(Object.entries(b).map(([k, v]) => [k, v.value])),
  );
}

/** The query answers in the shape of Expected, from each query's rows. */
export function answersFrom(results: Record<string, Record<string, string>[]>): Expected {
  const n = Number;
  const byType = results['counts-by-project-type'] ?? [];
  const active = results['active-rrh-clients']?.[0] ?? {};
  return {
    byProjectType: new Map(
      byType.map((r) => [r.projectType ?? '', { clients: n(r.clients), enrollments: n(r.enrollments) }]),
    ),
    activeRrh: { clients: n(active.clients), enrollments: n(active.enrollments) },
    byDestination: new Map(
      (results['exits-by-destination'] ?? []).map((r) => [
        r.destination ?? '',
        { exits: n(r.exits), clients: n(r.clients) },
      ]),
    ),
    lengthsOfStay: new Map(
      (results['lengths-of-stay'] ?? []).map((r) => [
        r.projectType ?? '',
        { stays: n(r.stays), totalDays: n(r.totalDays), shortest: n(r.shortest), longest: n(r.longest) },
      ]),
    ),
  };
}
