/** The FHIR R4 shapes Hearth builds, as far as it builds them (plain JSON, typed loosely). */
export interface Coding {
  readonly system?: string;
  readonly code?: string;
  readonly display?: string;
}

export interface CodeableConcept {
  readonly coding?: readonly Coding[];
  readonly text?: string;
}

export interface Reference {
  readonly reference?: string;
  readonly display?: string;
}

export interface Identifier {
  readonly use?: string;
  readonly type?: CodeableConcept;
  readonly system?: string;
  readonly value?: string;
}

export interface Resource {
  readonly resourceType: string;
  readonly id?: string;
  readonly meta?: { readonly lastUpdated?: string; readonly profile?: readonly string[] };
  readonly [element: string]: unknown;
}

/** Deployment switches of the FHIR surface (config.ts: HEARTH_FHIR_*). */
export interface FhirOptions {
  /** Put the SSN in Patient.identifier (US Core advises against it; off by default). */
  readonly ssnIdentifier: boolean;
  /** The state's identifier system for Medicaid member IDs. */
  readonly medicaidSystem: string;
}
