import { Parser } from 'n3';
import { describe, expect, it } from 'vitest';
import { table } from '../src/model/index.ts';
import { graphIri, parseRecordIri, recordIri, sourceIdFrom } from '../src/rdf/iris.ts';
import { recordsFromQuads } from '../src/rdf/quads-to-records.ts';
import { recordQuads, toNQuads } from '../src/rdf/record-quads.ts';

const BASE = 'https://hearth.test/id';
const HMIS = 'urn:hud:hmis:owl#';

function row(tableName: string, values: Record<string, string>): string[] {
  return table(tableName).fields.map((f) => values[f.name] ?? '');
}
const parseNQuads = (text: string) => new Parser({ format: 'N-Quads' }).parse(text);

describe('record IRIs', () => {
  it('are {base}/{source}/{segment}/{key}, escape keys, and parse back', () => {
    const iri = recordIri(BASE, 'xx-501', table('Client'), 'C 1/2?');
    expect(iri).toBe(`${BASE}/xx-501/client/C%201%2F2%3F`);
    expect(parseRecordIri(BASE, iri)).toMatchObject({ source: 'xx-501', key: 'C 1/2?' });
    expect(parseRecordIri(BASE, `${BASE}/xx-501/nosuchtable/1`)).toBeUndefined();
    expect(parseRecordIri(BASE, `https://elsewhere/id/xx-501/client/1`)).toBeUndefined();
    expect(parseRecordIri(BASE, `${BASE}/xx-501/client/%E0%A4%A`)).toBeUndefined();
    expect(parseRecordIri(BASE, `${BASE}/xx-501/client/C1`)).toMatchObject({ source: 'xx-501', key: 'C1' });
    for (const bad of [
      `${BASE}x/xx-501/client/1`,
      `${BASE}/xx-501/client`,
      `${BASE}/xx-501/client/1/2`,
      `${BASE}//client/1`,
      BASE,
    ])
      expect(parseRecordIri(BASE, bad), bad).toBeUndefined();
    expect(graphIri(BASE, 'xx-501')).toBe(`${BASE}/xx-501`);
    expect(sourceIdFrom('XX-501; Square Peg')).toBe('xx-501-square-peg');
  });
});

describe('records as RDF', () => {
  const client = row('Client', {
    PersonalID: 'C1',
    FirstName: 'Ann "Quote"\nLine',
    DOB: '1980-02-29',
    VeteranStatus: '1',
    DateUpdated: '2026-01-02 03:04:05',
  });
  const enrollment = row('Enrollment', { EnrollmentID: 'E1', PersonalID: 'C1', ProjectID: 'P1' });

  it('uses HUD classes and properties, typed literals, and links parent to child', () => {
    const quads = parseNQuads(
      toNQuads([
        ...recordQuads(BASE, 's', table('Client'), client),
        ...recordQuads(BASE, 's', table('Enrollment'), enrollment),
      ]),
    );
    const find = (p: string) => quads.find((q) => q.predicate.value === HMIS + p);
    expect(quads.some((q) => q.object.value === `${HMIS}Client`)).toBe(true);
    expect(find('FirstName')?.object.value).toBe('Ann "Quote"\nLine');
    expect(find('DOB')?.object).toMatchObject({
      datatype: { value: 'http://www.w3.org/2001/XMLSchema#date' },
    });
    expect(find('DateUpdated')?.object.value).toBe('2026-01-02T03:04:05');
    expect(find('VeteranStatus')?.object).toMatchObject({
      value: '1',
      datatype: { value: 'http://www.w3.org/2001/XMLSchema#integer' },
    });
    expect(find('hasClientEnrollment')).toMatchObject({
      subject: { value: `${BASE}/s/client/C1` },
      object: { value: `${BASE}/s/enrollment/E1` },
    });
    expect(find('hasProjectEnrollment')?.subject.value).toBe(`${BASE}/s/project/P1`);
    expect(quads.every((q) => q.graph.value === `${BASE}/s`)).toBe(true);
  });

  it('round-trips through quads back to the same column values', () => {
    const quads = parseNQuads(toNQuads(recordQuads(BASE, 's', table('Client'), client)));
    const { records, problems } = recordsFromQuads(BASE, quads);
    expect(problems).toEqual([]);
    expect(records).toHaveLength(1);
    const values = records[0]?.values;
    expect(table('Client').fields.map((f) => values?.get(f.name) ?? '')).toEqual(client);
  });

  it('takes a link property as the child link column', () => {
    const quads = parseNQuads(
      `<${BASE}/s/client/C9> <${HMIS}hasClientEnrollment> <${BASE}/s/enrollment/E9> <${BASE}/s> .\n`,
    );
    const { records, problems } = recordsFromQuads(BASE, quads);
    expect(problems).toEqual([]);
    expect(records.find((r) => r.table.name === 'Enrollment')?.values.get('PersonalID')).toBe('C9');
  });

  it('rejects RDF that does not map onto a record column', () => {
    const g = `<${BASE}/s>`;
    const s = `<${BASE}/s/client/C1>`;
    const text = [
      `${s} <${HMIS}NoSuchColumn> "x" ${g} .`,
      `${s} <${HMIS}DOB> "1980"^^<http://www.w3.org/2001/XMLSchema#gYear> ${g} .`,
      `${s} <${HMIS}FirstName> "Ann" <${BASE}/other> .`,
      `<https://evil.example/x> <${HMIS}FirstName> "Ann" ${g} .`,
      `${s} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <${HMIS}Exit> ${g} .`,
      `${s} <${HMIS}PersonalID> "C2" ${g} .`,
      `${s} <${HMIS}FirstName> "A" ${g} .`,
      `${s} <${HMIS}FirstName> "B" ${g} .`,
      `${s} <${HMIS}hasClientEnrollment> <${BASE}/s/exit/X1> ${g} .`,
    ].join('\n');
    const { problems } = recordsFromQuads(BASE, parseNQuads(text));
    expect(problems.map((p) => p.message)).toEqual([
      `Client has no column for ${HMIS}NoSuchColumn`,
      'DOB takes http://www.w3.org/2001/XMLSchema#date literals, not http://www.w3.org/2001/XMLSchema#gYear',
      `the quad must be in the graph of its data source, ${BASE}/s`,
      `the subject is not a Hearth record IRI (${BASE}/{source}/{table}/{key})`,
      `a Client record cannot have type ${HMIS}Exit`,
      'Client.PersonalID gets two values (the key must match the IRI)',
      'Client.FirstName gets two values',
      `${HMIS}hasClientEnrollment must point at a Enrollment.csv record of the same source`,
    ]);
  });
});
