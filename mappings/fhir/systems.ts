/** Code systems, identifier systems and extension URLs the FHIR mapping uses (one place for each). */
import { codeSchemeIri } from '../../src/ontology/terms.ts';

export const SYSTEM = {
  loinc: 'http://loinc.org',
  snomed: 'http://snomed.info/sct',
  icd10cm: 'http://hl7.org/fhir/sid/icd-10-cm',
  sopt: 'https://nahdo.org/sopt',
  ombRaceEthnicity: 'urn:oid:2.16.840.1.113883.6.238',
  nullFlavor: 'http://terminology.hl7.org/CodeSystem/v3-NullFlavor',
  identifierType: 'http://terminology.hl7.org/CodeSystem/v2-0203',
  ssn: 'http://hl7.org/fhir/sid/us-ssn',
  usCoreCategory: 'http://hl7.org/fhir/us/core/CodeSystem/us-core-category',
  usCoreConditionCategory: 'http://hl7.org/fhir/us/core/CodeSystem/condition-category',
  conditionCategory: 'http://terminology.hl7.org/CodeSystem/condition-category',
  conditionClinical: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  sdohcc: 'http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes',
  subscriberRelationship: 'http://terminology.hl7.org/CodeSystem/subscriber-relationship',
  coverageClass: 'http://terminology.hl7.org/CodeSystem/coverage-class',
} as const;

export const EXTENSION = {
  usCoreRace: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-race',
  usCoreEthnicity: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity',
  usCoreSex: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-sex',
  dataAbsentReason: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason',
} as const;

export const PROFILE = {
  patient: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient',
  organization: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-organization',
  coverage: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-coverage',
  conditionProblems:
    'http://hl7.org/fhir/us/core/StructureDefinition/us-core-condition-problems-health-concerns',
  sdohCondition: 'http://hl7.org/fhir/us/sdoh-clinicalcare/StructureDefinition/SDOHCC-Condition',
  sdohObservation: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-observation-screening-assessment',
} as const;

/**
 * HUD code lists as FHIR code systems: the SKOS concept scheme IRI Hearth's ontology mints for the
 * list (ontology/codes.ttl), so a FHIR coding and an RDF code name the same concept scheme.
 */
export const hudCodeSystem = (list: string): string => codeSchemeIri(list);
