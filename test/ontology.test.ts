import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Term as RdfTerm } from '@rdfjs/types';
import { parse as parseCsv } from 'csv-parse/sync';
import { DataFactory, Parser, Store } from 'n3';
import SHACLValidator from 'rdf-validate-shacl';
import * as $rdf from 'rdflib';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateDemoData } from '../src/demo/generate.ts';
import { NULLABLE_CORRECTIONS } from '../src/model/fy2026/corrections.ts';
import { RULES, ruleCodeList } from '../src/model/fy2026/rules.ts';
import { HEARTH_PROPERTIES } from '../src/model/fy2026/tables.ts';
import {
  CODE_LISTS,
  type Condition,
  type FieldSpec,
  parseFieldType,
  type Rule,
  TABLES,
  type TableSpec,
  table,
} from '../src/model/index.ts';
import { HEARTH, HMIS } from '../src/model/namespaces.ts';
import { buildContext, JSONLD_CONTEXT, SCOPED_COLUMNS } from '../src/ontology/context.ts';
import { generateOntologyFiles, ONTOLOGY_FILES } from '../src/ontology/index.ts';
import {
  fieldShapeIri,
  isPathRule,
  ruleShapeIris,
  shapesTurtle,
  tableShapeIri,
} from '../src/ontology/shacl.ts';
import { LISTS_WITHOUT_HUD_DATATYPE } from '../src/ontology/skos.ts';
import {
  CODES,
  codeConceptIri,
  codeSchemeIri,
  OWL,
  RDF,
  RDFS,
  SH,
  SKOS,
  XSD,
} from '../src/ontology/terms.ts';
import { HEARTH_TERM_NOTES } from '../src/ontology/vocabulary.ts';
import { datatypeOf, type PlainQuad, recordQuads, toLexical } from '../src/rdf/record-quads.ts';

const ontologyDir = fileURLToPath(new URL('../ontology/', import.meta.url));
const owlPath = fileURLToPath(
  new URL('../../shared/reference/ontology/FY2026_HMIS_Logic_Model_RDF.owl', import.meta.url),
);
const specDir = fileURLToPath(new URL('../../shared/reference/csv-spec/', import.meta.url));

/** The part of the `jsonld` package (which ships no types) these tests use. */
interface JsonLd {
  expand(input: object): Promise<Record<string, unknown>[]>;
  toRDF(input: object, options: { format: 'application/n-quads' }): Promise<string>;
}
const jsonld = createRequire(import.meta.url)('jsonld') as JsonLd;

const BASE = 'http://localhost:8080/id';
const SOURCE = 'test';
const { namedNode, literal, quad, defaultGraph } = DataFactory;

const files = generateOntologyFiles();
const parseTurtle = (text: string): Store => new Store(new Parser({ format: 'text/turtle' }).parse(text));
const toStore = (quads: readonly PlainQuad[]): Store =>
  new Store(
    quads.map((q) =>
      quad(
        namedNode(q.subject),
        namedNode(q.predicate),
        q.datatype ? literal(q.object, namedNode(q.datatype)) : namedNode(q.object),
        defaultGraph(),
      ),
    ),
  );
const objects = (store: Store, subject: string, predicate: string) =>
  store.getObjects(namedNode(subject), namedNode(predicate), null);
const values = (store: Store, subject: string, predicate: string) =>
  objects(store, subject, predicate).map((o) => o.value);

/** An RDF list's members. */
function listItems(store: Store, head: RdfTerm): RdfTerm[] {
  const items: RdfTerm[] = [];
  let node = head;
  while (node.value !== `${RDF}nil`) {
    const first = store.getObjects(node, namedNode(`${RDF}first`), null);
    const rest = store.getObjects(node, namedNode(`${RDF}rest`), null);
    if (first.length !== 1 || rest.length !== 1) throw new Error(`malformed RDF list at ${node.value}`);
    items.push(first[0] as RdfTerm);
    node = rest[0] as RdfTerm;
  }
  return items;
}

// ---------------------------------------------------------------------------------------------
// Records for the SHACL tests

/** A value of the column's type (valid unless the column has a list, rule or pattern). */
function sampleValue(field: FieldSpec): string {
  switch (field.type.kind) {
    case 'integer':
      return '1';
    case 'date':
      return '2025-01-15';
    case 'datetime':
      return '2025-01-15 09:30:00';
    case 'money':
      return '10.50';
    case 'string':
      return 'x';
  }
}

/** A row with the key and every non-nullable column filled (first code of fixed lists), plus `values`. */
function makeRow(spec: TableSpec, values: Record<string, string> = {}, key = 'k1'): string[] {
  for (const name of Object.keys(values))
    if (!spec.fields.some((f) => f.name === name)) throw new Error(`${spec.name} has no column ${name}`);
  return spec.fields.map((field) => {
    if (field.name in values) return values[field.name] as string;
    if (field.name === spec.key) return key;
    if (field.nullable) return '';
    if (field.codeListMode === 'fixed' && field.codeList)
      return CODE_LISTS.get(field.codeList)?.codes[0]?.code ?? '';
    return sampleValue(field);
  });
}

