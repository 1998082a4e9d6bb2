/**
 * Data collected at project entry (stage 1) and exit (stage 3): Disabilities (six rows per person
 * and stage), IncomeBenefits, HealthAndDV, EmploymentEducation and YouthEducationStatus. Coordinated
 * entry collects none of these; see `ce.ts`.
 */
import type { Stay } from './enrollments.ts';
import { money, type Random } from './random.ts';
import type { DemoTables, Values } from './rows.ts';

const ENTRY = 1;
const EXIT = 3;

export function addCollectedData(t: DemoTables, rng: Random, stay: Stay): void {
  if (stay.project.kind === 'ce') return;
  const stages: [number, string][] = [[ENTRY, stay.entry]];
  if (stay.exit) stages.push([EXIT, stay.exit]);
  const youth = stay.head && stay.household.kind === 'youth';
  for (const [stage, date] of stages) {
    const stamp = { created: rng.timestamp(date), user: stay.project.user };
    const keys = {
      EnrollmentID: stay.enrollmentId,
      PersonalID: stay.member.person.id,
      InformationDate: date,
    };
    for (const disability of stay.member.person.disabilities) {
      t.add(
        'Disabilities',
        {
          DisabilitiesID: t.nextId('DS', 6),
          ...keys,
          DisabilityType: disability.type,
          DisabilityResponse: disability.response,
          IndefiniteAndImpairs: disability.indefinite,
          DataCollectionStage: stage,
        },
        stamp,
      );
    }
    t.add(
      'IncomeBenefits',
      {
        IncomeBenefitsID: t.nextId('IB', 5),
        ...keys,
        ...(stay.adult || stay.head ? income(rng) : {}),
        ...(stay.adult || stay.head ? benefits(rng) : {}),
        ...insurance(rng, stay.adult),
        DataCollectionStage: stage,
      },
      stamp,
    );
    if (stage === ENTRY && (stay.adult || stay.head)) {
      t.add(
        'HealthAndDV',
        { HealthAndDVID: t.nextId('HD', 5), ...keys, ...domesticViolence(rng), DataCollectionStage: stage },
        stamp,
      );
    }
    if (stay.project.kind === 'th' && (stay.adult || stay.head)) {
      t.add(
        'EmploymentEducation',
        { EmploymentEducationID: t.nextId('EE', 5), ...keys, ...employment(rng), DataCollectionStage: stage },
        stamp,
      );
    }
    if (youth && (stay.project.kind === 'th' || stay.project.kind === 'rrh')) {
      t.add(
        'YouthEducationStatus',
        { YouthEducationStatusID: t.nextId('YE', 4), ...keys, ...education(rng), DataCollectionStage: stage },
        stamp,
      );
    }
  }
}

/** [column, amount column, typical monthly amount] for 4.02 income sources. */
const INCOME_SOURCES: readonly (readonly [string, string, number])[] = [
  ['Earned', 'EarnedAmount', 1100],
  ['Unemployment', 'UnemploymentAmount', 600],
  ['SSI', 'SSIAmount', 943],
  ['SSDI', 'SSDIAmount', 1200],
  ['VADisabilityService', 'VADisabilityServiceAmount', 900],
  ['VADisabilityNonService', 'VADisabilityNonServiceAmount', 700],
  ['PrivateDisability', 'PrivateDisabilityAmount', 500],
  ['WorkersComp', 'WorkersCompAmount', 800],
  ['TANF', 'TANFAmount', 450],
  ['GA', 'GAAmount', 200],
  ['SocSecRetirement', 'SocSecRetirementAmount', 1300],
  ['Pension', 'PensionAmount', 650],
  ['ChildSupport', 'ChildSupportAmount', 300],
  ['Alimony', 'AlimonyAmount', 250],
  ['OtherIncomeSource', 'OtherIncomeAmount', 150],
];

