/**
 * The FHIR mapping on hand-made rows: ids (round trip, escaping, length), Patient gender, race,
 * ethnicity and NullFlavors, SSN only behind the switch, homelessness precedence and billable codes,
 * Coverage from the latest answer, and the mapping tables' references to the model.
 */
import { describe, expect, it } from 'vitest';
import { field } from '../../mappings/fhir/fields.ts';
import type { RecordContext } from '../../src/fhir/context.ts';
import { fhirId, parseFhirId } from '../../src/fhir/ids.ts';
import { coverageResources } from '../../src/fhir/resources/coverage.ts';
import { patientResource } from '../../src/fhir/resources/patient.ts';
import { homelessnessCondition, homelessnessRule } from '../../src/fhir/resources/sdoh.ts';
import { table } from '../../src/model/index.ts';
import { type Row, SourceState } from '../../src/store/record-state.ts';
import { problems } from './validate.ts';

/** A row of `tableName` with the given columns set and every other one empty. */
function row(tableName: string, values: Record<string, string>): Row {
  return table(tableName).fields.map((f) => values[f.name] ?? '');
}

const context = (memberId?: string, ssnIdentifier = false): RecordContext => ({
  base: 'http://hearth.test/id',
  source: 'demo_src',
  state: new SourceState(),
  options: { ssnIdentifier, medicaidSystem: 'urn:oid:2.16.840.1.113883.4.3.99' },
  memberId: () => memberId,
});

const client = (values: Record<string, string> = {}) =>
  row('Client', {
    PersonalID: 'P1',
    FirstName: 'Ann',
    LastName: 'Lee',
    DOB: '1990-04-02',
    SSN: '123456789',
    DateUpdated: '2024-01-31 10:00:00',
    ...values,
  });

describe('ids', () => {
  it('round-trips plain and escaped keys, with and without kinds', () => {
    const sources = ['demo_src', 'other'];
    expect(fhirId('demo_src', 'P1')).toBe('demo-src.P1');
    expect(parseFhirId('Patient', 'demo-src.P1', sources)).toEqual({
      source: 'demo_src',
      kind: undefined,
      key: 'P1',
    });
    const odd = 'a_b.c/é';
    const id = fhirId('other', odd) as string;
    expect(id).toMatch(/^other\.x\.[0-9a-f]+$/);
    expect(parseFhirId('Patient', id, sources)?.key).toBe(odd);
    expect(parseFhirId('Condition', 'other.sdoh.E1', sources)).toEqual({
      source: 'other',
      kind: 'sdoh',
      key: 'E1',
    });
    expect(parseFhirId('Condition', 'other.E1', sources)).toBeUndefined(); // a Condition always has a kind
    expect(parseFhirId('Patient', 'other.sdoh.E1', sources)).toBeUndefined();
    expect(parseFhirId('Patient', 'nowhere.P1', sources)).toBeUndefined();
    expect(parseFhirId('Patient', 'other.x.zz', sources)).toBeUndefined();
    expect(fhirId('s', 'é'.repeat(32))).toBeUndefined(); // past 64 characters: no FHIR id
  });
});

describe('Patient', () => {
  it('maps Sex to gender and us-core-sex, and 8/9/99/empty to unknown without the extension', () => {
    const female = patientResource(context(), client({ Sex: '0' })) as Record<string, unknown>;
    expect(female.gender).toBe('female');
    expect(JSON.stringify(female.extension)).toContain('248152002');
    for (const sex of ['8', '9', '99', '']) {
      const patient = patientResource(context(), client({ Sex: sex })) as Record<string, unknown>;
      expect(patient.gender).toBe('unknown');
      expect(JSON.stringify(patient.extension ?? [])).not.toContain('us-core-sex');
    }
  });

  it('writes OMB race and ethnicity with text, MENA as detailed, RaceNone as NullFlavor, and no inferred non-Hispanic', () => {
    const patient = patientResource(
      context(),
      client({
        Asian: '1',
        White: '1',
        MidEastNAfrican: '1',
        HispanicLatinao: '0',
        AdditionalRaceEthnicity: 'Hmong',
      }),
    ) as Record<string, unknown>;
    expect(problems(patient)).toEqual([]);
    const text = JSON.stringify(patient.extension);
    expect(text).toContain('"2028-9"');
    expect(text).toContain('"2106-3"');
    expect(text).toContain(
      '{"url":"detailed","valueCoding":{"system":"urn:oid:2.16.840.1.113883.6.238","code":"2118-8"',
    );
    expect(text).toContain('Hmong');
    expect(text).not.toContain('us-core-ethnicity');
    expect(text).not.toContain('2186-5');
    const refused = patientResource(context(), client({ RaceNone: '9' })) as Record<string, unknown>;
    expect(JSON.stringify(refused.extension)).toContain('"ASKU"');
    expect(problems(refused)).toEqual([]);
  });

  it('keeps the SSN out unless switched on, and adds the Medicaid member ID as type MA', () => {
    expect(JSON.stringify(patientResource(context(), client()))).not.toContain('123456789');
    const withSsn = patientResource(context(undefined, true), client()) as Record<string, unknown>;
    expect(JSON.stringify(withSsn.identifier)).toContain('"value":"123456789"');
    const member = patientResource(context('MCD1'), client()) as Record<string, unknown>;
    expect(JSON.stringify(member.identifier)).toContain('"code":"MA"');
    expect(problems(member)).toEqual([]);
  });

  it('marks a nameless client with data-absent-reason', () => {
    const patient = patientResource(context(), client({ FirstName: '', LastName: '' })) as Record<
      string,
      unknown
    >;
    expect(JSON.stringify(patient.name)).toContain('data-absent-reason');
    expect(problems(patient)).toEqual([]);
  });
});