const recordSubject = (spec: TableSpec, key: string) => `${BASE}/${SOURCE}/${spec.segment}/${key}`;

let validator: SHACLValidator;
async function validate(quads: readonly PlainQuad[]) {
  validator ??= new SHACLValidator(parseTurtle(files['shapes.ttl'] as string));
  const report = await validator.validate(toStore(quads));
  return {
    conforms: report.conforms,
    results: report.results.map((r) => ({
      focus: r.focusNode?.value,
      path: r.path?.value,
      shape: r.sourceShape?.value,
      component: r.sourceConstraintComponent?.value.replace(SH, 'sh:'),
      messages: r.message.map((m) => m.value),
    })),
  };
}

const rowQuads = (spec: TableSpec, values: Record<string, string> = {}, key = 'k1') =>
  recordQuads(BASE, SOURCE, spec, makeRow(spec, values, key));

/** Values for which the condition holds (the first option of every `any`). */
function satisfy(
  spec: TableSpec,
  condition: Condition,
  into: Record<string, string> = {},
): Record<string, string> {
  if ('all' in condition) for (const c of condition.all) satisfy(spec, c, into);
  else if ('any' in condition) satisfy(spec, condition.any[0] as Condition, into);
  else if ('notNull' in condition) {
    const field = spec.fields.find((f) => f.name === condition.field) as FieldSpec;
    into[condition.field] = field.codeList
      ? (CODE_LISTS.get(field.codeList)?.codes[0]?.code ?? '1')
      : sampleValue(field);
  } else into[condition.field] = condition.in[0] as string;
  return into;
}

/** Values for which the condition does not hold. */
function falsify(
  spec: TableSpec,
  condition: Condition,
  into: Record<string, string> = {},
): Record<string, string> {
  if ('all' in condition) falsify(spec, condition.all[0] as Condition, into);
  else if ('any' in condition) for (const c of condition.any) falsify(spec, c, into);
  else if ('notNull' in condition) into[condition.field] = '';
  else {
    const field = spec.fields.find((f) => f.name === condition.field) as FieldSpec;
    const other = CODE_LISTS.get(field.codeList ?? '')?.codes.find((c) => !condition.in.includes(c.code));
    into[condition.field] = field.nullable ? '' : (other?.code ?? '-1');
  }
  return into;
}

/** A value of the column that breaks the rule, and one that keeps it, given `when` holds where it has one. */
function ruleCases(
  spec: TableSpec,
  rule: Rule,
): { bad: Record<string, string>; good: Record<string, string> } {
  const field = spec.fields.find((f) => f.name === rule.field) as FieldSpec;
  switch (rule.kind) {
    case 'notInList': {
      const allowed = CODE_LISTS.get(field.codeList ?? '')?.codes.find((c) => !rule.codes.includes(c.code));
      return { bad: { [rule.field]: rule.codes[0] as string }, good: { [rule.field]: allowed?.code ?? '' } };
    }
    case 'pattern':
      return { bad: { [rule.field]: '!' }, good: { [rule.field]: '' } };
    case 'range':
      return { bad: { [rule.field]: String(rule.min - 1) }, good: { [rule.field]: String(rule.min) } };
    case 'listWhen': {
      const when = satisfy(spec, rule.when);
      const code = ruleCodeList(rule.list).codes[0]?.code as string;
      return { bad: { ...when, [rule.field]: '-1' }, good: { ...when, [rule.field]: code } };
    }
    case 'nullUnless':
      return {
        bad: { ...falsify(spec, rule.when), [rule.field]: sampleValue(field) },
        good: { ...satisfy(spec, rule.when), [rule.field]: sampleValue(field) },
      };
    case 'requiredWhen': {
      const when = satisfy(spec, rule.when);
      return { bad: { ...when, [rule.field]: '' }, good: { ...when, [rule.field]: sampleValue(field) } };
    }
  }
}

// ---------------------------------------------------------------------------------------------

describe('generated ontology files', () => {
  it('are committed exactly as generateOntologyFiles() returns them (run `npm run generate`)', () => {
    expect(Object.keys(files).sort()).toEqual([...ONTOLOGY_FILES].sort());
    expect(readdirSync(ontologyDir).sort()).toEqual([...ONTOLOGY_FILES].sort());
    for (const name of ONTOLOGY_FILES) {
      const committed = readFileSync(`${ontologyDir}${name}`, 'utf8');
      expect(committed, `ontology/${name} is stale: run npm run generate`).toBe(files[name]);
    }
  });

  it('are deterministic', () => {
    expect(generateOntologyFiles()).toEqual(files);
  });

  it('parse as Turtle with n3, and declare only prefixes they use', () => {
    for (const name of ['hmis.ttl', 'codes.ttl', 'shapes.ttl']) {
      const text = files[name] as string;
      const store = parseTurtle(text);
      expect(store.size, name).toBeGreaterThan(1000);
      for (const [, prefix] of text.matchAll(/^@prefix (\w+):/gm))
        expect(text.split(`${prefix}:`).length, `${name} declares unused prefix ${prefix}`).toBeGreaterThan(
          2,
        );
    }
  });

  it('context.jsonld is the JSON of JSONLD_CONTEXT', () => {
    expect(JSON.parse(files['context.jsonld'] as string)).toEqual(JSONLD_CONTEXT);
  });
});

