/**
 * The shape of Hearth's single source of truth: the HUD FY2026 HMIS CSV tables, their fields,
 * code lists and the cross-field rules. Every surface (CSV, XML, JSON, JSON-LD, FHIR, SHACL,
 * OpenAPI) derives from values of these types; none keeps its own field list.
 */

/** HUD's column type codes: I, S<n>, T, D, M, M+ (see the FY2026 CSV specification). */
export type FieldType =
  | { readonly kind: 'integer' }
  | { readonly kind: 'string'; readonly maxLength: number | null }
  | { readonly kind: 'date' }
  | { readonly kind: 'datetime' }
  | { readonly kind: 'money'; readonly nonNegative: boolean };

/**
 * How a field's values are constrained by code lists:
 * - `fixed`: always the one list in `codeList`;
 * - `conditional`: the list depends on another field (see the `listWhen` rules);
 * - `local`: locally determined values, no list (HUD marks these `*`).
 */
export type CodeListMode = 'fixed' | 'conditional' | 'local';

export interface FieldSpec {
  /** The FY2026 CSV column name, e.g. `FirstName`. */
  readonly name: string;
  /** HUD data element numbers this column carries, e.g. `['3.01.1']`. */
  readonly dataElements: readonly string[];
  readonly type: FieldType;
  readonly nullable: boolean;
  readonly codeList: string | null;
  readonly codeListMode: CodeListMode | null;
  /** The RDF property (HUD's IRI when the HUD ontology has one). */
  readonly iri: string;
}

/** A link from a child table to its parent: the child's `field` holds the parent's key. */
export interface LinkSpec {
  readonly field: string;
  readonly table: string;
  /** Object properties from the parent record to the child record. */
  readonly properties: readonly string[];
}

export interface TableSpec {
  /** The CSV file's base name, e.g. `Client` for `Client.csv`. */
  readonly name: string;
  readonly file: string;
  /** The primary key column. */
  readonly key: string;
  /** The path segment of record IRIs, e.g. `client`. */
  readonly segment: string;
  /** RDF classes of each record (HUD's IRIs; two where HUD splits a CSV file). */
  readonly classes: readonly string[];
  readonly links: readonly LinkSpec[];
  readonly fields: readonly FieldSpec[];
}

/** A code list: HUD's list id (e.g. `1.8`) and its codes in HUD's order. */
export interface CodeList {
  readonly id: string;
  readonly codes: readonly { readonly code: string; readonly label: string }[];
}

/** A condition over the fields of one record. */
export type Condition =
  | { readonly field: string; readonly in: readonly string[] }
  | { readonly field: string; readonly notNull: true }
  | { readonly all: readonly Condition[] }
  | { readonly any: readonly Condition[] };

/** Cross-field rules, stated as data so that the validator and SHACL derive from the same facts. */
export type Rule =
  /** Codes of the field's list that are not permitted in this field. */
  | {
      readonly kind: 'notInList';
      readonly table: string;
      readonly field: string;
      readonly codes: readonly string[];
    }
  /** When `when` holds, the field's value must come from `list`. */
  | {
      readonly kind: 'listWhen';
      readonly table: string;
      readonly field: string;
      readonly list: string;
      readonly when: Condition;
    }
  /** The field must be null unless `when` holds. */
  | { readonly kind: 'nullUnless'; readonly table: string; readonly field: string; readonly when: Condition }
  /** The field must not be null when `when` holds. */
  | {
      readonly kind: 'requiredWhen';
      readonly table: string;
      readonly field: string;
      readonly when: Condition;
    }
  /** The field's text must match the pattern (an ECMAScript and XSD-compatible regex). */
  | { readonly kind: 'pattern'; readonly table: string; readonly field: string; readonly pattern: string }
  /** An integer field's inclusive range; `max: 'currentYear'` tracks the calendar. */
  | {
      readonly kind: 'range';
      readonly table: string;
      readonly field: string;
      readonly min: number;
      readonly max: number | 'currentYear';
    };
