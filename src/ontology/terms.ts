/**
 * Namespaces and IRIs of the generated ontology files: the standard vocabularies they use, the
 * Hearth-minted annotation properties, and the IRIs of Hearth's code-list concepts and SHACL shapes.
 */
import { HEARTH, HMIS } from '../model/namespaces.ts';

export { HEARTH, HMIS };

export const RDF = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';
export const RDFS = 'http://www.w3.org/2000/01/rdf-schema#';
export const OWL = 'http://www.w3.org/2002/07/owl#';
export const XSD = 'http://www.w3.org/2001/XMLSchema#';
export const SKOS = 'http://www.w3.org/2004/02/skos/core#';
export const SH = 'http://www.w3.org/ns/shacl#';
/** schema.org's `domainIncludes`/`rangeIncludes`: usage notes that carry no OWL semantics. */
export const SCHEMA = 'http://schema.org/';

/** The ontology IRI of `hmis.ttl` (Hearth's namespace without its `#`). */
export const HEARTH_ONTOLOGY = HEARTH.replace(/#$/, '');
/** Code-list concept schemes and concepts: `{CODES}{list}` and `{CODES}{list}/{code}`. */
export const CODES = 'https://w3id.org/hearth/codes/';
/** The ontology IRI of `codes.ttl`. */
export const CODES_ONTOLOGY = 'https://w3id.org/hearth/codes';
/** SHACL shapes: `{SHAPES}{Table}`, `{SHAPES}{Table}-{Column}`, `{SHAPES}{Table}-{Column}-{rule}`. */
export const SHAPES = 'https://w3id.org/hearth/shapes#';
/** The ontology IRI of `shapes.ttl`. */
export const SHAPES_ONTOLOGY = 'https://w3id.org/hearth/shapes';

/** The prefixes every generated Turtle file declares (the writer only uses the ones it needs). */
export const PREFIXES: Readonly<Record<string, string>> = {
  hearth: HEARTH,
  code: CODES,
  hmis: HMIS,
  owl: OWL,
  rdf: RDF,
  rdfs: RDFS,
  schema: SCHEMA,
  sh: SH,
  shape: SHAPES,
  skos: SKOS,
  xsd: XSD,
};

export const codeSchemeIri = (list: string): string => CODES + encodeURIComponent(list);
export const codeConceptIri = (list: string, code: string): string =>
  `${codeSchemeIri(list)}/${encodeURIComponent(code)}`;

/**
 * Annotation properties Hearth mints for facts HUD's ontology does not record in a usable form
 * (HUD's `dcterms:identifier` carries one data element; Hearth's columns may carry several).
 */
export const ANNOTATION_PROPERTIES: readonly { name: string; comment: string }[] = [
  {
    name: 'codeList',
    comment:
      'The SKOS concept scheme (codes.ttl) of the HUD code list whose codes the property takes. ' +
      'Several values: the list depends on another column (see the listWhen shapes in shapes.ttl).',
  },
  {
    name: 'csvColumn',
    comment: "The column name in HUD's FY2026 HMIS CSV format that the property carries.",
  },
  {
    name: 'csvFile',
    comment: "The FY2026 HMIS CSV file whose rows are records of the class, e.g. 'Client.csv'.",
  },
  {
    name: 'dataElement',
    comment: "A HUD HMIS Data Standards data element number (e.g. '3.07.1') carried by the column or list.",
  },
  {
    name: 'hudDatatype',
    comment:
      "HUD's enumerated datatype (urn:hud:hmis:owl#{list}) for the same code list as this concept scheme.",
  },
];

export const annotationIri = (name: string): string => HEARTH + name;