/** 4.02: any income, each source, amounts for the sources received, and their total. */
function income(rng: Random): Values {
  const any = rng.weighted([
    [1, 55],
    [0, 38],
    [8, 2],
    [9, 2],
    [99, 3],
  ]);
  if (any !== 0 && any !== 1) return { IncomeFromAnySource: any };
  const received =
    any === 1
      ? rng.sample(INCOME_SOURCES.slice(0, 4).concat(INCOME_SOURCES.slice(8, 10)), rng.int(1, 2))
      : [];
  const values: Record<string, string | number | null> = { IncomeFromAnySource: any };
  let total = 0;
  for (const [column, amountColumn, typical] of INCOME_SOURCES) {
    const yes = received.some(([name]) => name === column);
    values[column] = yes ? 1 : 0;
    if (yes) {
      const amount = Math.round(typical * (0.6 + rng.next() * 0.8) * 100) / 100;
      values[amountColumn] = money(amount);
      total += amount;
    }
  }
  if (any === 1) values.TotalMonthlyIncome = money(total);
  return values;
}

/** 4.03 non-cash benefits. */
function benefits(rng: Random): Values {
  const any = rng.weighted([
    [1, 50],
    [0, 45],
    [99, 5],
  ]);
  if (any === 99) return { BenefitsFromAnySource: any };
  const snap = any === 1 ? 1 : 0;
  const wic = any === 1 && rng.chance(0.2) ? 1 : 0;
  return {
    BenefitsFromAnySource: any,
    SNAP: snap,
    WIC: wic,
    TANFChildCare: 0,
    TANFTransportation: 0,
    OtherTANF: 0,
    OtherBenefitsSource: 0,
  };
}

const INSURANCE = [
  'Medicaid',
  'Medicare',
  'SCHIP',
  'VHAServices',
  'EmployerProvided',
  'COBRA',
  'PrivatePay',
  'StateHealthIns',
  'IndianHealthServices',
  'OtherInsurance',
];

/** 4.04 health insurance (asked of everyone, children included). */
function insurance(rng: Random, adult: boolean): Values {
  const any = rng.weighted([
    [1, adult ? 70 : 92],
    [0, adult ? 25 : 6],
    [99, 5],
  ]);
  if (any === 99) return { InsuranceFromAnySource: any };
  const covered =
    any === 1
      ? adult
        ? rng.pick(['Medicaid', 'Medicaid', 'Medicare', 'EmployerProvided'])
        : rng.pick(['Medicaid', 'SCHIP'])
      : '';
  return {
    InsuranceFromAnySource: any,
    ...Object.fromEntries(INSURANCE.map((column) => [column, column === covered ? 1 : 0])),
  };
}

/** 4.11 domestic violence. */
function domesticViolence(rng: Random): Values {
  const survivor = rng.weighted([
    [0, 70],
    [1, 22],
    [9, 3],
    [99, 5],
  ]);
  return {
    DomesticViolenceSurvivor: survivor,
    WhenOccurred: survivor === 1 ? rng.pick([1, 2, 3, 4]) : null,
    CurrentlyFleeing: survivor === 1 ? rng.pick([0, 0, 1]) : null,
  };
}

/** R4–R6 last grade, school status and employment. */
function employment(rng: Random): Values {
  const employed = rng.weighted([
    [1, 40],
    [0, 55],
    [99, 5],
  ]);
  return {
    LastGradeCompleted: rng.pick([4, 5, 5, 7, 10]),
    SchoolStatus: rng.pick([1, 3, 3, 4, 5]),
    Employed: employed,
    EmploymentType: employed === 1 ? rng.pick([1, 2, 3]) : null,
    NotEmployedReason: employed === 0 ? rng.pick([1, 2, 3]) : null,
  };
}

/** C3 youth education status. */
function education(rng: Random): Values {
  const attend = rng.weighted([
    [0, 50],
    [1, 15],
    [2, 35],
  ]);
  return {
    CurrentSchoolAttend: attend,
    MostRecentEdStatus: attend === 0 ? rng.pick([0, 1, 2, 6]) : null,
    CurrentEdStatus: attend === 0 ? null : rng.pick([0, 1, 4]),
  };
}
