/**
 * The OpenHMIS surface's OpenAPI 3.1 document, at /openhmis/api/v3/openapi.json: built by the shared
 * generator (api/openapi.ts) from this surface's route table, with record schemas derived from the
 * mapping and the model (camelCase names; types, code lists and rules of the FY2026 column behind
 * each name) and OpenHMIS's error shape in place of Hearth's.
 */

import { CONSENT_FIELD_NAMES } from '../../security/consent.ts';
import { buildOpenApi, columnSchema, type Schema } from '../openapi.ts';
import type { RouteSpec } from '../route-spec.ts';
import { ORGANIZATIONS, PROJECT_PARTS, PROJECTS, USERS } from './catalog.ts';
import { CLIENTS } from './clients.ts';
import { CHILDREN, ENROLLMENTS } from './enrollments.ts';
import type { Resource } from './records.ts';

const STRING_LIST = { type: 'array', items: { type: 'string' } } as const;
const nullable = (type: string) => ({ type: [type, 'null'] });

/** One resource's record, as answers carry it (and bodies may). */
function recordSchema(resource: Resource): Schema {
  const properties: Record<string, Schema> = {};
  for (const field of resource.fields) {
    const column = columnSchema(resource.spec, field.spec) as Record<string, unknown>;
    // Record dates are answered as days, as the seed shows them.
    const schema =
      field.spec.type.kind === 'datetime'
        ? {
            ...column,
            type: ['string', 'null'],
            format: 'date',
            pattern: undefined,
            description: 'YYYY-MM-DD',
          }
        : column;
    properties[field.name] = {
      ...schema,
      ...(resource.serverSet.has(field.name) ? { readOnly: true } : {}),
      'x-fy2026-column': `${resource.spec.name}.${field.column}`,
    };
  }
  if (resource === ENROLLMENTS)
    for (const child of CHILDREN) {
      const embedded = recordSchema(child);
      properties[child.mapping.embed ?? child.mapping.resource] =
        child.mapping.embed === 'exit'
          ? { oneOf: [embedded, { type: 'null' }], readOnly: true }
          : { type: 'array', items: embedded, readOnly: true };
    }
  return {
    type: 'object',
    description: `${resource.mapping.resource}: ${resource.spec.file} rows${
      resource.mapping.where
        ? ` with ${resource.mapping.where.column} ${resource.mapping.where.codes.join(', ')}`
        : ''
    }. Accepted, not stored (no FY2026 home): ${resource.mapping.unsupported.join(', ') || 'none'}.`,
    properties,
    'x-unsupported': resource.mapping.unsupported,
  };
}

const CONSENT: Schema = {
  type: 'object',
  description: 'A Consent-to-Share record (seed 001)',
  properties: {
    id: { type: 'string', readOnly: true },
    consentId: { type: 'string', readOnly: true },
    clientId: { type: 'string', description: 'The PersonalID' },
    submitterId: { type: 'string', readOnly: true },
    organizationIds: STRING_LIST,
    cocIds: { type: 'array', items: { type: 'string', pattern: '^[A-Za-z]{2}-[0-9]{3}$' } },
    fields: {
      type: 'object',
      description: '0 share, 1 do not share, null nothing',
      properties: Object.fromEntries(CONSENT_FIELD_NAMES.map((name) => [name, { enum: [0, 1, null] }])),
    },
    approvalStatus: { enum: [0, 1, 2], description: '0 pending, 1 approved (admins), 2 denied (admins)' },
    dateCreated: { ...nullable('string'), readOnly: true },
    dateUpdated: { ...nullable('string'), readOnly: true },
    dateProcessed: { ...nullable('string'), readOnly: true },
  },
};

const item = (record: Schema): Schema => ({
  type: 'object',
  properties: {
    data: {
      type: 'object',
      required: ['item'],
      properties: { item: record, unsupported: STRING_LIST, ignored: STRING_LIST },
    },
  },
});

const items = (record: Schema): Schema => ({
  type: 'object',
  properties: {
    data: {
      type: 'object',
      required: ['items', 'startIndex', 'itemsPerPage', 'totalItems'],
      properties: {
        items: { type: 'array', items: record },
        startIndex: { type: 'integer', minimum: 0 },
        itemsPerPage: { type: 'integer', minimum: 0 },
        totalItems: { type: 'integer', minimum: 0 },
      },
    },
  },
});

/** Per resource path segment: the record (`clients`), one (`clients.item`), a list (`clients.items`). */
export function openHmisSchemas(): Record<string, Schema> {
  const schemas: Record<string, Schema> = { deleted: { const: true }, consents: CONSENT };
  const resources = [CLIENTS, ENROLLMENTS, ...CHILDREN, ORGANIZATIONS, PROJECTS, ...PROJECT_PARTS, USERS];
  for (const resource of resources) schemas[resource.mapping.resource] = recordSchema(resource);
  for (const [name, record] of Object.entries(schemas)) {
    if (name === 'deleted') continue;
    schemas[`${name}.item`] = item(record);
    schemas[`${name}.items`] = items(record);
  }
  return schemas;
}

const ERROR: Schema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['errors', 'message', 'code'],
      properties: {
        errors: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              field: { type: 'string' },
              reason: { type: 'string' },
              message: { type: 'string' },
            },
          },
        },
        message: { type: 'string' },
        code: { type: 'string', description: 'ACCESS_DENIED, AUTHENTICATION_FAILURE, MISSING_PARAMETER, …' },
      },
    },
  },
};

export function openHmisDocument(routes: readonly RouteSpec[], base: string, version: string): Schema {
  const document = buildOpenApi(routes, {
    title: 'Hearth OpenHMIS API v3',
    version,
    serverUrl: base,
    schemas: openHmisSchemas(),
  }) as Record<string, Record<string, unknown>>;
  return {
    ...document,
    info: {
      ...document.info,
      description:
        'The OpenHMIS API v3 (HUD 2014 field names) over the FY2026 HMIS model. Bodies and answers are ' +
        'JSON or XML by Content-Type and Accept; see the README section "OpenHMIS API v3".',
    },
    components: {
      ...document.components,
      schemas: { ...(document.components?.schemas as object), Error: ERROR },
    },
  };
}
