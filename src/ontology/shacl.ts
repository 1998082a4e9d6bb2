/**
 * `shapes.ttl`: SHACL Core shapes for the records `recordQuads` writes, one node shape per table, and
 * the cross-field rules of RULES in SHACL Core terms (no SPARQL constraints):
 *
 * - notInList: a property shape `sh:not [ sh:in (…) ]`;
 * - pattern: a property shape with `sh:pattern`;
 * - range: a property shape with `sh:minInclusive`/`sh:maxInclusive`; `max: 'currentYear'` states
 *   no maximum (a shapes graph cannot read the clock, and a year baked in at generation would make
 *   the committed file go stale every January 1st); Hearth's row validator checks that bound;
 * - listWhen, nullUnless, requiredWhen: a node shape per rule, with the table's target class and an
 *   `sh:or` of the consequence (a property shape with `sh:in`, `sh:maxCount 0` or `sh:minCount 1`) and
 *   the condition (or its negation). A condition on a column is a property shape: `sh:hasValue` for
 *   one code, `sh:minCount 1` + `sh:in` for several, `sh:minCount 1` for "not null"; `all`/`any`
 *   become `sh:and`/`sh:or`, negation `sh:not`.
 */
import type { CodeList, Condition, FieldSpec, Rule, TableSpec } from '../model/index.ts';
import { datatypeOf } from '../rdf/record-quads.ts';
import { describeCondition } from '../validate/conditions.ts';
import { OWL, PREFIXES, RDF, RDFS, SH, SHAPES, SHAPES_ONTOLOGY, XSD } from './terms.ts';
import {
  blank,
  integer,
  iri,
  list,
  type Property,
  type Resource,
  type Term,
  text,
  typed,
  writeTurtle,
} from './turtle.ts';
import { linkUsages } from './usage.ts';

export const tableShapeIri = (table: string): string => `${SHAPES}${table}`;
export const fieldShapeIri = (table: string, column: string): string => `${SHAPES}${table}-${column}`;
export const linkShapeIri = (table: string, property: string): string =>
  `${SHAPES}${table}-${property.replace(/^.*[#/]/, '')}`;

/** Rule kinds whose SHACL form is a property shape (its results carry `sh:resultPath`). */
const PATH_RULES: ReadonlySet<Rule['kind']> = new Set(['notInList', 'pattern', 'range']);
export const isPathRule = (rule: Rule): boolean => PATH_RULES.has(rule.kind);

/**
 * The IRI of each rule's shape, parallel to `rules`: `{Table}-{Column}-{kind}`, with the list id for
 * listWhen, and `-2`, `-3`, … when a table, column and kind repeat.
 */
export function ruleShapeIris(rules: readonly Rule[]): string[] {
  const seen = new Map<string, number>();
  return rules.map((rule) => {
    const base = `${SHAPES}${rule.table}-${rule.field}-${rule.kind}${rule.kind === 'listWhen' ? `-${rule.list}` : ''}`;
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? base : `${base}-${count}`;
  });
}

/** The literal a column's value takes in the data (integer columns: xsd:integer; otherwise the type). */
function valueTerm(field: FieldSpec, code: string): Term {
  return typed(code, datatypeOf(field.type));
}

function fieldOf(spec: TableSpec, column: string): FieldSpec {
  const field = spec.fields.find((f) => f.name === column);
  if (!field) throw new Error(`a rule names ${spec.name}.${column}, which is not a column`);
  return field;
}

const path = (field: FieldSpec): Property => [`${SH}path`, iri(field.iri)];

/** A shape the record conforms to exactly when the condition holds. */
function conditionShape(spec: TableSpec, condition: Condition): Term {
  if ('all' in condition || 'any' in condition) {
    const parts = 'all' in condition ? condition.all : condition.any;
    if (parts.length === 1) return conditionShape(spec, parts[0] as Condition);
    const operator = 'all' in condition ? `${SH}and` : `${SH}or`;
    return blank([operator, list(parts.map((c) => conditionShape(spec, c)))]);
  }
  const field = fieldOf(spec, condition.field);
  if ('notNull' in condition) return blank(path(field), [`${SH}minCount`, integer(1)]);
  const codes = condition.in.map((code) => valueTerm(field, code));
  if (codes.length === 1) return blank(path(field), [`${SH}hasValue`, codes[0] as Term]);
  return blank(path(field), [`${SH}minCount`, integer(1)], [`${SH}in`, list(codes)]);
}

