/** The SPARQL surface's entry points for api/app.ts. */
import { SPARQL_DEFAULTS, type SparqlConfig } from '../../config.ts';
import { OnDemandResearch, type ResearchGraph } from '../../research/on-demand.ts';
import type { ApiServices } from '../route-spec.ts';
import type { SparqlServices } from './routes.ts';

export type { ResearchGraph } from '../../research/on-demand.ts';
export { sparqlApp } from './routes.ts';

/** The services of /sparql; without `research`, the research graph is held while used (on-demand.ts). */
export function sparqlServices(api: ApiServices, research?: ResearchGraph): SparqlServices {
  const limits = api.config.sparql ?? SPARQL_DEFAULTS;
  return { api, limits, research: research ?? onDemandResearch(api.store, limits) };
}

/** The research graph as configured: salted by HEARTH_RESEARCH_SALT, under the SPARQL limits. */
export function onDemandResearch(store: ApiServices['store'], limits: SparqlConfig): OnDemandResearch {
  return new OnDemandResearch(
    store,
    {
      ...(limits.researchSalt ? { salt: limits.researchSalt } : {}),
      engine: { maxQueryBytes: limits.maxQueryBytes, defaultTimeoutMs: limits.timeoutMs },
    },
    limits.researchIdleMs,
  );
}
