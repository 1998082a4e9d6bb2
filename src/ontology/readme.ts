/** `ontology/README.md`: what the generated files are, the minted terms, and the decisions behind them. */
import type { Rule, TableSpec } from '../model/index.ts';
import type { ScopedColumn } from './context.ts';
import { ruleMessage, ruleShapeIris } from './shacl.ts';
import { LISTS_WITHOUT_HUD_DATATYPE } from './skos.ts';
import { ANNOTATION_PROPERTIES, CODES, HEARTH, HMIS, SHAPES } from './terms.ts';
import { HEARTH_TERM_NOTES } from './vocabulary.ts';

export interface ReadmeInputs {
  readonly tables: readonly TableSpec[];
  readonly rules: readonly Rule[];
  readonly listCount: number;
  readonly scoped: readonly ScopedColumn[];
  readonly notChecked: readonly string[];
}

function mintedProperties(tables: readonly TableSpec[]): string[] {
  const rows: string[] = [];
  const seen = new Set<string>();
  for (const spec of tables) {
    for (const field of spec.fields) {
      if (!field.iri.startsWith(HEARTH) || seen.has(field.iri)) continue;
      seen.add(field.iri);
      const note = HEARTH_TERM_NOTES[field.name];
      const equivalent = note?.equivalent
        ? ` \`hmis.ttl\` states \`owl:equivalentProperty <${note.equivalent}>\`.`
        : '';
      rows.push(`- \`hearth:${field.iri.slice(HEARTH.length)}\`: ${note?.comment ?? ''}${equivalent}`);
    }
  }
  return rows;
}

function shaclForm(rule: Rule): string {
  switch (rule.kind) {
    case 'notInList':
      return 'property shape, `sh:not [ sh:in ]`';
    case 'pattern':
      return 'property shape, `sh:pattern`';
    case 'range':
      return rule.max === 'currentYear'
        ? 'property shape, `sh:minInclusive`; no maximum (current year)'
        : 'property shape, `sh:minInclusive`/`sh:maxInclusive`';
    default:
      return 'node shape, `sh:or`';
  }
}

function ruleRows(rules: readonly Rule[]): string[] {
  const iris = ruleShapeIris(rules);
  const count = (kind: Rule['kind']) => rules.filter((r) => r.kind === kind).length;
  const lines = [
    `All ${rules.length} same-record rules of \`src/model/fy2026/rules.ts\` are in \`shapes.ttl\` ` +
      `(notInList ${count('notInList')}, listWhen ${count('listWhen')}, nullUnless ${count('nullUnless')}, ` +
      `requiredWhen ${count('requiredWhen')}, pattern ${count('pattern')}, range ${count('range')}):`,
    '',
  ];
  rules.forEach((rule, i) => {
    const shape = (iris[i] as string).slice(SHAPES.length);
    const form = shaclForm(rule);
    lines.push(`- \`shape:${shape}\`: ${ruleMessage(rule)} (${form})`);
  });
  return lines;
}

