/**
 * The search parameters Hearth implements, per resource type, as data: name, FHIR type, what it
 * reads from a resource. The search engine (search.ts) and the CapabilityStatement (capability.ts)
 * both read this table, so the statement lists exactly what searches accept.
 */
import type { Resource } from '../../fhir/types.ts';

export type SearchParamType = 'token' | 'string' | 'date' | 'reference';

export interface TokenValue {
  readonly system?: string;
  readonly code: string;
}

/** A time range in UTC `YYYY-MM-DDThh:mm:ss`, end inclusive ('9999…' when open). */
export interface DateRange {
  readonly start: string;
  readonly end: string;
}

export type ParamValues = readonly (string | TokenValue | DateRange)[];

export interface SearchParam {
  readonly name: string;
  readonly type: SearchParamType;
  readonly description: string;
  /** For reference parameters: the resource types it can point at. */
  readonly target?: readonly string[];
  readonly values: (resource: Resource) => ParamValues;
}

type Coded = { coding?: { system?: string; code?: string }[] };
type Identified = { system?: string; value?: string };

const codings = (concepts: unknown): TokenValue[] =>
  ((Array.isArray(concepts) ? concepts : concepts ? [concepts] : []) as Coded[]).flatMap((concept) =>
    (concept.coding ?? []).flatMap((c) => (c.code ? [{ system: c.system, code: c.code }] : [])),
  );

const identifiers = (resource: Resource): TokenValue[] =>
  ((resource.identifier as Identified[] | undefined) ?? []).flatMap((i) =>
    i.value ? [{ system: i.system, code: i.value }] : [],
  );

const ref = (value: unknown): string[] => {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  return (list as { reference?: string }[]).flatMap((r) => (r.reference ? [r.reference] : []));
};

const OPEN_END = '9999-12-31T23:59:59';

/** A FHIR date, dateTime or instant as the range it covers. */
export function rangeOf(value: string | undefined): DateRange | undefined {
  if (!value) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return { start: `${value}T00:00:00`, end: `${value}T23:59:59` };
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?$/.exec(value);
  if (!match) return undefined;
  const utc = match[2] ? new Date(`${match[1]}${match[2]}`).toISOString().slice(0, 19) : (match[1] as string);
  return { start: utc, end: utc };
}

const period = (value: unknown): DateRange[] => {
  const p = value as { start?: string; end?: string } | undefined;
  const start = rangeOf(p?.start);
  if (!p || !start) return [];
  return [{ start: start.start, end: rangeOf(p.end)?.end ?? OPEN_END }];
};

const dates = (...values: unknown[]): DateRange[] =>
  values.flatMap((v) => {
    const range = typeof v === 'string' ? rangeOf(v) : undefined;
    return range ? [range] : [];
  });

const humanNames = (resource: Resource, part: 'family' | 'given' | 'all'): string[] =>
  ((resource.name as { family?: string; given?: string[]; suffix?: string[] }[] | undefined) ?? []).flatMap(
    (n) => [
      ...(part !== 'given' && n.family ? [n.family] : []),
      ...(part !== 'family' ? (n.given ?? []) : []),
      ...(part === 'all' ? (n.suffix ?? []) : []),
    ],
  );

const COMMON: readonly SearchParam[] = [
  { name: '_id', type: 'token', description: 'Logical id', values: (r) => (r.id ? [{ code: r.id }] : []) },
  {
    name: '_lastUpdated',
    type: 'date',
    description: 'When the record was last changed in HMIS (DateUpdated)',
    values: (r) => dates(r.meta?.lastUpdated),
  },
];

const patientRef = (name: string, element: string, description: string): SearchParam => ({
  name,
  type: 'reference',
  target: ['Patient'],
  description,
  values: (r) => ref(r[element]),
});

