/** What FHIR handlers work with: the shared API services plus the FHIR options and member IDs. */
import type { FhirOptions } from '../../fhir/types.ts';
import { FhirView, type PatientCache } from '../../fhir/view.ts';
import { scopeFor } from '../../security/policy.ts';
import type { Principal } from '../../security/principal.ts';
import type { ApiServices } from '../route-spec.ts';
import { MemberIdStore } from './member-ids.ts';
import { SearchCache } from './search.ts';

export interface FhirServices {
  readonly api: ApiServices;
  readonly options: FhirOptions;
  /** Opened on first use (the data directory's fhir-identifiers.jsonl). */
  memberIds(): Promise<MemberIdStore>;
  /** Sorted matches of recent searches, for paging (search.ts). */
  readonly searches: SearchCache;
  /** Patients built from the current Client rows (view.ts). */
  readonly patients: PatientCache;
}

const DEFAULT_MEDICAID_SYSTEM_PATH = '/fhir/sid/medicaid-member-id';

export function fhirServices(api: ApiServices): FhirServices {
  const configured = api.config.fhir;
  const options: FhirOptions = {
    ssnIdentifier: configured?.ssnIdentifier ?? false,
    medicaidSystem: configured?.medicaidSystem ?? `${api.config.baseIri}${DEFAULT_MEDICAID_SYSTEM_PATH}`,
  };
  let opened: Promise<MemberIdStore> | undefined;
  return {
    api,
    options,
    searches: new SearchCache(),
    patients: new WeakMap(),
    memberIds: () => {
      opened ??= MemberIdStore.open(api.config.dataDir);
      return opened;
    },
  };
}

export async function viewFor(services: FhirServices, principal: Principal): Promise<FhirView> {
  const records = services.api.store.records;
  const memberIds = await services.memberIds();
  const scope = scopeFor(principal, records, services.api.consents);
  const base = services.api.store.baseIri;
  const extras = { patients: services.patients, consents: services.api.consents };
  return new FhirView(records, scope, base, services.options, memberIds, extras);
}

/** What a cached search answer depends on: who asks (and their scope), the query, the data versions. */
export async function searchKey(
  services: FhirServices,
  principal: Principal,
  type: string,
  query: URLSearchParams,
) {
  const stable = new URLSearchParams([...query].filter(([k]) => k !== '_count' && k !== '_cursor'));
  stable.sort();
  const scope = [
    principal.name,
    principal.role,
    [...(principal.projects ?? [])].sort(),
    [...(principal.orgs ?? [])].sort(),
  ];
  const versions = [services.api.store.log.lastCommittedTxId, (await services.memberIds()).version];
  return JSON.stringify([scope, versions, type, stable.toString()]);
}

/**
 * Consents change without a record commit, so answers for a caller who sees any client through
 * consent are not cached (an approval or revocation must show at once).
 */
export function widenedByConsent(view: FhirView): boolean {
  return view
    .sources()
    .some((source) => !view.scope.consentedClientIds(source)[Symbol.iterator]().next().done);
}
