/** The SPARQL surface's entry points for api/app.ts. */
import { SPARQL_DEFAULTS } from '../../config.ts';
import { ResearchIndex } from '../../research/research-index.ts';
import type { ApiServices } from '../route-spec.ts';
import type { SparqlServices } from './routes.ts';

export { ResearchIndex } from '../../research/research-index.ts';
export { sparqlApp } from './routes.ts';

/** The services of /sparql; without `research`, the research graph opens on first use. */
export function sparqlServices(api: ApiServices, research?: ResearchIndex): SparqlServices {
  const limits = api.config.sparql ?? SPARQL_DEFAULTS;
  let opening: Promise<ResearchIndex> | undefined = research ? Promise.resolve(research) : undefined;
  return {
    api,
    limits,
    research: () => {
      opening ??= ResearchIndex.open(api.store, {
        ...(limits.researchSalt ? { salt: limits.researchSalt } : {}),
        engine: { maxQueryBytes: limits.maxQueryBytes, defaultTimeoutMs: limits.timeoutMs },
      });
      return opening;
    },
  };
}
