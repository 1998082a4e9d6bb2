/**
 * `hmis.ttl`: the classes, object properties and datatype properties Hearth uses, with the CSV
 * column, data elements and code lists behind each, and the terms Hearth mints in its own namespace.
 *
 * HUD's own axioms stay HUD's: for HUD's datatype properties Hearth states its usage with
 * schema:domainIncludes/rangeIncludes (no OWL semantics), because HUD's domains are finer classes
 * than Hearth's per-file record classes and a few of HUD's ranges differ from the CSV types (e.g.
 * YearEnteredService: xsd:gYear in HUD's OWL, an integer in the CSV). Object properties get
 * rdfs:domain/range, which agree with HUD's (test/ontology.test.ts checks it).
 */
import type { CodeList, Rule, TableSpec } from '../model/index.ts';
import {
  ANNOTATION_PROPERTIES,
  annotationIri,
  codeSchemeIri,
  HEARTH,
  HEARTH_ONTOLOGY,
  OWL,
  PREFIXES,
  RDF,
  RDFS,
  SCHEMA,
} from './terms.ts';
import { iri, type Property, type Resource, text, writeTurtle } from './turtle.ts';
import { classUsages, linkUsages, type PropertyUsage, propertyUsages } from './usage.ts';

const HUD_XSD = 'https://raw.githubusercontent.com/hmis-interop/xml/FY2022-latest/src/HUD_HMIS.xsd#';

export interface HearthTermNote {
  /** Why Hearth mints the term: what HUD's ontology has instead. */
  readonly comment: string;
  /**
   * HUD's property for the same data element, where HUD has one the model does not map the column to
   * (outside HUD's namespace, or under another name): hmis.ttl states owl:equivalentProperty.
   */
  readonly equivalent?: string;
}

/** One note per column in HEARTH_PROPERTIES (a new minted term without a note fails the tests). */
export const HEARTH_TERM_NOTES: Readonly<Record<string, HearthTermNote>> = {
  EndDate: {
    comment:
      'Funder.csv EndDate, data element 2.06.4 (Grant End Date). HUD\'s OWL declares this property outside its namespace, as HUD_HMIS.xsd#EndDate (label "GrantEndDate").',
    equivalent: `${HUD_XSD}EndDate`,
  },
  MentalHealthConsultation: {
    comment:
      "Enrollment.csv MentalHealthConsultation, data element V10 (VAMC mental health consultation). HUD's OWL declares this property outside its namespace, as http://webprotege.stanford.edu/MentalHealthConsultation.",
    equivalent: 'http://webprotege.stanford.edu/MentalHealthConsultation',
  },
  PreferredLanguage: {
    comment:
      "Enrollment.csv PreferredLanguage, data element C4.A. HUD's OWL has a datatype preferredLanguage but no property.",
  },
  PreferredLanguageDifferent: {
    comment:
      "Enrollment.csv PreferredLanguageDifferent, data element C4.B (a language not on list C4.A). HUD's OWL has no property for it.",
  },
  ServicesID: {
    comment:
      "Services.csv ServicesID, the record's primary key. HUD's OWL has no identifier property for ServiceFAReferral.",
  },
  StartDate: {
    comment:
      'Funder.csv StartDate, data element 2.06.3 (Grant Start Date). HUD\'s OWL declares this property outside its namespace, as HUD_HMIS.xsd#StartDate (label "GrantStartDate").',
    equivalent: `${HUD_XSD}StartDate`,
  },
  TranslationNeeded: {
    comment: "Enrollment.csv TranslationNeeded, data element C4.1. HUD's OWL has no property for it.",
  },
};

