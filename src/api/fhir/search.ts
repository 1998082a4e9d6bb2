/**
 * Search execution over the caller's view: candidates (narrowed by `_id` or a patient reference
 * when given), the criteria, id order, keyset paging after `_cursor`, then `_include` and
 * `_revinclude`. No Bundle.total: a count would reveal records the caller may not see (HUD HMIS
 * API Reference Guide, "Authorization of the user to access the data").
 */
import { parseFhirId } from '../../fhir/ids.ts';
import type { Resource } from '../../fhir/types.ts';
import { type FhirView, PATIENT_TYPES } from '../../fhir/view.ts';
import { type Criteria, encodeCursor, type Inclusion } from './criteria.ts';

export interface SearchResult {
  readonly matches: readonly Resource[];
  readonly included: readonly Resource[];
  readonly next?: string;
}

/** Patients a search is confined to by a `patient`/`subject`/`beneficiary` or `_id` criterion. */
function confinedPatients(view: FhirView, criteria: Criteria): (readonly [string, string])[] | undefined {
  let confined: (readonly [string, string])[] | undefined;
  for (const c of criteria.criteria) {
    if (c.param.type !== 'reference' || !c.param.target?.includes('Patient') || !c.references) continue;
    const owners = c.references.flatMap((r) => {
      const owner = view.ownerOf('Patient', r.slice('Patient/'.length));
      return owner ? [owner] : [];
    });
    confined = confined
      ? confined.filter(([s, p]) => owners.some(([s2, p2]) => s === s2 && p === p2))
      : owners;
  }
  return confined;
}

export function* candidates(view: FhirView, criteria: Criteria): Iterable<Resource> {
  const type = criteria.type;
  if (!PATIENT_TYPES.has(type)) {
    yield* view.directory(type as 'Organization' | 'HealthcareService');
    return;
  }
  const types = new Set([type]);
  const patients = confinedPatients(view, criteria);
  if (patients) {
    for (const [source, personalId] of patients) yield* view.compartment(source, personalId, types);
    return;
  }
  if (type === 'Patient') {
    yield* view.allPatients();
    return;
  }
  for (const [source, personalId] of view.clients()) yield* view.compartment(source, personalId, types);
}

const byId = (a: Resource, b: Resource) =>
  (a.id ?? '') < (b.id ?? '') ? -1 : (a.id ?? '') > (b.id ?? '') ? 1 : 0;

/**
 * The sorted matches of recent searches, so that paging through a large result does not rebuild it
 * for every page. A key names the caller's scope, the query without paging parameters and the
 * versions of the data it was computed from, so a commit or a member ID change is never hidden.
 */
export class SearchCache {
  private readonly entries = new Map<string, readonly Resource[]>();
  constructor(private readonly size = 8) {}

  get(key: string): readonly Resource[] | undefined {
    const found = this.entries.get(key);
    if (found) {
      this.entries.delete(key);
      this.entries.set(key, found);
    }
    return found;
  }

  set(key: string, matches: readonly Resource[]): void {
    this.entries.set(key, matches);
    while (this.entries.size > this.size) this.entries.delete(this.entries.keys().next().value as string);
  }
}

function allMatches(view: FhirView, criteria: Criteria): Resource[] {
  const matched: Resource[] = [];
  for (const resource of candidates(view, criteria))
    if (criteria.criteria.every((c) => c.matches(resource))) matched.push(resource);
  return matched.sort(byId);
}

/** Index of the first resource whose id sorts after `after` (binary search over the sorted matches). */
function firstAfter(matches: readonly Resource[], after: string | undefined): number {
  if (after === undefined) return 0;
  let [low, high] = [0, matches.length];
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((matches[middle]?.id ?? '') <= after) low = middle + 1;
    else high = middle;
  }
  return low;
}

export function runSearch(
  view: FhirView,
  criteria: Criteria,
  cache?: { key: string; store: SearchCache },
): SearchResult {
  let matched = cache?.store.get(cache.key);
  if (!matched) {
    matched = allMatches(view, criteria);
    cache?.store.set(cache.key, matched);
  }
  const start = firstAfter(matched, criteria.after);
  const page = matched.slice(start, start + criteria.count);
  const last = page[page.length - 1];
  const next = start + criteria.count < matched.length && last?.id ? encodeCursor(last.id) : undefined;
  return { matches: page, included: includes(view, page, criteria), ...(next ? { next } : {}) };
}

function includes(view: FhirView, page: readonly Resource[], criteria: Criteria): Resource[] {
  const seen = new Set(page.map((r) => `${r.resourceType}/${r.id}`));
  const found: Resource[] = [];
  const add = (resource: Resource | undefined) => {
    const key = resource && `${resource.resourceType}/${resource.id}`;
    if (!resource || !key || seen.has(key)) return;
    seen.add(key);
    found.push(resource);
  };
  for (const inclusion of criteria.include)
    for (const resource of page)
      for (const ref of inclusion.param.values(resource) as string[]) {
        const [type = '', id = ''] = ref.split('/');
        add(view.read(type, id));
      }
  for (const inclusion of criteria.revinclude)
    for (const target of page) for (const resource of referrers(view, inclusion, target)) add(resource);
  return found;
}

/** Resources of `inclusion.sourceType` whose reference parameter points at `target`. */
function referrers(view: FhirView, inclusion: Inclusion, target: Resource): Resource[] {
  const reference = `${target.resourceType}/${target.id}`;
  const points = (r: Resource) => (inclusion.param.values(r) as string[]).includes(reference);
  if (target.resourceType === 'Patient' && PATIENT_TYPES.has(inclusion.sourceType)) {
    const parsed = parseFhirId('Patient', target.id ?? '', view.sources());
    if (!parsed) return [];
    return view.compartment(parsed.source, parsed.key, new Set([inclusion.sourceType])).filter(points);
  }
  const all = PATIENT_TYPES.has(inclusion.sourceType)
    ? [...view.clients()].flatMap(([s, p]) => view.compartment(s, p, new Set([inclusion.sourceType])))
    : [...view.directory(inclusion.sourceType as 'Organization' | 'HealthcareService')];
  return all.filter(points);
}
