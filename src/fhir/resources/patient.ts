/** Client → US Core Patient, from the table in mappings/fhir/patient.ts. */
import {
  ETHNICITY,
  PATIENT_FIELDS as F,
  GENDER_BY_SEX,
  RACE,
  RACE_NONE,
  RACE_SYSTEM,
  type RaceMapping,
  US_CORE_SEX_BY_SEX,
  YES,
} from '../../../mappings/fhir/patient.ts';
import { EXTENSION, PROFILE, SYSTEM } from '../../../mappings/fhir/systems.ts';
import type { Row } from '../../store/record-state.ts';
import { identifierSystem, type RecordContext } from '../context.ts';
import { fhirId } from '../ids.ts';
import type { Identifier, Resource } from '../types.ts';
import { cell, compact, date, instant } from '../values.ts';

const identifierType = (code: string, display: string) => ({
  coding: [{ system: SYSTEM.identifierType, code, display }],
});

function identifiers(context: RecordContext, row: Row): Identifier[] {
  const personalId = cell(row, F.personalId.index);
  const list: Identifier[] = [
    { use: 'usual', system: identifierSystem(context, 'Client'), value: personalId },
  ];
  const memberId = context.memberId(personalId);
  if (memberId)
    list.push({
      type: identifierType('MA', 'Patient Medicaid number'),
      system: context.options.medicaidSystem,
      value: memberId,
    });
  const ssn = cell(row, F.ssn.index);
  // US Core 6.1/7.0: SSN SHOULD NOT be a Patient.identifier; a deployment may still need it.
  if (context.options.ssnIdentifier && /^\d{9}$/.test(ssn))
    list.push({ type: identifierType('SS', 'Social Security number'), system: SYSTEM.ssn, value: ssn });
  return list;
}

function name(row: Row) {
  const given = [cell(row, F.firstName.index), cell(row, F.middleName.index)].filter((n) => n !== '');
  const family = cell(row, F.lastName.index);
  const suffix = cell(row, F.nameSuffix.index);
  if (given.length === 0 && !family)
    return { extension: [{ url: EXTENSION.dataAbsentReason, valueCode: 'unknown' }] };
  return compact({ use: 'official', family: family || undefined, given, suffix: suffix ? [suffix] : [] });
}

/** One US Core race or ethnicity extension, or undefined when the record asserts nothing. */
function omb(url: string, row: Row, mappings: readonly RaceMapping[], other: string) {
  const none = RACE_NONE[cell(row, F.raceNone.index)];
  if (none) {
    return {
      url,
      extension: [
        { url: 'ombCategory', valueCoding: { system: SYSTEM.nullFlavor, ...none } },
        { url: 'text', valueString: none.display },
      ],
    };
  }
  const chosen = mappings.filter((m) => cell(row, m.field.index) === YES);
  if (chosen.length === 0) return undefined;
  const parts = chosen.map((m) => ({
    url: m.slice,
    valueCoding: { system: RACE_SYSTEM, code: m.code, display: m.display },
  }));
  const text = [...chosen.map((m) => m.display), ...(other ? [other] : [])].join(', ');
  return { url, extension: [...parts, { url: 'text', valueString: text }] };
}

export function patientResource(context: RecordContext, row: Row): Resource | undefined {
  const id = fhirId(context.source, cell(row, F.personalId.index));
  if (!id) return undefined;
  const sex = cell(row, F.sex.index);
  const usCoreSex = US_CORE_SEX_BY_SEX[sex];
  const other = cell(row, F.additionalRaceEthnicity.index);
  const extension = [
    omb(EXTENSION.usCoreRace, row, RACE, other),
    omb(EXTENSION.usCoreEthnicity, row, ETHNICITY, ''),
    usCoreSex ? { url: EXTENSION.usCoreSex, valueCode: usCoreSex.code } : undefined,
  ].filter((e) => e !== undefined);
  return compact({
    resourceType: 'Patient',
    id,
    meta: compact({ lastUpdated: instant(cell(row, F.dateUpdated.index)), profile: [PROFILE.patient] }),
    extension,
    identifier: identifiers(context, row),
    active: true,
    name: [name(row)],
    gender: GENDER_BY_SEX[sex] ?? 'unknown',
    birthDate: date(cell(row, F.dob.index)),
  });
}
