/**
 * The de-identified research view of one record: RDF in HUD's ontology with every person-level
 * identifier replaced (see hashing.ts) and everything that names or describes a person in words
 * left out. Derived from the model, field by field, by these rules:
 *
 * - Tables: every table except Export and User (contact names), AssessmentQuestions and
 *   AssessmentResults (free-text questions and answers).
 * - Subjects: `urn:hearth:research:{segment}:{pseudonym}`, the pseudonym a hash of source, table and
 *   key; one named graph per data source, `urn:hearth:research:{source}`. Links between records are
 *   the ontology's object properties, between pseudonymous IRIs.
 * - Kept: integers (code lists included), dates, money. Strings only when they are codes
 *   (CoC codes, geocode, state, VAMC station); HouseholdID as a pseudonym.
 * - Left out: names, SSN, DOB, all other strings (free text: OtherDestination, LocationDetails, …),
 *   record metadata (DateCreated, DateUpdated, UserID, ExportID, DateDeleted), deleted records and
 *   everything under them.
 * - Added: HUD's hashed names and SSN (Client), birth year (Client, not for people 90 or older), age
 *   band at entry (Enrollment).
 */
import { type FieldSpec, fieldIndex, TABLES, type TableSpec, table } from '../model/index.ts';
import { HEARTH } from '../model/namespaces.ts';
import { datatypeOf, type PlainQuad } from '../rdf/record-quads.ts';
import { type Hasher, hashName, hashSsn } from './hashing.ts';

const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const XSD_STRING = 'http://www.w3.org/2001/XMLSchema#string';
const XSD_INTEGER = 'http://www.w3.org/2001/XMLSchema#integer';

export const RESEARCH_PREFIX = 'urn:hearth:research:';
export const researchGraphIri = (source: string): string => `${RESEARCH_PREFIX}${source}`;
export const isResearchGraph = (iri: string): boolean =>
  iri.startsWith(RESEARCH_PREFIX) && !iri.slice(RESEARCH_PREFIX.length).includes(':');

/** Terms the research graph adds (Hearth's namespace: HUD's ontology has no such properties). */
export const RESEARCH_TERMS = {
  hashedFirstName: `${HEARTH}hashedFirstName`,
  hashedMiddleName: `${HEARTH}hashedMiddleName`,
  hashedLastName: `${HEARTH}hashedLastName`,
  hashedSSN: `${HEARTH}hashedSSN`,
  birthYear: `${HEARTH}birthYear`,
  ageBandAtEntry: `${HEARTH}ageBandAtEntry`,
} as const;

const EXCLUDED_TABLES = new Set(['Export', 'User', 'AssessmentQuestions', 'AssessmentResults']);
const METADATA = new Set(['DateCreated', 'DateUpdated', 'UserID', 'DateDeleted', 'ExportID']);
const CODE_STRINGS = new Set(['CoCCode', 'EnrollmentCoC', 'Geocode', 'State', 'VAMCStation']);
const PSEUDONYM_STRINGS = new Set(['HouseholdID']);
/** Client columns that identify the person; hashed or reduced below, never copied. */
const IDENTIFYING = new Set(['FirstName', 'MiddleName', 'LastName', 'NameSuffix', 'SSN', 'DOB']);

/** Birth years are left out from this age on (in years since birth, this calendar year). */
const OLDEST_BIRTH_YEAR_AGE = 90;

/** LSA's age groups, by the lower bound of each. */
const AGE_BANDS: readonly [number, string][] = [
  [65, '65+'],
  [55, '55-64'],
  [45, '45-54'],
  [35, '35-44'],
  [25, '25-34'],
  [22, '22-24'],
  [18, '18-21'],
  [6, '6-17'],
  [0, '0-5'],
];

interface Column {
  readonly index: number;
  readonly field: FieldSpec;
  readonly datatype: string;
  readonly pseudonym: boolean;
}

interface Plan {
  readonly spec: TableSpec;
  readonly keyIndex: number;
  readonly columns: readonly Column[];
  readonly links: readonly { index: number; parent: TableSpec; properties: readonly string[] }[];
}

function keptField(spec: TableSpec, field: FieldSpec): boolean {
  if (field.name === spec.key || METADATA.has(field.name)) return false;
  if (spec.links.some((link) => link.field === field.name)) return false; // a link, not a literal
  if (spec.name === 'Client' && IDENTIFYING.has(field.name)) return false;
  if (field.type.kind === 'datetime') return false; // only metadata has this type in FY2026
  if (field.type.kind === 'string') return CODE_STRINGS.has(field.name) || PSEUDONYM_STRINGS.has(field.name);
  return true;
}

function planFor(spec: TableSpec): Plan {
  const index = (name: string) => fieldIndex(spec, name);
  return {
    spec,
    keyIndex: index(spec.key),
    columns: spec.fields
      .filter((field) => keptField(spec, field))
      .map((field) => ({
        index: index(field.name),
        field,
        datatype: datatypeOf(field.type),
        pseudonym: PSEUDONYM_STRINGS.has(field.name),
      })),
    links: spec.links.map((link) => ({
      index: index(link.field),
      parent: table(link.table),
      properties: link.properties,
    })),
  };
}