/** A shape the record conforms to exactly when the condition does not hold. */
function negatedShape(spec: TableSpec, condition: Condition): Term {
  if ('field' in condition && 'notNull' in condition)
    return blank(path(fieldOf(spec, condition.field)), [`${SH}maxCount`, integer(0)]);
  return blank([`${SH}not`, conditionShape(spec, condition)]);
}

export function ruleMessage(rule: Rule): string {
  switch (rule.kind) {
    case 'notInList':
      return `${rule.field} must not be ${rule.codes.join(', ')}`;
    case 'pattern':
      return `${rule.field} must match ${rule.pattern}`;
    case 'range':
      return rule.max === 'currentYear'
        ? `${rule.field} must be at least ${rule.min} (and at most the current year, which SHACL does not check)`
        : `${rule.field} must be between ${rule.min} and ${rule.max}`;
    case 'listWhen':
      return `${rule.field} must be a code of list ${rule.list} when ${describeCondition(rule.when)}`;
    case 'nullUnless':
      return `${rule.field} must be null unless ${describeCondition(rule.when)}`;
    case 'requiredWhen':
      return `${rule.field} is required when ${describeCondition(rule.when)}`;
  }
}

/** The constraints of a rule's shape (after its type, target or path). */
function ruleConstraints(spec: TableSpec, rule: Rule, codeList: (id: string) => CodeList): Property[] {
  const field = fieldOf(spec, rule.field);
  switch (rule.kind) {
    case 'notInList':
      return [
        path(field),
        [`${SH}not`, blank([`${SH}in`, list(rule.codes.map((c) => valueTerm(field, c)))])],
      ];
    case 'pattern':
      return [path(field), [`${SH}pattern`, text(rule.pattern)]];
    case 'range': {
      const bounds: Property[] = [path(field), [`${SH}minInclusive`, integer(rule.min)]];
      if (rule.max !== 'currentYear') bounds.push([`${SH}maxInclusive`, integer(rule.max)]);
      return bounds;
    }
    case 'listWhen': {
      const codes = codeList(rule.list).codes.map((c) => valueTerm(field, c.code));
      const consequence = blank(path(field), [`${SH}in`, list(codes)]);
      return [[`${SH}or`, list([consequence, negatedShape(spec, rule.when)])]];
    }
    case 'nullUnless': {
      const consequence = blank(path(field), [`${SH}maxCount`, integer(0)]);
      return [[`${SH}or`, list([consequence, conditionShape(spec, rule.when)])]];
    }
    case 'requiredWhen': {
      const consequence = blank(path(field), [`${SH}minCount`, integer(1)]);
      return [[`${SH}or`, list([consequence, negatedShape(spec, rule.when)])]];
    }
  }
}

function fieldShape(
  spec: TableSpec,
  field: FieldSpec,
  order: number,
  lists: ReadonlyMap<string, CodeList>,
): Resource {
  const properties: Property[] = [
    [`${RDF}type`, iri(`${SH}PropertyShape`)],
    path(field),
    [`${SH}name`, text(field.name)],
    [`${SH}order`, integer(order)],
    [`${SH}datatype`, iri(datatypeOf(field.type))],
  ];
  if (field.type.kind === 'string' && field.type.maxLength !== null)
    properties.push([`${SH}maxLength`, integer(field.type.maxLength)]);
  if (field.type.kind === 'money' && field.type.nonNegative)
    properties.push([`${SH}minInclusive`, typed('0.0', `${XSD}decimal`)]);
  if (!field.nullable) properties.push([`${SH}minCount`, integer(1)]);
  properties.push([`${SH}maxCount`, integer(1)]);
  if (field.codeListMode === 'fixed' && field.codeList !== null) {
    const codeList = lists.get(field.codeList);
    if (!codeList) throw new Error(`${spec.name}.${field.name} names unknown code list ${field.codeList}`);
    properties.push([`${SH}in`, list(codeList.codes.map((c) => valueTerm(field, c.code)))]);
  }
  return { subject: fieldShapeIri(spec.name, field.name), properties };
}

