/**
 * The CapabilityStatement, generated from the route table and the search parameter table: it lists
 * exactly the interactions, search parameters, includes and operations the router serves.
 */
import { CONSENT_PROFILE } from '../../../mappings/fhir/consent.ts';
import { PROFILE } from '../../../mappings/fhir/systems.ts';
import { RESOURCE_TYPES } from '../../fhir/view.ts';
import { OPERATION_BASE } from './operation-definitions.ts';
import { SEARCH_PARAMS } from './search-params.ts';

const PROFILES: Readonly<Record<string, string>> = {
  Patient: PROFILE.patient,
  Organization: PROFILE.organization,
  Coverage: PROFILE.coverage,
  Consent: CONSENT_PROFILE,
};

/** The reference parameters of each type other searches may `_revinclude` or `_include` through. */
const references = (type: string) =>
  (SEARCH_PARAMS[type] ?? []).filter((p) => p.type === 'reference').map((p) => `${type}:${p.name}`);

function resource(type: string) {
  const params = SEARCH_PARAMS[type] ?? [];
  const revinclude = RESOURCE_TYPES.flatMap((source) =>
    (SEARCH_PARAMS[source] ?? [])
      .filter((p) => p.type === 'reference' && p.target?.includes(type))
      .map((p) => `${source}:${p.name}`),
  );
  return {
    type,
    ...(PROFILES[type] ? { supportedProfile: [PROFILES[type]] } : {}),
    interaction: [{ code: 'read' }, { code: 'search-type' }],
    versioning: 'no-version',
    readHistory: false,
    updateCreate: false,
    searchInclude: references(type),
    searchRevInclude: revinclude,
    searchParam: params.map((p) => ({ name: p.name, type: p.type, documentation: p.description })),
    ...(type === 'Patient'
      ? {
          operation: [
            { name: 'everything', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything' },
            {
              name: 'medicaid-member-id',
              definition: `${OPERATION_BASE}/medicaid-member-id`,
            },
          ],
        }
      : {}),
  };
}

export function capabilityStatement(base: string) {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2026-12-01',
    publisher: 'Hearth',
    kind: 'instance',
    software: { name: 'Hearth', version: '0.1.0' },
    implementation: {
      description: 'Hearth HMIS interoperability server: HMIS records as FHIR R4',
      url: base,
    },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    rest: [
      {
        mode: 'server',
        documentation:
          'Read-only. Bearer token of a Hearth user with the health-system (or admin) role; records outside the ' +
          "caller's scope are 404s. Searches page with _count (1-1000, default 50) and the next link; no Bundle.total.",
        security: {
          cors: false,
          service: [
            {
              coding: [
                { system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'OAuth' },
              ],
              text: 'Bearer token',
            },
          ],
        },
        resource: [
          ...RESOURCE_TYPES.map(resource),
          // Hearth's operations, readable without a token like this statement.
          { type: 'OperationDefinition', interaction: [{ code: 'read' }] },
        ],
        operation: [
          {
            name: 'medicaid-eligibility-bundle',
            definition: `${OPERATION_BASE}/medicaid-eligibility-bundle`,
          },
        ],
      },
    ],
  };
}
