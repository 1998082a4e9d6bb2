/** Bundles: searchset (search, $everything) and transaction (the Medicaid eligibility bundle). */
import type { Resource } from '../../fhir/types.ts';

export function searchset(
  base: string,
  self: string,
  matches: readonly Resource[],
  included: readonly Resource[] = [],
  next?: string,
) {
  const entry = (mode: 'match' | 'include') => (resource: Resource) => ({
    fullUrl: `${base}/${resource.resourceType}/${resource.id}`,
    resource,
    search: { mode },
  });
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    timestamp: new Date().toISOString(),
    link: [{ relation: 'self', url: self }, ...(next ? [{ relation: 'next', url: next }] : [])],
    entry: [...matches.map(entry('match')), ...included.map(entry('include'))],
  };
}