export const RESEARCH_TABLES: ReadonlyMap<string, Plan> = new Map(
  TABLES.filter((spec) => !EXCLUDED_TABLES.has(spec.name)).map((spec) => [spec.name, planFor(spec)]),
);

const CLIENT = table('Client');
const ENROLLMENT = table('Enrollment');
const col = {
  first: fieldIndex(CLIENT, 'FirstName'),
  middle: fieldIndex(CLIENT, 'MiddleName'),
  last: fieldIndex(CLIENT, 'LastName'),
  ssn: fieldIndex(CLIENT, 'SSN'),
  dob: fieldIndex(CLIENT, 'DOB'),
  entryDate: fieldIndex(ENROLLMENT, 'EntryDate'),
};

/** Whole years from `from` to `to` (both YYYY-MM-DD), or undefined when either is not a date. */
export function ageInYears(from: string, to: string): number | undefined {
  const a = /^(\d{4})-(\d{2})-(\d{2})$/.exec(from);
  const b = /^(\d{4})-(\d{2})-(\d{2})$/.exec(to);
  if (!a || !b) return undefined;
  const years = Number(b[1]) - Number(a[1]);
  const beforeBirthday = `${b[2]}-${b[3]}` < `${a[2]}-${a[3]}`;
  return years - (beforeBirthday ? 1 : 0);
}

export function ageBand(age: number): string | undefined {
  if (age < 0) return undefined;
  return AGE_BANDS.find(([lower]) => age >= lower)?.[1];
}

/** Builds research IRIs and quads; one per installation (its hasher carries the salt). */
export class Deidentifier {
  constructor(readonly hasher: Hasher) {}

  recordIri(source: string, spec: TableSpec, key: string): string {
    return `${RESEARCH_PREFIX}${spec.segment}:${this.hasher.sha1(`${source}/${spec.name}/${key}`)}`;
  }

  /** The parent→child link quads of a row (owned by the child; see sparql-engine's replace). */
  links(source: string, tableName: string, row: readonly string[]): PlainQuad[] {
    const plan = RESEARCH_TABLES.get(tableName);
    if (!plan) return [];
    const graph = researchGraphIri(source);
    const subject = this.recordIri(source, plan.spec, row[plan.keyIndex] ?? '');
    const quads: PlainQuad[] = [];
    for (const link of plan.links) {
      const parentKey = row[link.index];
      if (!parentKey || !RESEARCH_TABLES.has(link.parent.name)) continue;
      const parent = this.recordIri(source, link.parent, parentKey);
      for (const predicate of link.properties)
        quads.push({ subject: parent, predicate, object: subject, graph });
    }
    return quads;
  }

  /**
   * The research quads of a visible row. `dob` is the client's DOB, for an Enrollment's age band.
   * Undefined for tables the research graph leaves out.
   */
  quads(source: string, tableName: string, row: readonly string[], dob?: string): PlainQuad[] | undefined {
    const plan = RESEARCH_TABLES.get(tableName);
    if (!plan) return undefined;
    const graph = researchGraphIri(source);
    const subject = this.recordIri(source, plan.spec, row[plan.keyIndex] ?? '');
    const quads: PlainQuad[] = plan.spec.classes.map((cls) => ({
      subject,
      predicate: RDF_TYPE,
      object: cls,
      graph,
    }));
    const literal = (predicate: string, object: string, datatype = XSD_STRING) =>
      quads.push({ subject, predicate, object, datatype, graph });
    for (const { index, field, datatype, pseudonym } of plan.columns) {
      const value = row[index];
      if (!value) continue;
      literal(field.iri, pseudonym ? this.hasher.sha1(`${source}/${field.name}/${value}`) : value, datatype);
    }
    if (tableName === 'Client') this.clientExtras(row, literal);
    if (tableName === 'Enrollment' && dob) {
      const age = ageInYears(dob, row[col.entryDate] ?? '');
      const band = age === undefined ? undefined : ageBand(age);
      if (band) literal(RESEARCH_TERMS.ageBandAtEntry, band);
    }
    quads.push(...this.links(source, tableName, row));
    return quads;
  }

  private clientExtras(row: readonly string[], literal: (p: string, o: string, d?: string) => void): void {
    const names: [number, string][] = [
      [col.first, RESEARCH_TERMS.hashedFirstName],
      [col.middle, RESEARCH_TERMS.hashedMiddleName],
      [col.last, RESEARCH_TERMS.hashedLastName],
    ];
    for (const [index, predicate] of names) {
      const hashed = hashName(this.hasher, row[index] ?? '');
      if (hashed) literal(predicate, hashed);
    }
    const ssn = hashSsn(this.hasher, row[col.ssn] ?? '');
    if (ssn) literal(RESEARCH_TERMS.hashedSSN, ssn);
    const year = /^(\d{4})-/.exec(row[col.dob] ?? '')?.[1];
    // Like HIPAA's Safe Harbor, no birth year for people 90 or older (their age band says 65+).
    if (year && new Date().getUTCFullYear() - Number(year) < OLDEST_BIRTH_YEAR_AGE)
      literal(RESEARCH_TERMS.birthYear, String(Number(year)), XSD_INTEGER);
  }
}