describe('hmis.ttl', () => {
  const store = parseTurtle(files['hmis.ttl'] as string);
  const typeOf = (iri: string) => values(store, iri, `${RDF}type`);

  it('declares every class, link and column property of the model with its kind and a label', () => {
    for (const spec of TABLES) {
      for (const cls of spec.classes) {
        expect(typeOf(cls), cls).toEqual([`${OWL}Class`]);
        expect(values(store, cls, `${annotation('csvFile')}`)).toContain(spec.file);
      }
      for (const link of spec.links)
        for (const property of link.properties)
          expect(typeOf(property), property).toEqual([`${OWL}ObjectProperty`]);
      for (const field of spec.fields) {
        expect(typeOf(field.iri), field.iri).toEqual([`${OWL}DatatypeProperty`]);
        expect(values(store, field.iri, `${RDFS}label`)).toHaveLength(1);
        expect(values(store, field.iri, annotation('csvColumn'))).toContain(field.name);
        for (const element of field.dataElements)
          expect(values(store, field.iri, annotation('dataElement'))).toContain(element);
        expect(values(store, field.iri, 'http://schema.org/rangeIncludes')).toContain(datatypeOf(field.type));
        expect(values(store, field.iri, 'http://schema.org/domainIncludes')).toEqual(
          expect.arrayContaining([...spec.classes]),
        );
        if (field.codeList)
          expect(values(store, field.iri, annotation('codeList'))).toContain(codeSchemeIri(field.codeList));
      }
    }
  });

  it('declares every Hearth-minted property with a comment, domain and range, and nothing else in hearth:', () => {
    const minted = new Set(
      store
        .getSubjects(null, null, null)
        .map((s) => s.value)
        .filter((s) => s.startsWith(HEARTH)),
    );
    const annotations = ['codeList', 'csvColumn', 'csvFile', 'dataElement', 'hudDatatype'].map(annotation);
    expect([...minted].sort()).toEqual([...HEARTH_PROPERTIES.map((p) => HEARTH + p), ...annotations].sort());
    for (const column of HEARTH_PROPERTIES) {
      const iri = HEARTH + column;
      expect(HEARTH_TERM_NOTES[column], `${column} needs a note in HEARTH_TERM_NOTES`).toBeDefined();
      expect(values(store, iri, `${RDFS}comment`)).toEqual([HEARTH_TERM_NOTES[column]?.comment]);
      expect(values(store, iri, `${RDFS}domain`)).toHaveLength(1);
      expect(values(store, iri, `${RDFS}range`)).toHaveLength(1);
    }
  });

  it('adds no rdfs:domain or rdfs:range to HUD datatype properties', () => {
    for (const predicate of [`${RDFS}domain`, `${RDFS}range`]) {
      for (const q of store.getQuads(null, namedNode(predicate), null, null)) {
        if (!q.subject.value.startsWith(HMIS)) continue;
        expect(typeOf(q.subject.value), q.subject.value).toEqual([`${OWL}ObjectProperty`]);
      }
    }
  });
});

const annotation = (name: string) => HEARTH + name;

describe('codes.ttl', () => {
  const store = parseTurtle(files['codes.ttl'] as string);

  it('has a concept scheme per code list and a concept per code, with notation, label and scheme', () => {
    const schemes = store.getSubjects(namedNode(`${RDF}type`), namedNode(`${SKOS}ConceptScheme`), null);
    expect(schemes.map((s) => s.value).sort()).toEqual([...CODE_LISTS.keys()].map(codeSchemeIri).sort());
    expect(CODE_LISTS.size).toBe(89);
    let concepts = 0;
    for (const [id, list] of CODE_LISTS) {
      const scheme = codeSchemeIri(id);
      expect(values(store, scheme, `${SKOS}notation`)).toEqual([id]);
      expect(values(store, scheme, `${SKOS}hasTopConcept`)).toHaveLength(list.codes.length);
      for (const { code, label } of list.codes) {
        const concept = codeConceptIri(id, code);
        expect(concept.startsWith(`${CODES}${id}/`)).toBe(true);
        expect(values(store, concept, `${SKOS}inScheme`)).toEqual([scheme]);
        expect(values(store, concept, `${SKOS}prefLabel`)).toEqual([label]);
        const [notation] = objects(store, concept, `${SKOS}notation`);
        expect(notation?.value).toBe(code);
        const datatype = notation?.termType === 'Literal' ? notation.datatype.value : '';
        expect(datatype).toBe(id === 'V6.1' ? `${XSD}string` : `${XSD}integer`);
        concepts++;
      }
    }
    expect(store.getSubjects(namedNode(`${RDF}type`), namedNode(`${SKOS}Concept`), null)).toHaveLength(
      concepts,
    );
  });

  it("names the data elements that use a list and HUD's datatype for it", () => {
    expect(values(store, codeSchemeIri('1.8'), annotation('dataElement'))).toEqual(
      expect.arrayContaining(['3.07.1', 'R11.1']),
    );
    expect(values(store, codeSchemeIri('1.8'), annotation('hudDatatype'))).toEqual([`${HMIS}1.8`]);
    expect(values(store, codeSchemeIri('V2.A'), annotation('dataElement'))).toEqual(['V2.A', 'V2.B', 'V2.C']);
    for (const id of LISTS_WITHOUT_HUD_DATATYPE)
      expect(values(store, codeSchemeIri(id), annotation('hudDatatype'))).toEqual([]);
  });
});