export const SEARCH_PARAMS: Readonly<Record<string, readonly SearchParam[]>> = {
  Patient: [
    ...COMMON,
    {
      name: 'identifier',
      type: 'token',
      description: 'PersonalID (system|value), or Medicaid member ID',
      values: identifiers,
    },
    {
      name: 'name',
      type: 'string',
      description: 'Any part of the name',
      values: (r) => humanNames(r, 'all'),
    },
    { name: 'family', type: 'string', description: 'Last name', values: (r) => humanNames(r, 'family') },
    {
      name: 'given',
      type: 'string',
      description: 'First or middle name',
      values: (r) => humanNames(r, 'given'),
    },
    { name: 'birthdate', type: 'date', description: 'Date of birth', values: (r) => dates(r.birthDate) },
    {
      name: 'gender',
      type: 'token',
      description: 'Administrative gender',
      values: (r) => (r.gender ? [{ code: r.gender as string }] : []),
    },
  ],
  EpisodeOfCare: [
    ...COMMON,
    patientRef('patient', 'patient', 'The client'),
    {
      name: 'status',
      type: 'token',
      description: 'active (no exit) or finished',
      values: (r) => [{ code: r.status as string }],
    },
    {
      name: 'date',
      type: 'date',
      description: 'Overlaps EntryDate..ExitDate',
      values: (r) => period(r.period),
    },
    { name: 'type', type: 'token', description: 'Project type (HUD 2.02.6)', values: (r) => codings(r.type) },
    {
      name: 'organization',
      type: 'reference',
      target: ['Organization'],
      description: "The project's organization",
      values: (r) => ref(r.managingOrganization),
    },
  ],
  Condition: [
    ...COMMON,
    patientRef('patient', 'subject', 'The client'),
    patientRef('subject', 'subject', 'The client'),
    { name: 'category', type: 'token', description: 'Category', values: (r) => codings(r.category) },
    {
      name: 'code',
      type: 'token',
      description: 'ICD-10-CM, SNOMED CT or HUD code',
      values: (r) => codings(r.code),
    },
    {
      name: 'clinical-status',
      type: 'token',
      description: 'active or inactive',
      values: (r) => codings(r.clinicalStatus),
    },
  ],
  Observation: [
    ...COMMON,
    patientRef('patient', 'subject', 'The client'),
    patientRef('subject', 'subject', 'The client'),
    { name: 'category', type: 'token', description: 'Category', values: (r) => codings(r.category) },
    {
      name: 'code',
      type: 'token',
      description: 'LOINC 71802-3 or the project type',
      values: (r) => codings(r.code),
    },
    {
      name: 'date',
      type: 'date',
      description: 'Effective date or period',
      values: (r) => [...dates(r.effectiveDateTime), ...period(r.effectivePeriod)],
    },
  ],
  Coverage: [
    ...COMMON,
    patientRef('patient', 'beneficiary', 'The client'),
    patientRef('beneficiary', 'beneficiary', 'The client'),
    {
      name: 'type',
      type: 'token',
      description: 'Source of Payment Typology code',
      values: (r) => codings(r.type),
    },
    { name: 'identifier', type: 'token', description: 'Medicaid member ID', values: identifiers },
  ],
  Consent: [
    ...COMMON,
    patientRef('patient', 'patient', 'The client'),
    {
      name: 'status',
      type: 'token',
      description: 'proposed, active, rejected or inactive (revoked)',
      values: (r) => [{ code: r.status as string }],
    },
    { name: 'category', type: 'token', description: 'IDSCL', values: (r) => codings(r.category) },
  ],
  Organization: [
    ...COMMON,
    { name: 'identifier', type: 'token', description: 'OrganizationID', values: identifiers },
    {
      name: 'name',
      type: 'string',
      description: 'Name or common name',
      values: (r) => [r.name as string, ...((r.alias as string[] | undefined) ?? [])].filter(Boolean),
    },
  ],
  HealthcareService: [
    ...COMMON,
    { name: 'identifier', type: 'token', description: 'ProjectID', values: identifiers },
    {
      name: 'name',
      type: 'string',
      description: 'Project name',
      values: (r) => [r.name as string].filter(Boolean),
    },
    {
      name: 'organization',
      type: 'reference',
      target: ['Organization'],
      description: 'The organization providing it',
      values: (r) => ref(r.providedBy),
    },
    {
      name: 'service-type',
      type: 'token',
      description: 'Project type (HUD 2.02.6)',
      values: (r) => codings(r.type),
    },
  ],
};

export function searchParam(type: string, name: string): SearchParam | undefined {
  return SEARCH_PARAMS[type]?.find((p) => p.name === name);
}
