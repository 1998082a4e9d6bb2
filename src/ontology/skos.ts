/**
 * `codes.ttl`: every HUD code list as a SKOS concept scheme, every code as a concept.
 *
 * HUD's OWL models a list as an enumerated datatype (`urn:hud:hmis:owl#1.8`, owl:oneOf over codes and
 * labels mixed) and has no IRI per code. A datatype is not a concept scheme, so Hearth mints both
 * in its own space, `https://w3id.org/hearth/codes/{list}` and `.../{list}/{code}`, and links each
 * scheme to HUD's datatype with hearth:hudDatatype.
 */
import type { CodeList, Rule, TableSpec } from '../model/index.ts';
import {
  annotationIri,
  CODES_ONTOLOGY,
  codeConceptIri,
  codeSchemeIri,
  HMIS,
  OWL,
  PREFIXES,
  RDF,
  RDFS,
  SKOS,
} from './terms.ts';
import { iri, type Property, type Resource, text, typed, writeTurtle } from './turtle.ts';
import { listUsages } from './usage.ts';

/** The model's code lists that HUD's OWL has no datatype for (the tests check this against the OWL). */
export const LISTS_WITHOUT_HUD_DATATYPE: ReadonlySet<string> = new Set(['R3.1']);

function header(): Resource {
  return {
    subject: CODES_ONTOLOGY,
    properties: [
      [`${RDF}type`, iri(`${OWL}Ontology`)],
      [`${RDFS}label`, text('HUD FY2026 HMIS code lists (SKOS)')],
      [
        `${RDFS}comment`,
        text(
          "HUD's FY2026 HMIS CSV code lists as SKOS concept schemes. A concept's skos:notation is the code as the data " +
            'carries it (an xsd:integer, or an xsd:string for lists of string columns), so it joins with record values.',
          'en',
        ),
      ],
      [`${RDFS}seeAlso`, iri('urn:hud:hmis:owl')],
    ],
  };
}

/** The resources of `codes.ttl`: per list (model order) its scheme, then its concepts in HUD's order. */
export function codeResources(
  lists: ReadonlyMap<string, CodeList>,
  tables: readonly TableSpec[],
  rules: readonly Rule[],
): Resource[] {
  const usages = listUsages(lists, tables, rules);
  const resources: Resource[] = [header()];
  for (const [id, list] of lists) {
    const usage = usages.get(id);
    if (!usage) throw new Error(`no usage computed for list ${id}`);
    const scheme = codeSchemeIri(id);
    const schemeProperties: Property[] = [
      [`${RDF}type`, iri(`${SKOS}ConceptScheme`)],
      [`${SKOS}notation`, text(id)],
      [`${SKOS}prefLabel`, text(`HUD FY2026 HMIS code list ${id}`, 'en')],
    ];
    if (usage.dataElements.length > 0)
      schemeProperties.push([annotationIri('dataElement'), usage.dataElements.map((d) => text(d))]);
    if (!LISTS_WITHOUT_HUD_DATATYPE.has(id))
      schemeProperties.push([annotationIri('hudDatatype'), iri(HMIS + id)]);
    schemeProperties.push([`${SKOS}hasTopConcept`, list.codes.map((c) => iri(codeConceptIri(id, c.code)))]);
    resources.push({ subject: scheme, properties: schemeProperties });
    for (const { code, label } of list.codes) {
      resources.push({
        subject: codeConceptIri(id, code),
        properties: [
          [`${RDF}type`, iri(`${SKOS}Concept`)],
          [`${SKOS}inScheme`, iri(scheme)],
          [`${SKOS}topConceptOf`, iri(scheme)],
          [`${SKOS}notation`, typed(code, usage.datatype)],
          [`${SKOS}prefLabel`, text(label, 'en')],
        ],
      });
    }
  }
  return resources;
}

export function codesTurtle(
  lists: ReadonlyMap<string, CodeList>,
  tables: readonly TableSpec[],
  rules: readonly Rule[],
  headerLines: readonly string[],
): string {
  return writeTurtle(PREFIXES, codeResources(lists, tables, rules), headerLines);
}