describe('shapes.ttl is SHACL Core', () => {
  const store = parseTurtle(files['shapes.ttl'] as string);
  /** The SHACL Core vocabulary (SHACL §2-4 and the validation report terms); no SPARQL-based terms. */
  const CORE = new Set(
    [
      'Shape NodeShape PropertyShape targetClass targetNode targetObjectsOf targetSubjectsOf property path',
      'inversePath alternativePath zeroOrMorePath oneOrMorePath zeroOrOnePath class datatype nodeKind IRI',
      'BlankNode Literal BlankNodeOrIRI BlankNodeOrLiteral IRIOrLiteral minCount maxCount minExclusive',
      'minInclusive maxExclusive maxInclusive minLength maxLength pattern flags languageIn uniqueLang equals',
      'disjoint lessThan lessThanOrEquals not and or xone node qualifiedValueShape qualifiedMinCount',
      'qualifiedMaxCount closed ignoredProperties hasValue in name description order group defaultValue',
      'message severity deactivated Violation Warning Info',
    ]
      .join(' ')
      .split(' ')
      .map((local) => SH + local),
  );
  const SHAPE_OPERATORS = ['not', 'and', 'or', 'node', 'property'].map((l) => SH + l);

  it('uses only SHACL Core terms', () => {
    const used = new Set<string>();
    for (const q of store)
      for (const term of [q.predicate, q.object]) if (term.value.startsWith(SH)) used.add(term.value);
    expect([...used].filter((term) => !CORE.has(term))).toEqual([]);
  });

  it('has well-formed constraint values: lists, shapes, integers, IRIs, datatype-matching sh:in', () => {
    for (const q of store) {
      const p = q.predicate.value;
      if ([`${SH}in`, `${SH}and`, `${SH}or`].includes(p))
        expect(() => listItems(store, q.object)).not.toThrow();
      if ([`${SH}minCount`, `${SH}maxCount`, `${SH}maxLength`, `${SH}order`].includes(p)) {
        expect(q.object.termType).toBe('Literal');
        expect(q.object.termType === 'Literal' && q.object.datatype.value).toBe(`${XSD}integer`);
      }
      if ([`${SH}path`, `${SH}datatype`, `${SH}class`, `${SH}targetClass`].includes(p))
        expect(q.object.termType, `${p} of ${q.subject.value}`).toBe('NamedNode');
      if (p === `${SH}pattern`) expect(() => new RegExp(q.object.value)).not.toThrow();
      // Every shape operand is a shape: a node with a path or a constraint.
      const operands =
        p === `${SH}and` || p === `${SH}or`
          ? listItems(store, q.object)
          : SHAPE_OPERATORS.includes(p)
            ? [q.object]
            : [];
      for (const operand of operands) {
        const constraints = store.getQuads(operand, null, null, null).map((x) => x.predicate.value);
        expect(
          constraints.some((c) => CORE.has(c)),
          `operand of ${p} in ${q.subject.value}`,
        ).toBe(true);
      }
    }
    // sh:in values have the datatype the property shape requires.
    for (const q of store.getQuads(null, namedNode(`${SH}in`), null, null)) {
      const [datatype] = objects(store, q.subject.value, `${SH}datatype`);
      if (!datatype) continue;
      for (const item of listItems(store, q.object))
        expect(item.termType === 'Literal' && item.datatype.value, q.subject.value).toBe(datatype.value);
    }
  });

  it('has a node shape per table and a property shape per column', () => {
    for (const spec of TABLES) {
      const node = tableShapeIri(spec.name);
      expect(values(store, node, `${SH}targetClass`)).toEqual([spec.classes[0]]);
      const properties = values(store, node, `${SH}property`);
      for (const field of spec.fields) {
        const shape = fieldShapeIri(spec.name, field.name);
        expect(properties).toContain(shape);
        expect(values(store, shape, `${SH}path`)).toEqual([field.iri]);
        expect(values(store, shape, `${SH}datatype`)).toEqual([datatypeOf(field.type)]);
        expect(values(store, shape, `${SH}minCount`)).toEqual(field.nullable ? [] : ['1']);
        expect(values(store, shape, `${SH}maxCount`)).toEqual(['1']);
      }
    }
  });

  it('has a shape for every rule', () => {
    const iris = ruleShapeIris(RULES);
    expect(new Set(iris).size).toBe(RULES.length);
    RULES.forEach((rule, i) => {
      const shape = iris[i] as string;
      const type = isPathRule(rule) ? `${SH}PropertyShape` : `${SH}NodeShape`;
      expect(values(store, shape, `${RDF}type`), shape).toEqual([type]);
      expect(values(store, shape, `${SH}message`)).toHaveLength(1);
    });
  });
});