export function readme({ tables, rules, listCount, scoped, notChecked }: ReadmeInputs): string {
  const annotation = ANNOTATION_PROPERTIES.map(({ name, comment }) => `- \`hearth:${name}\`: ${comment}`);
  const scopedLines = scoped.length
    ? scoped.map(
        (s) =>
          `- \`${s.column}\` (${s.tables.join(', ')}): ${s.reason === 'class name' ? 'the same name is a class term' : s.reason}; defined in the type-scoped context of its tables' classes.`,
      )
    : ['- none'];
  const withoutHud = [...LISTS_WITHOUT_HUD_DATATYPE].map((id) => `\`${id}\``).join(', ');
  return `# Hearth ontology files

Generated from Hearth's FY2026 model (\`src/model/\`) by \`npm run generate\`
(\`scripts/generate-ontology.ts\`, code in \`src/ontology/\`). **Do not edit these files by hand**:
\`test/ontology.test.ts\` fails when they differ from a fresh \`generateOntologyFiles()\`.

- \`hmis.ttl\`: OWL: the ${tables.length} tables' classes, the object properties linking parent to child records, and every datatype property (one per CSV column name), with the CSV column, data element numbers and code lists of each; the terms Hearth mints.
- \`codes.ttl\`: SKOS: the ${listCount} HUD code lists as concept schemes, each code a concept.
- \`shapes.ttl\`: SHACL Core: a node shape per table for the RDF \`recordQuads\` writes (datatypes, lengths, required columns, code lists, links) and the same-record rules.
- \`context.jsonld\`: the JSON-LD 1.1 context: CSV column names, class names and links to their IRIs and datatypes. The server serves the same object from \`src/ontology/context.ts\`.

## Namespaces

- \`hmis:\` \`${HMIS}\`: HUD's HMIS ontology (FY2026 Logic Model). Hearth uses HUD's term wherever HUD has one.
- \`hearth:\` \`${HEARTH}\`: terms Hearth mints (below).
- \`code:\` \`${CODES}\`: code-list concept schemes \`${CODES}{list}\` and concepts \`${CODES}{list}/{code}\`.
- \`shape:\` \`${SHAPES}\`: SHACL shapes \`{Table}\`, \`{Table}-{Column}\`, \`{Table}-{link}\` and \`{Table}-{Column}-{rule kind}\`.

## Terms Hearth mints

Properties for CSV columns that HUD's ontology has no \`urn:hud:hmis:owl#\` property for
(\`HEARTH_PROPERTIES\` in \`src/model/fy2026/tables.ts\`):

${mintedProperties(tables).join('\n')}

Annotation properties (HUD's OWL records one data element per property in \`dcterms:identifier\` and
nothing about CSV columns or code-list schemes):

${annotation.join('\n')}

## How \`hmis.ttl\` describes HUD's terms

It declares each HUD term Hearth uses with its kind (\`owl:Class\`, \`owl:ObjectProperty\`,
\`owl:DatatypeProperty\`) and a label (the CSV column name), and adds no axiom that HUD does not
already state:

- Object properties get \`rdfs:domain\`/\`rdfs:range\` (parent and child record classes); these equal
  HUD's own (the tests check them against HUD's OWL).
- HUD's datatype properties get Hearth's usage as \`schema:domainIncludes\` (the classes of the records
  that carry the column) and \`schema:rangeIncludes\` (the XSD datatype of the literals Hearth writes),
  which carry no OWL semantics. \`rdfs:domain\`/\`rdfs:range\` would contradict HUD's ontology: HUD puts
  many columns on finer classes than Hearth's one-class-per-file records (e.g. \`VietnamWar\` on
  \`ClientVeteranInfo\`, Hearth on \`Client\`), and a few HUD ranges differ from the CSV types
  (\`YearEnteredService\`/\`YearSeparated\` are \`xsd:gYear\` in HUD's OWL and integers in the CSV;
  \`Geocode\` is an integer in HUD's OWL and a 6-character string in the CSV).
- Hearth's own properties get \`rdfs:domain\`/\`rdfs:range\` when they are used by one class and datatype.

## Code lists

HUD's OWL models each list as an enumerated datatype (\`hmis:1.8\`, an \`owl:oneOf\` mixing the codes
and their labels) and has no IRI for a single code. A datatype is not a SKOS concept scheme, so Hearth
mints both scheme and concept IRIs in its own space, \`${CODES}{list}\` and
\`${CODES}{list}/{code}\` (e.g. \`${CODES}1.8/99\`), and links each scheme to HUD's datatype with
\`hearth:hudDatatype\` (all lists but ${withoutHud}, which HUD's OWL lacks). Each concept has
\`skos:notation\` (the code, typed as the data carries it: \`xsd:integer\`, or \`xsd:string\` for list
V6.1 of the string column VAMCStation), \`skos:prefLabel\` (HUD's label), \`skos:inScheme\` and
\`skos:topConceptOf\`; each scheme has the data element numbers of the columns that use it
(\`hearth:dataElement\`). Datatype properties point at their schemes with \`hearth:codeList\`.
Record values stay integer literals; join them to concepts on \`skos:notation\`.

## SHACL shapes

Per table a node shape (\`sh:targetClass\` the table's first class; \`sh:class\` for a second one) with
a property shape per column: \`sh:datatype\` (dates and timestamps are checked by their datatype, so no
\`sh:pattern\`), \`sh:maxLength\` for \`S<n>\` columns, \`sh:minCount 1\` for non-nullable columns,
\`sh:maxCount 1\`, \`sh:minInclusive 0.0\` for \`M+\` amounts, and \`sh:in\` (typed literals) for
columns with a fixed code list; a property shape per link to child records (\`sh:nodeKind sh:IRI\`,
\`sh:class\`).

The rules are SHACL Core, no SPARQL: notInList is \`sh:not [ sh:in (…) ]\`, pattern \`sh:pattern\`,
range \`sh:minInclusive\`/\`sh:maxInclusive\` (all three property shapes, so their results carry
\`sh:resultPath\`). listWhen, nullUnless and requiredWhen are node shapes with the table's target class
and an \`sh:or\` of the consequence (a property shape with \`sh:in\`, \`sh:maxCount 0\` or
\`sh:minCount 1\`) and the condition or its negation (\`sh:hasValue\`, \`sh:in\`, \`sh:minCount\`,
\`sh:and\`, \`sh:or\`, \`sh:not\`); their results have the rule's shape as \`sh:sourceShape\` and its
\`sh:message\`, and no \`sh:resultPath\` (SHACL Core cannot make a property constraint conditional).

A range whose maximum is \`currentYear\` gets no \`sh:maxInclusive\`: a shapes graph cannot read the
clock, a year fixed at generation would make the committed file stale every January, and
\`sh:lessThanOrEquals\` needs a second property holding the year, which the records do not have. Hearth's
row validator (\`src/validate/row.ts\`) checks that bound.

${ruleRows(rules).join('\n')}

Not checked by SHACL or by Hearth's row validator (they need other records, or the rule type cannot state them):

${notChecked.length ? notChecked.map((line) => `- ${line}`).join('\n') : '- none'}

## JSON-LD context

\`context.jsonld\` maps every CSV column name to its property (\`@type\` the XSD datatype; xsd:string
columns untyped), every record class's local name (\`Client\`, \`FunderClass\`, \`HealthStatus\`, …) to
its class, and every link (\`hasExit\`, …) to its object property with \`"@type": "@id"\`, plus the
\`hmis\`, \`hearth\` and \`xsd\` prefixes. A column name used in several tables (\`DateCreated\`,
\`PersonalID\`, …) has the same property and datatype in each, so one term serves all
(\`HousingAssessment\`, in CEParticipation.csv and Exit.csv, differs only in its code list). Columns
that cannot have one global definition:

${scopedLines.join('\n')}
`;
}
