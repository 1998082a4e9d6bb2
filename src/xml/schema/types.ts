/**
 * A HUD HMIS XSD compiled to plain data: what Hearth's streaming validator, the XML import and the
 * XML export read. Generated from HUD's schema by `src/xml/schema/generate.ts`; the shipped
 * program never needs the XSD itself.
 */

/** Facets of a simple type, merged along its restriction chain. */
export interface SimpleType {
  /** The XSD built-in the type finally rests on, e.g. `date`, `string`, `unsignedInt`. */
  readonly builtin: string;
  readonly enumeration?: readonly string[];
  /** XSD regular expressions; a value must match each (restriction steps AND together). */
  readonly patterns?: readonly string[];
  readonly length?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minInclusive?: string;
  readonly maxInclusive?: string;
  readonly totalDigits?: number;
  readonly fractionDigits?: number;
}

export interface AttributeDecl {
  /** Local name; HUD's attributes are qualified (attributeFormDefault="qualified"). */
  readonly name: string;
  readonly type: string;
  readonly required: boolean;
}

export interface ElementDecl {
  readonly kind: 'element';
  readonly name: string;
  readonly type: string;
  readonly min: number;
  /** -1 for unbounded. */
  readonly max: number;
  readonly nillable: boolean;
  /** `xs:alternative`: the type when the test (an attribute comparison) holds. */
  readonly alternatives?: readonly { readonly test: string; readonly type: string }[];
  readonly keys?: readonly KeyDecl[];
  readonly keyrefs?: readonly KeyrefDecl[];
  /** HUD data element id(s), e.g. `3.01.1`. */
  readonly dataElement?: string;
}

export interface Group {
  readonly kind: 'sequence' | 'choice';
  readonly min: number;
  readonly max: number;
  readonly items: readonly Particle[];
}

export type Particle = ElementDecl | Group;

export interface KeyDecl {
  readonly name: string;
  /** Child element (of the declaring element) the key selects, and its field. */
  readonly selector: string;
  readonly field: string;
}

export interface KeyrefDecl extends KeyDecl {
  readonly refer: string;
}

export interface ComplexType {
  /** Element content; null for simple content or empty types. */
  readonly content: Group | null;
  /** The simple type of the text for simple-content types. */
  readonly simple?: string;
  readonly attributes: readonly AttributeDecl[];
  /** XPath 2.0 `xs:assert` tests, in schema order (the secondary validation). */
  readonly asserts: readonly string[];
  /** The type this one derives from, if any (for `xsi:type` checks). */
  readonly base?: string;
}

export interface CompiledSchema {
  readonly version: string;
  readonly namespace: string;
  readonly root: ElementDecl;
  readonly complexTypes: Readonly<Record<string, ComplexType>>;
  readonly simpleTypes: Readonly<Record<string, SimpleType>>;
}