describe('the SHACL shapes in a SHACL engine (rdf-validate-shacl)', () => {
  const services = table('Services');

  it('accept a valid Client, Enrollment and Services record built with recordQuads', async () => {
    const quads = [
      ...rowQuads(table('Client'), {
        FirstName: 'Test',
        DOB: '1980-01-01',
        VeteranStatus: '1',
        SSN: '123456789',
      }),
      ...rowQuads(table('Enrollment'), {
        PersonalID: 'k1',
        ProjectID: 'p1',
        LivingSituation: '101',
        EnrollmentCoC: 'XX-501',
      }),
      ...rowQuads(services, {
        EnrollmentID: 'k1',
        RecordType: '144',
        TypeProvided: '3',
        SubTypeProvided: '1',
      }),
    ];
    const report = await validate(quads);
    expect(report.results).toEqual([]);
    expect(report.conforms).toBe(true);
  });

  it('accept a minimal record of every table', async () => {
    const overrides: Record<string, Record<string, string>> = {
      Export: { SourceID: 'XX-501' },
      Services: { RecordType: '141', TypeProvided: '1' },
      Disabilities: { DisabilityResponse: '0', DisabilityType: '5' },
      ProjectCoC: { CoCCode: 'XX-501', Geocode: '123456', ZIP: '12345', State: 'NY' },
      Inventory: { CoCCode: 'XX-501' },
      Enrollment: { EnrollmentCoC: 'XX-501' },
    };
    const quads = TABLES.flatMap((spec) => rowQuads(spec, overrides[spec.name] ?? {}));
    const report = await validate(quads);
    expect(report.results).toEqual([]);
  });

  it("accept Hearth's demo export (rows the row validator accepts)", async () => {
    const quads = [...generateDemoData({ clients: 12 })].flatMap(([name, rows]) =>
      rows.flatMap((row) => recordQuads(BASE, SOURCE, table(name), row)),
    );
    expect(quads.length).toBeGreaterThan(1000);
    const report = await validate(quads);
    expect(report.results.slice(0, 5)).toEqual([]);
  });

  it('reject an unknown code, an overlong string and a missing required column, at their paths', async () => {
    const client = table('Client');
    const cases: [Record<string, string>, string, string][] = [
      [{ VeteranStatus: '7' }, 'VeteranStatus', 'sh:InConstraintComponent'],
      [{ FirstName: 'x'.repeat(51) }, 'FirstName', 'sh:MaxLengthConstraintComponent'],
      [{ DOBDataQuality: '' }, 'DOBDataQuality', 'sh:MinCountConstraintComponent'],
      [{ DOB: '1980-1-1' }, 'DOB', 'sh:DatatypeConstraintComponent'],
    ];
    for (const [values, column, component] of cases) {
      const report = await validate(rowQuads(client, values));
      expect(report.conforms, column).toBe(false);
      expect(report.results).toEqual([
        expect.objectContaining({ path: HMIS + column, component, shape: fieldShapeIri('Client', column) }),
      ]);
    }
  });

  it('reject broken conditional rules, naming the rule shape and the column', async () => {
    const exit = table('Exit');
    const iris = ruleShapeIris(RULES);
    const shapeOf = (predicate: (r: Rule) => boolean) => iris[RULES.findIndex(predicate)] as string;
    // nullUnless: OtherDestination given, Destination not 17.
    const other = await validate(rowQuads(exit, { Destination: '101', OtherDestination: 'somewhere' }));
    const otherShape = shapeOf((r) => r.table === 'Exit' && r.field === 'OtherDestination');
    expect(other.results).toEqual([
      expect.objectContaining({ shape: otherShape, component: 'sh:OrConstraintComponent' }),
    ]);
    expect(other.results[0]?.messages).toEqual(['OtherDestination must be null unless Destination is 17']);
    // listWhen: TypeProvided from the wrong list for RecordType 141.
    const wrong = await validate(rowQuads(services, { RecordType: '141', TypeProvided: '99' }));
    const listShape = shapeOf(
      (r) => r.kind === 'listWhen' && r.field === 'TypeProvided' && r.list === 'P1.2',
    );
    expect(wrong.results.map((r) => r.shape)).toEqual([listShape]);
    // notInList reports the column as its path.
    const banned = await validate(
      rowQuads(table('Enrollment'), { LivingSituation: '37', EnrollmentCoC: 'XX-501' }),
    );
    expect(banned.results).toEqual([
      expect.objectContaining({ path: `${HMIS}LivingSituation`, component: 'sh:NotConstraintComponent' }),
    ]);
  });

  it('break and keep every rule of RULES as the row validator defines it', async () => {
    const iris = ruleShapeIris(RULES);
    const quads: PlainQuad[] = [];
    const cases = RULES.map((rule, i) => {
      const spec = table(rule.table);
      const { bad, good } = ruleCases(spec, rule);
      quads.push(...rowQuads(spec, bad, `bad-${i}`), ...rowQuads(spec, good, `good-${i}`));
      return {
        rule,
        spec,
        shape: iris[i] as string,
        field: spec.fields.find((f) => f.name === rule.field) as FieldSpec,
      };
    });
    const report = await validate(quads);
    const store = parseTurtle(files['shapes.ttl'] as string);
    cases.forEach(({ rule, spec, shape, field }, i) => {
      const from = (key: string) =>
        report.results.filter((r) => r.focus === recordSubject(spec, key) && r.shape === shape);
      const label = `${shape} (${JSON.stringify(rule)})`;
      expect(from(`bad-${i}`), label).toHaveLength(1);
      expect(from(`good-${i}`), label).toEqual([]);
      if (isPathRule(rule)) expect(from(`bad-${i}`)[0]?.path, label).toBe(field.iri);
      else {
        // The consequence of a node-shape rule is a property shape on the rule's column.
        const [or] = objects(store, shape, `${SH}or`);
        const [consequence] = listItems(store, or as RdfTerm);
        expect(store.getObjects(consequence as RdfTerm, namedNode(`${SH}path`), null)[0]?.value).toBe(
          field.iri,
        );
      }
    });
  });

  it('state no maximum for a currentYear range (documented in the README)', () => {
    const store = parseTurtle(files['shapes.ttl'] as string);
    const iris = ruleShapeIris(RULES);
    const yearly = RULES.flatMap((rule, i) =>
      rule.kind === 'range' && rule.max === 'currentYear' ? [iris[i]] : [],
    );
    expect(yearly.length).toBeGreaterThan(0);
    for (const shape of yearly) expect(values(store, shape as string, `${SH}maxInclusive`)).toEqual([]);
    expect(files['README.md']).toContain('gets no `sh:maxInclusive`');
  });

  it('encode sample rules of every kind from the Rule type alone', async () => {
    const exit = table('Exit');
    const sample: Rule[] = [
      {
        kind: 'requiredWhen',
        table: 'Exit',
        field: 'OtherDestination',
        when: { any: [{ field: 'Destination', in: ['17'] }] },
      },
      {
        kind: 'nullUnless',
        table: 'Exit',
        field: 'DestinationSubsidyType',
        when: { field: 'ExitDate', notNull: true },
      },
      { kind: 'pattern', table: 'Exit', field: 'OtherDestination', pattern: '^[a-z]+$' },
      { kind: 'range', table: 'Exit', field: 'SessionsInPlan', min: 1, max: 10 },
    ];
    const turtle = shapesTurtle(
      { tables: [exit], rules: sample, lists: CODE_LISTS, ruleList: ruleCodeList },
      [],
    );
    const local = new SHACLValidator(parseTurtle(turtle));
    const run = async (values: Record<string, string>) =>
      (await local.validate(toStore(rowQuads(exit, values)))).results.map((r) => r.sourceShape?.value);
    const [required, nullUnless, pattern, range] = ruleShapeIris(sample);
    expect(await run({ Destination: '17' })).toEqual([required]);
    expect(await run({ Destination: '17', OtherDestination: 'abc' })).toEqual([]);
    expect(await run({ Destination: '17', OtherDestination: 'ABC' })).toEqual([pattern]);
    expect(await run({ ExitDate: '', DestinationSubsidyType: '419' })).toEqual(
      expect.arrayContaining([nullUnless]),
    );
    expect(await run({ SessionsInPlan: '11' })).toEqual([range]);
  });
});

