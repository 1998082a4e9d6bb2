/**
 * JSON Schemas of the HMIS API's request and response bodies, named in the route table and passed to
 * the OpenAPI generator (api/openapi.ts). Record properties come from the model (columnSchema), so a
 * column added to the model shows up here without an edit; only the answers' wrappers are written out.
 */

import { TABLES, table } from '../../model/index.ts';
import { columnSchema, type Schema } from '../openapi.ts';
import { ENROLLMENT_COLUMNS } from './summaries.ts';

/** A record of `tableName` (its `columns`, or all), every property as the model states it. */
function record(tableName: string, columns?: readonly string[], extra: Record<string, Schema> = {}): Schema {
  const spec = table(tableName);
  const fields = spec.fields.filter((f) => !columns || columns.includes(f.name));
  return {
    type: 'object',
    'x-hud-csv-table': spec.file,
    properties: { ...Object.fromEntries(fields.map((f) => [f.name, columnSchema(spec, f)])), ...extra },
  };
}

const NEXT_CURSOR: Schema = {
  type: 'string',
  description: 'Present when another page follows: pass it as `cursor`',
};
const list = (key: string, items: Schema, extra: Record<string, Schema> = {}): Schema => ({
  type: 'object',
  required: [key],
  properties: { ...extra, [key]: { type: 'array', items }, nextCursor: NEXT_CURSOR },
});
const nullableDate = (description: string): Schema => ({
  type: ['string', 'null'],
  format: 'date',
  description,
});

const ENROLLMENT_SUMMARY = record('Enrollment', ['EnrollmentID', 'ProjectID', 'EntryDate'], {
  ProjectName: { type: ['string', 'null'], description: "The project's ProjectName (2.02.2)" },
  ExitDate: nullableDate('The ExitDate of its exit (3.11); null while the enrollment is open'),
});

export const HMIS_API_SCHEMAS: Readonly<Record<string, Schema>> = {
  ClientSearchQuery: {
    type: 'object',
    minProperties: 1,
    additionalProperties: false,
    properties: {
      PersonalID: { type: 'string', maxLength: 32, description: 'Exact' },
      FirstName: { type: 'string', maxLength: 50, description: 'Prefix; typos tolerated' },
      LastName: { type: 'string', maxLength: 50, description: 'Prefix; typos tolerated' },
      DOB: { type: 'string', pattern: '^[0-9]{4}(-[0-9]{2}-[0-9]{2})?$', description: 'A date, or a year' },
      SSN: {
        type: 'string',
        pattern: '^([0-9]{9}|[0-9]{4}|[0-9]{3}-[0-9]{2}-[0-9]{4})$',
        description: '9 digits or the last 4',
      },
    },
  },
  ClientSearchResult: {
    type: 'object',
    required: ['matchedClients'],
    properties: {
      matchedClients: {
        type: 'array',
        items: record('Client', undefined, { score: { type: 'number', minimum: 0, maximum: 1 } }),
      },
    },
  },
  ClientWithEnrollments: record('Client', undefined, {
    enrollments: { type: 'array', items: ENROLLMENT_SUMMARY },
  }),
  ProjectClientList: list(
    'clients',
    record('Client', undefined, {
      EnrollmentID: { type: 'string', maxLength: 32 },
      EntryDate: { type: 'string', format: 'date' },
      ExitDate: nullableDate('Null while the enrollment is open'),
    }),
  ),
  EnrollmentList: list(
    'enrollments',
    record('Enrollment', ENROLLMENT_COLUMNS, {
      ProjectName: { type: ['string', 'null'] },
      ExitDate: nullableDate('Null while the enrollment is open'),
    }),
  ),
  ProjectList: list('projects', record('Project')),
  ClientList: list(
    'clients',
    record('Client', ['PersonalID', 'FirstName', 'LastName', 'DOB'], {
      enrollments: { type: 'array', items: ENROLLMENT_SUMMARY },
    }),
  ),
  ChangeList: list(
    'changes',
    {
      type: 'object',
      properties: {
        table: { type: 'string', enum: TABLES.map((t) => t.name) },
        id: { type: 'string', description: "The record's key" },
        kind: { type: 'string', enum: ['created', 'updated', 'deleted'] },
        DateUpdated: { type: 'string', format: 'date-time', description: 'When it changed' },
        PersonalID: { type: 'string' },
      },
    },
    { since: { type: 'string', format: 'date-time' } },
  ),
  ServiceList: list('services', {
    type: 'object',
    description: "A record's columns, with the table it comes from and the date it counts for",
    properties: { table: { type: 'string' }, date: { type: 'string', format: 'date' } },
  }),
  CsvExport: {
    type: 'object',
    properties: Object.fromEntries(
      TABLES.map((spec) => [spec.file, { type: 'array', items: record(spec.name) }]),
    ),
  },
  ImportJob: {
    type: 'object',
    properties: {
      id: { type: 'string' },
      status: { type: 'string', enum: ['running', 'succeeded', 'failed'] },
      started: { type: 'string', format: 'date-time' },
      finished: { type: 'string', format: 'date-time' },
      progress: { type: 'object', properties: { file: { type: 'string' }, rows: { type: 'integer' } } },
      report: { type: 'object', description: 'The validation report (PII values redacted)' },
      error: { type: 'string' },
    },
  },
};