describe('homelessness', () => {
  const enrollment = (values: Record<string, string>) =>
    row('Enrollment', {
      EnrollmentID: 'E1',
      PersonalID: 'P1',
      ProjectID: 'PR1',
      EntryDate: '2024-02-01',
      ...values,
    });
  const project = (type: string) => row('Project', { ProjectID: 'PR1', ProjectType: type });
  const code = (values: Record<string, string>, type: string) =>
    homelessnessRule({ enrollment: enrollment(values), exit: undefined, project: project(type) })?.icd10cm
      .code;

  it('reads move-in first, then the living situation, then the project type', () => {
    expect(code({ LivingSituation: '116' }, '1')).toBe('Z59.02');
    expect(code({ LivingSituation: '101' }, '4')).toBe('Z59.01');
    expect(code({ LivingSituation: '99' }, '4')).toBe('Z59.02');
    expect(code({ LivingSituation: '8' }, '2')).toBe('Z59.01');
    expect(code({ LivingSituation: '' }, '11')).toBe('Z59.00');
    expect(code({ LivingSituation: '116', MoveInDate: '2024-03-01' }, '13')).toBe('Z59.812');
    expect(code({ LivingSituation: '410' }, '12')).toBe('Z59.811');
    expect(code({ LivingSituation: '410' }, '6')).toBeUndefined();
    expect(code({ LivingSituation: '9' }, '14')).toBeUndefined();
  });

  it('makes a valid SDOHCC Condition, inactive with abatement once exited', () => {
    const exit = row('Exit', { ExitID: 'X1', EnrollmentID: 'E1', ExitDate: '2024-05-01' });
    const condition = homelessnessCondition(context(), {
      enrollment: enrollment({ LivingSituation: '116' }),
      exit,
      project: project('4'),
    }) as Record<string, unknown>;
    expect(problems(condition)).toEqual([]);
    expect(JSON.stringify(condition.clinicalStatus)).toContain('inactive');
    expect(condition.abatementDateTime).toBe('2024-05-01');
    expect(JSON.stringify(condition.category)).toContain('"sdoh"');
  });
});

describe('Coverage', () => {
  const income = (id: string, date: string, values: Record<string, string>) =>
    row('IncomeBenefits', {
      IncomeBenefitsID: id,
      EnrollmentID: 'E1',
      PersonalID: 'P1',
      InformationDate: date,
      DateUpdated: `${date} 09:00:00`,
      ...values,
    });

  it('follows the latest answer: yes per source, self-pay for none, nothing for 8/9/99', () => {
    const yes = income('I1', '2024-01-01', { InsuranceFromAnySource: '1', Medicaid: '1', Medicare: '1' });
    const none = income('I2', '2024-06-01', { InsuranceFromAnySource: '0' });
    const refused = income('I3', '2024-09-01', { InsuranceFromAnySource: '9' });
    const types = (rows: Row[]) =>
      coverageResources(context('MCD1'), 'P1', rows).map(
        (c) => (c.type as { coding: { code: string }[] }).coding[0]?.code,
      );
    expect(types([yes]).sort()).toEqual(['1', '2']);
    expect(types([yes, none])).toEqual(['81']);
    expect(types([yes, none, refused])).toEqual([]);
    const [medicaid] = coverageResources(context('MCD1'), 'P1', [
      income('I4', '2024-01-01', { InsuranceFromAnySource: '1', Medicaid: '1' }),
    ]);
    expect(problems(medicaid)).toEqual([]);
    expect(JSON.stringify(medicaid?.identifier)).toContain('"code":"MB"');
  });
});

describe('mapping tables', () => {
  it('refuse a field the model does not have', () => {
    expect(() => field('Client', 'Gender')).toThrow();
    expect(field('Client', 'Sex').codeList).toBe('4.21');
  });
});