const localName = (value: string) => value.replace(/^.*[#/]/, '');
const labelled = (label: string): Property => [`${RDFS}label`, text(label)];
const defined: Property = [`${RDFS}isDefinedBy`, iri(HEARTH_ONTOLOGY)];

function ontologyHeader(): Resource {
  return {
    subject: HEARTH_ONTOLOGY,
    properties: [
      [`${RDF}type`, iri(`${OWL}Ontology`)],
      labelled('Hearth HMIS vocabulary (FY2026)'),
      [
        `${RDFS}comment`,
        text(
          "The terms of HUD's HMIS ontology (urn:hud:hmis:owl#) that Hearth's RDF uses for the FY2026 HMIS CSV files, " +
            'annotated with the CSV columns and data elements behind them, and the few terms Hearth mints where HUD has none.',
          'en',
        ),
      ],
      [`${RDFS}seeAlso`, iri('urn:hud:hmis:owl')],
      [`${OWL}versionInfo`, text('FY2026')],
    ],
  };
}

function annotationProperties(): Resource[] {
  const hearth = ANNOTATION_PROPERTIES.map(
    ({ name, comment }): Resource => ({
      subject: annotationIri(name),
      properties: [
        [`${RDF}type`, iri(`${OWL}AnnotationProperty`)],
        labelled(name),
        [`${RDFS}comment`, text(comment, 'en')],
        defined,
      ],
    }),
  );
  const schema = ['domainIncludes', 'rangeIncludes'].map(
    (name): Resource => ({
      subject: SCHEMA + name,
      properties: [[`${RDF}type`, iri(`${OWL}AnnotationProperty`)]],
    }),
  );
  return [...hearth, ...schema];
}

function datatypeProperty(usage: PropertyUsage): Resource {
  const minted = usage.iri.startsWith(HEARTH);
  const column = usage.columns[0] ?? localName(usage.iri);
  const note = minted ? HEARTH_TERM_NOTES[localName(usage.iri)] : undefined;
  if (minted && !note)
    throw new Error(`Hearth-minted property ${usage.iri} has no note in HEARTH_TERM_NOTES`);
  const properties: Property[] = [[`${RDF}type`, iri(`${OWL}DatatypeProperty`)], labelled(column)];
  if (note) properties.push([`${RDFS}comment`, text(note.comment, 'en')], defined);
  if (minted && usage.classes.length === 1)
    properties.push([`${RDFS}domain`, iri(usage.classes[0] as string)]);
  if (minted && usage.datatypes.length === 1)
    properties.push([`${RDFS}range`, iri(usage.datatypes[0] as string)]);
  if (note?.equivalent) properties.push([`${OWL}equivalentProperty`, iri(note.equivalent)]);
  properties.push(
    [annotationIri('csvColumn'), usage.columns.map((c) => text(c))],
    [annotationIri('dataElement'), usage.dataElements.map((d) => text(d))],
    [annotationIri('codeList'), usage.codeLists.map((list) => iri(codeSchemeIri(list)))],
    [`${SCHEMA}domainIncludes`, usage.classes.map((c) => iri(c))],
    [`${SCHEMA}rangeIncludes`, usage.datatypes.map((d) => iri(d))],
  );
  return { subject: usage.iri, properties: properties.filter(([, objects]) => !isEmpty(objects)) };
}

const isEmpty = (objects: Property[1]) => Array.isArray(objects) && objects.length === 0;

/** The resources of `hmis.ttl`, in file order. */
export function vocabularyResources(
  tables: readonly TableSpec[],
  rules: readonly Rule[],
  lists: ReadonlyMap<string, CodeList>,
): Resource[] {
  const classes = classUsages(tables).map(
    (usage): Resource => ({
      subject: usage.iri,
      properties: [
        [`${RDF}type`, iri(`${OWL}Class`)],
        labelled(localName(usage.iri)),
        [annotationIri('csvFile'), usage.tables.map((t) => text(`${t}.csv`))],
      ],
    }),
  );
  const links = linkUsages(tables).map((usage): Resource => {
    const properties: Property[] = [
      [`${RDF}type`, iri(`${OWL}ObjectProperty`)],
      labelled(localName(usage.iri)),
    ];
    properties.push(
      usage.domains.length === 1
        ? [`${RDFS}domain`, iri(usage.domains[0] as string)]
        : [`${SCHEMA}domainIncludes`, usage.domains.map((d) => iri(d))],
      usage.ranges.length === 1
        ? [`${RDFS}range`, iri(usage.ranges[0] as string)]
        : [`${SCHEMA}rangeIncludes`, usage.ranges.map((r) => iri(r))],
    );
    return { subject: usage.iri, properties };
  });
  const properties = propertyUsages(tables, rules, lists).map(datatypeProperty);
  return [ontologyHeader(), ...annotationProperties(), ...classes, ...links, ...properties];
}

export function vocabularyTurtle(
  tables: readonly TableSpec[],
  rules: readonly Rule[],
  lists: ReadonlyMap<string, CodeList>,
  header: readonly string[],
): string {
  return writeTurtle(PREFIXES, vocabularyResources(tables, rules, lists), header);
}