describe('context.jsonld', () => {
  const context = JSONLD_CONTEXT['@context'];

  it('expands a JSON-LD Client to HUD IRIs with the right datatypes', async () => {
    const doc = {
      '@context': context,
      '@id': `${BASE}/${SOURCE}/client/c1`,
      '@type': 'Client',
      FirstName: 'Test',
      DOB: '1980-01-01',
      VeteranStatus: 1,
    };
    const [node] = await jsonld.expand(doc);
    expect(node).toEqual({
      '@id': `${BASE}/${SOURCE}/client/c1`,
      '@type': [`${HMIS}Client`],
      [`${HMIS}FirstName`]: [{ '@value': 'Test' }],
      [`${HMIS}DOB`]: [{ '@value': '1980-01-01', '@type': `${XSD}date` }],
      [`${HMIS}VeteranStatus`]: [{ '@value': 1, '@type': `${XSD}integer` }],
    });
  });

  it('gives the same triples as recordQuads for a record of every table', async () => {
    for (const spec of TABLES) {
      const row = spec.fields.map((field) => sampleValue(field));
      const expected = recordQuads(BASE, SOURCE, spec, row).filter(
        (q) => q.datatype || q.predicate === `${RDF}type`,
      );
      const doc: Record<string, unknown> = {
        '@context': context,
        '@id': recordSubject(spec, row[spec.fields.findIndex((f) => f.name === spec.key)] as string),
        '@type': spec.classes.map((c) => c.slice(HMIS.length)),
      };
      spec.fields.forEach((field, i) => {
        doc[field.name] = toLexical(field.type, row[i] as string);
      });
      const nquads = await jsonld.toRDF(doc, { format: 'application/n-quads' });
      const actual = new Parser({ format: 'N-Quads' }).parse(nquads);
      const key = (s: string, p: string, o: string, d?: string) => `${s} ${p} ${o} ${d ?? ''}`;
      expect(
        actual
          .map((q) =>
            key(
              q.subject.value,
              q.predicate.value,
              q.object.value,
              q.object.termType === 'Literal' ? q.object.datatype.value : undefined,
            ),
          )
          .sort(),
        spec.name,
      ).toEqual(expected.map((q) => key(q.subject, q.predicate, q.object, q.datatype)).sort());
    }
  });

  it('maps links to @id and scopes Event.csv Event to the Event class', async () => {
    expect(context.hasExit).toEqual({ '@id': 'hmis:hasExit', '@type': '@id' });
    expect(SCOPED_COLUMNS).toEqual([{ column: 'Event', tables: ['Event'], reason: 'class name' }]);
    const doc = { '@context': context, '@id': 'urn:x:e1', '@type': 'Event', Event: 3 };
    const [node] = await jsonld.expand(doc);
    expect(node?.['@type']).toEqual([`${HMIS}Event`]);
    expect(node?.[`${HMIS}EventType`]).toEqual([{ '@value': 3, '@type': `${XSD}integer` }]);
  });

  it('scopes a column whose datatype differs between tables to each table', async () => {
    const [a, b] = [table('Client'), table('Organization')];
    const widen = (spec: TableSpec, type: FieldSpec['type']): TableSpec => ({
      ...spec,
      links: [],
      fields: [
        ...spec.fields,
        { ...(spec.fields[1] as FieldSpec), name: 'Shared', iri: `${HEARTH}Shared`, type },
      ],
    });
    const { document, scoped } = buildContext([widen(a, { kind: 'date' }), widen(b, { kind: 'integer' })]);
    expect(scoped).toEqual([
      { column: 'Shared', tables: ['Client', 'Organization'], reason: 'datatypes differ' },
    ]);
    const expand = async (type: string) =>
      (await jsonld.expand({ ...document, '@id': 'urn:x:1', '@type': type, Shared: '1' }))[0];
    expect((await expand('Client'))?.[`${HEARTH}Shared`]).toEqual([{ '@value': '1', '@type': `${XSD}date` }]);
    expect((await expand('Organization'))?.[`${HEARTH}Shared`]).toEqual([
      { '@value': '1', '@type': `${XSD}integer` },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Against HUD's own files (skipped where ../shared is absent)

describe.skipIf(!existsSync(owlPath))("against HUD's HMIS OWL", () => {
  const kinds = new Map<string, Set<string>>();
  const hud = $rdf.graph();
  beforeAll(() => {
    $rdf.parse(readFileSync(owlPath, 'utf8'), hud, 'urn:hud:hmis:owl', 'application/rdf+xml');
    for (const st of hud.statementsMatching(undefined, $rdf.sym(`${RDF}type`), undefined)) {
      if (st.subject.termType !== 'NamedNode') continue;
      const set = kinds.get(st.subject.value) ?? new Set();
      set.add(st.object.value);
      kinds.set(st.subject.value, set);
    }
  }, 60_000);
  const expectKind = (iri: string, kind: string, where: string) =>
    expect([...(kinds.get(iri) ?? [])], `${iri} (${where}) in HUD's OWL`).toContain(kind);

  it('has every class, property and link of the model, as that kind of term', () => {
    for (const spec of TABLES) {
      for (const cls of spec.classes) expectKind(cls, `${OWL}Class`, spec.name);
      for (const link of spec.links)
        for (const p of link.properties) expectKind(p, `${OWL}ObjectProperty`, spec.name);
      for (const field of spec.fields)
        if (field.iri.startsWith(HMIS))
          expectKind(field.iri, `${OWL}DatatypeProperty`, `${spec.name}.${field.name}`);
    }
  });

  it('has every urn:hud:hmis:owl# IRI of the generated files, as the kind the files use it as', async () => {
    const declared = parseTurtle(files['hmis.ttl'] as string);
    const kindIn = (iri: string) => values(declared, iri, `${RDF}type`);
    let checked = 0;
    for (const name of ['hmis.ttl', 'codes.ttl', 'shapes.ttl']) {
      for (const q of parseTurtle(files[name] as string)) {
        for (const term of [q.subject, q.predicate, q.object]) {
          if (term.termType !== 'NamedNode' || !term.value.startsWith(HMIS)) continue;
          const p = q.predicate.value;
          const kind =
            term === q.object && p === annotation('hudDatatype')
              ? `${RDFS}Datatype`
              : term === q.object && p === `${OWL}equivalentProperty`
                ? `${OWL}DatatypeProperty`
                : kindIn(term.value)[0];
          expect(kind, `${term.value} in ${name} has no kind in hmis.ttl`).toBeDefined();
          expectKind(term.value, kind as string, name);
          checked++;
        }
      }
    }
    // context.jsonld: class terms are classes, @id-typed terms object properties, the rest datatype properties.
    for (const [term, definition] of Object.entries(JSONLD_CONTEXT['@context'])) {
      if (term.startsWith('@') || typeof definition === 'number' || ['hmis', 'hearth', 'xsd'].includes(term))
        continue;
      const id = (typeof definition === 'string' ? definition : definition['@id']).replace(/^hmis:/, HMIS);
      if (!id.startsWith(HMIS)) continue;
      const isClass = TABLES.some((t) => t.classes.includes(id));
      const kind = isClass
        ? `${OWL}Class`
        : typeof definition !== 'string' && definition['@type'] === '@id'
          ? `${OWL}ObjectProperty`
          : `${OWL}DatatypeProperty`;
      expectKind(id, kind, 'context.jsonld');
      checked++;
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it("restates HUD's rdfs:domain/rdfs:range of object properties exactly", () => {
    const declared = parseTurtle(files['hmis.ttl'] as string);
    for (const predicate of [`${RDFS}domain`, `${RDFS}range`]) {
      for (const q of declared.getQuads(null, namedNode(predicate), null, null)) {
        if (!q.subject.value.startsWith(HMIS)) continue;
        const huds = hud.each($rdf.sym(q.subject.value), $rdf.sym(predicate), undefined).map((n) => n.value);
        expect(huds, `${predicate} of ${q.subject.value}`).toContain(q.object.value);
      }
    }
  });

  it('lacks an urn:hud:hmis:owl# property for every column Hearth mints a term for', () => {
    for (const column of HEARTH_PROPERTIES) {
      const kind = [...(kinds.get(HMIS + column) ?? [])];
      expect(kind, column).not.toContain(`${OWL}DatatypeProperty`);
      const equivalent = HEARTH_TERM_NOTES[column]?.equivalent;
      if (equivalent) expectKind(equivalent, `${OWL}DatatypeProperty`, `equivalent of ${column}`);
    }
  });

  it('has a datatype for every code list but LISTS_WITHOUT_HUD_DATATYPE', () => {
    const missing = [...CODE_LISTS.keys()].filter((id) => !kinds.get(HMIS + id)?.has(`${RDFS}Datatype`));
    expect(missing).toEqual([...LISTS_WITHOUT_HUD_DATATYPE]);
  });
});

describe.skipIf(!existsSync(`${specDir}fields.csv`))("the model against HUD's CSV specification", () => {
  const read = (file: string) =>
    parseCsv(readFileSync(`${specDir}${file}`), { bom: true, columns: true, trim: true }) as Record<
      string,
      string
    >[];
  const normalize = (text: string) => text.replace(/\s+/g, ' ').trim();

  it('has every code list of lists.csv, with the same codes and labels in the same order', () => {
    const lists = new Map<string, { code: string; label: string }[]>();
    for (const row of read('lists.csv')) {
      const codes = lists.get(row.List as string) ?? [];
      lists.set(row.List as string, codes);
      codes.push({ code: row.Value as string, label: normalize(row.Text as string) });
    }
    expect([...CODE_LISTS.keys()]).toEqual([...lists.keys()]);
    for (const [id, list] of CODE_LISTS) {
      expect(
        list.codes.map((c) => ({ code: c.code, label: normalize(c.label) })),
        id,
      ).toEqual(lists.get(id));
    }
  });

  function specFields() {
    const tables = new Map<
      string,
      Map<string, { type: string; list: string; nullable: boolean; elements: string[] }>
    >();
    for (const row of read('fields.csv')) {
      const columns = tables.get(row.CSV as string) ?? new Map();
      tables.set(row.CSV as string, columns);
      const name = (row.Name as string).replace(/\[\d+\]$/, '');
      const seen = columns.get(name);
      if (seen) {
        if (row['DE#']) seen.elements.push(row['DE#'] as string);
        continue;
      }
      columns.set(name, {
        type: row.Type as string,
        list: row.List as string,
        nullable: (row.Null as string).toUpperCase() === 'Y',
        elements: row['DE#'] ? [row['DE#'] as string] : [],
      });
    }
    return tables;
  }

  it('has the tables and columns of fields.csv, with their types, nullability, code lists and data elements', () => {
    const tables = specFields();
    expect(TABLES.map((t) => t.name)).toEqual([...tables.keys()]);
    for (const spec of TABLES) {
      const columns = tables.get(spec.name);
      expect(
        spec.fields.map((f) => f.name),
        spec.name,
      ).toEqual([...(columns?.keys() ?? [])]);
      for (const field of spec.fields) {
        const hud = columns?.get(field.name);
        const where = `${spec.name}.${field.name}`;
        expect(field.type, where).toEqual(parseFieldType(hud?.type ?? ''));
        // Hearth's deliberate departures from the spec (src/model/fy2026/corrections.ts).
        const corrected = NULLABLE_CORRECTIONS.some((c) => c.table === spec.name && c.field === field.name);
        expect(field.nullable, where).toBe(hud?.nullable || corrected);
        expect(field.dataElements, where).toEqual(hud?.elements);
        const list = hud?.list ?? '';
        const mode =
          list === '' ? null : list === '(see note)' ? 'conditional' : list === '*' ? 'local' : 'fixed';
        expect(field.codeListMode, where).toBe(mode);
        expect(field.codeList, where).toBe(mode === 'fixed' ? list : null);
      }
    }
  });
});