export interface ShapeInputs {
  readonly tables: readonly TableSpec[];
  readonly rules: readonly Rule[];
  readonly lists: ReadonlyMap<string, CodeList>;
  /** Resolves a list a rule names (HUD's lists and the rules' own sub-lists). */
  readonly ruleList: (id: string) => CodeList;
}

/** The resources of `shapes.ttl`: per table its node shape, field shapes, link shapes and rule shapes. */
export function shapeResources({ tables, rules, lists, ruleList }: ShapeInputs): Resource[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  for (const rule of rules)
    if (!byName.has(rule.table)) throw new Error(`a rule names unknown table ${rule.table}`);
  const ruleIris = ruleShapeIris(rules);
  const links = new Map(linkUsages(tables).map((usage) => [usage.iri, usage]));
  const resources: Resource[] = [
    {
      subject: SHAPES_ONTOLOGY,
      properties: [
        [`${RDF}type`, iri(`${OWL}Ontology`)],
        [`${RDFS}label`, text('Hearth SHACL shapes for HUD FY2026 HMIS records')],
        [
          `${RDFS}comment`,
          text(
            'SHACL Core shapes for the RDF Hearth writes for each FY2026 HMIS CSV record: column datatypes, lengths, ' +
              'required columns, code lists, and the same-record rules of the FY2026 CSV specification.',
            'en',
          ),
        ],
      ],
    },
  ];
  for (const spec of tables) {
    const [first, ...others] = spec.classes;
    if (!first) throw new Error(`table ${spec.name} has no class`);
    const fields = spec.fields.map((field, i) => fieldShape(spec, field, i, lists));
    const linkShapes: Resource[] = [];
    for (const child of tables) {
      for (const link of child.links) {
        if (link.table !== spec.name) continue;
        for (const property of link.properties) {
          const usage = links.get(property);
          linkShapes.push({
            subject: linkShapeIri(spec.name, property),
            properties: [
              [`${RDF}type`, iri(`${SH}PropertyShape`)],
              [`${SH}path`, iri(property)],
              [`${SH}nodeKind`, iri(`${SH}IRI`)],
              [`${SH}class`, (usage?.ranges ?? child.classes).map((c) => iri(c))],
            ],
          });
        }
      }
    }
    const pathRules: Resource[] = [];
    const nodeRules: Resource[] = [];
    rules.forEach((rule, i) => {
      if (rule.table !== spec.name) return;
      const subject = ruleIris[i] as string;
      const message: Property = [`${SH}message`, text(ruleMessage(rule), 'en')];
      if (isPathRule(rule)) {
        pathRules.push({
          subject,
          properties: [
            [`${RDF}type`, iri(`${SH}PropertyShape`)],
            ...ruleConstraints(spec, rule, ruleList),
            message,
          ],
        });
      } else {
        nodeRules.push({
          subject,
          properties: [
            [`${RDF}type`, iri(`${SH}NodeShape`)],
            [`${SH}targetClass`, iri(first)],
            ...ruleConstraints(spec, rule, ruleList),
            message,
          ],
        });
      }
    });
    const node: Property[] = [
      [`${RDF}type`, iri(`${SH}NodeShape`)],
      [`${RDFS}label`, text(spec.file)],
      [`${SH}targetClass`, iri(first)],
    ];
    if (others.length > 0) node.push([`${SH}class`, others.map((c) => iri(c))]);
    node.push([`${SH}property`, [...fields, ...linkShapes, ...pathRules].map((r) => iri(r.subject))]);
    resources.push(
      { subject: tableShapeIri(spec.name), properties: node },
      ...fields,
      ...linkShapes,
      ...pathRules,
      ...nodeRules,
    );
  }
  return resources;
}

export function shapesTurtle(inputs: ShapeInputs, header: readonly string[]): string {
  return writeTurtle(PREFIXES, shapeResources(inputs), header);
}
