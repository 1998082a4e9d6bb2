/**
 * Demo people and households, and their Client.csv rows. Every name comes from the small made-up
 * lists below (last names are obviously fake), every SSN starts with 9 (never issued as an SSN)
 * or is masked with `x` as HUD allows, and dates of birth are relative to the export's `today`.
 */
import { addDays, addYears, ageOn, type Random } from './random.ts';
import type { DemoTables } from './rows.ts';

export const FIRST_NAMES: readonly string[] = [
  'Avery',
  'Blake',
  'Cameron',
  'Dakota',
  'Emerson',
  'Finley',
  'Gray',
  'Harper',
  'Indigo',
  'Jules',
  'Kendall',
  'Logan',
  'Morgan',
  'Noel',
  'Oakley',
  'Parker',
  'Quinn',
  'Reese',
  'Sage',
  'Taylor',
  'Umber',
  'Vale',
  'Wren',
  'Xen',
  'Yael',
  'Zion',
];

export const LAST_NAMES: readonly string[] = [
  'Testperson',
  'Sampleton',
  'Demoson',
  'Placeholder',
  'Fakerly',
  'Mockingham',
  'Exampleberg',
  'Dummyfield',
  'Specimen',
  'Fixturedale',
  'Stubworth',
  'Notreal',
];

export interface Disability {
  /** HUD list 1.3. */
  readonly type: number;
  /** List 4.10.2 for substance use disorder (10), else list 1.8. */
  response: number;
  /** Null where HUD does not ask (developmental disability, HIV/AIDS) or the answer is no. */
  indefinite: number | null;
}

export interface Person {
  readonly id: string;
  readonly dob: string;
  readonly veteran: boolean;
  readonly disabilities: Disability[];
}

export interface Member {
  readonly person: Person;
  /** HUD list 3.15.1; the first member of a household is its head (1). */
  readonly relationship: number;
}

export type HouseholdKind = 'single' | 'veteran' | 'family' | 'youth';

export interface Household {
  readonly kind: HouseholdKind;
  /** The first project entry of the household. */
  readonly start: string;
  readonly members: readonly Member[];
}

const RACE_COLUMNS = [
  'AmIndAKNative',
  'Asian',
  'BlackAfAmerican',
  'HispanicLatinao',
  'MidEastNAfrican',
  'NativeHIPacific',
  'White',
] as const;
const RACE_WEIGHTS = [6, 6, 30, 20, 4, 3, 31];

/** Theaters of operations and the years they span (V1.3 – V1.9). */
const THEATERS: readonly (readonly [string, number, number])[] = [
  ['WorldWarII', 1941, 1945],
  ['KoreanWar', 1950, 1953],
  ['VietnamWar', 1964, 1975],
  ['DesertStorm', 1990, 1991],
  ['AfghanistanOEF', 2001, 2014],
  ['IraqOIF', 2003, 2010],
  ['IraqOND', 2010, 2011],
];

/** Creates households of `clients` people in total, with their Client rows. */
export function buildHouseholds(t: DemoTables, rng: Random, clients: number, today: string): Household[] {
  const households: Household[] = [];
  let remaining = clients;
  while (remaining > 0) {
    let kind = rng.weighted<HouseholdKind>([
      ['single', 45],
      ['veteran', 12],
      ['family', 28],
      ['youth', 15],
    ]);
    if (kind === 'family' && remaining < 2) kind = 'single';
    const start = addDays(today, -rng.int(20, 540));
    const ages = householdAges(rng, kind).slice(0, remaining);
    const last = rng.pick(LAST_NAMES);
    const members = ages.map(([age, relationship]) => ({
      person: addClient(t, rng, { age, start, last, veteran: kind === 'veteran' && relationship === 1 }),
      relationship,
    }));
    households.push({ kind, start, members });
    remaining -= members.length;
  }
  return households;
}

/** [age at the first entry, relationship to the head] of each member, head first. */
function householdAges(rng: Random, kind: HouseholdKind): [number, number][] {
  if (kind === 'single') return [[rng.int(25, 68), 1]];
  if (kind === 'veteran') return [[rng.int(30, 68), 1]];
  if (kind === 'youth') {
    const head = rng.int(18, 24);
    return rng.chance(0.25)
      ? [
          [head, 1],
          [rng.int(0, 3), 2],
        ]
      : [[head, 1]];
  }
  const head = rng.int(22, 45);
  const members: [number, number][] = [[head, 1]];
  if (rng.chance(0.4)) members.push([Math.max(18, head + rng.int(-5, 5)), 3]);
  const children = rng.int(1, 3);
  for (let i = 0; i < children; i++) members.push([rng.int(0, Math.min(17, head - 16)), 2]);
  return members;
}

interface NewClient {
  readonly age: number;
  readonly start: string;
  readonly last: string;
  readonly veteran: boolean;
}

function addClient(t: DemoTables, rng: Random, { age, start, last, veteran }: NewClient): Person {
  const id = t.nextId('CL', 4);
  const dob = addDays(addYears(start, -age), -rng.int(0, 364));
  const adult = age >= 18;
  const nameQuality = rng.weighted([
    [1, 94],
    [2, 6],
  ]);
  const races = raceValues(rng);
  const values = {
    PersonalID: id,
    FirstName: rng.pick(FIRST_NAMES),
    MiddleName: nameQuality === 1 && rng.chance(0.2) ? rng.pick(FIRST_NAMES) : null,
    LastName: nameQuality === 1 ? last : null,
    NameDataQuality: nameQuality,
    ...ssnValues(rng),
    ...dobValues(rng, dob, adult),
    Sex: rng.weighted([
      [0, 48],
      [1, 48],
      [9, 2],
      [99, 2],
    ]),
    ...races,
    VeteranStatus: veteran
      ? 1
      : adult
        ? rng.weighted([
            [0, 92],
            [8, 3],
            [9, 2],
            [99, 3],
          ])
        : 99,
    ...(veteran ? serviceValues(rng, dob) : {}),
  };
  const person: Person = { id, dob, veteran, disabilities: disabilityProfile(rng, adult) };
  t.add('Client', values, { created: rng.timestamp(start), user: 'demo-admin' });
  return person;
}

function ssnValues(rng: Random): { SSN: string | null; SSNDataQuality: number } {
  const kind = rng.weighted([
    ['full', 80],
    ['partial', 10],
    ['missing', 10],
  ]);
  if (kind === 'full') return { SSN: `9${rng.digits(8)}`, SSNDataQuality: 1 };
  if (kind === 'partial') return { SSN: `xxxxx${rng.digits(4)}`, SSNDataQuality: 2 };
  return { SSN: null, SSNDataQuality: rng.pick([8, 9, 99]) };
}

function dobValues(rng: Random, dob: string, adult: boolean): { DOB: string | null; DOBDataQuality: number } {
  const roll = rng.next();
  if (adult && roll < 0.03) return { DOB: null, DOBDataQuality: rng.pick([8, 9, 99]) };
  if (roll < 0.08) return { DOB: `${dob.slice(0, 4)}-01-01`, DOBDataQuality: 2 };
  return { DOB: dob, DOBDataQuality: 1 };
}

function raceValues(rng: Random): Record<string, number | null> {
  const values: Record<string, number | null> = Object.fromEntries(RACE_COLUMNS.map((c) => [c, 0]));
  if (rng.chance(0.04)) {
    values.RaceNone = rng.pick([8, 9, 99]);
    return values;
  }
  const pickRace = () =>
    rng.weighted(RACE_COLUMNS.map((column, i) => [column, RACE_WEIGHTS[i] ?? 1] as const));
  values[pickRace()] = 1;
  if (rng.chance(0.15)) values[pickRace()] = 1;
  values.RaceNone = null;
  return values;
}

/** Military service (V1) of a veteran born on `dob`, with the theaters the service years span. */
function serviceValues(rng: Random, dob: string): Record<string, number> {
  const entered = Math.min(Number(dob.slice(0, 4)) + rng.int(18, 24), 2015);
  const separated = Math.min(entered + rng.int(2, 8), 2020);
  const values: Record<string, number> = { YearEnteredService: entered, YearSeparated: separated };
  for (const [column, from, to] of THEATERS) values[column] = entered <= to && separated >= from ? 1 : 0;
  values.OtherTheater = rng.chance(0.1) ? 1 : 0;
  values.MilitaryBranch = rng.pick([1, 1, 2, 3, 4, 6]);
  values.DischargeStatus = rng.weighted([
    [1, 60],
    [2, 20],
    [6, 10],
    [7, 5],
    [4, 5],
  ]);
  return values;
}

/** [type (list 1.3), chance of yes for an adult, for a child] */
const DISABILITY_RATES: readonly (readonly [number, number, number])[] = [
  [5, 0.2, 0.03],
  [6, 0.05, 0.05],
  [7, 0.2, 0.03],
  [10, 0.2, 0],
  [8, 0, 0],
  [9, 0.3, 0.05],
];

function disabilityProfile(rng: Random, adult: boolean): Disability[] {
  return DISABILITY_RATES.map(([type, adultRate, childRate]) => {
    const yes = rng.chance(adult ? adultRate : childRate);
    const unknown = rng.chance(0.03) ? rng.pick([8, 9, 99]) : 0;
    const response = yes ? (type === 10 ? rng.pick([1, 2, 3]) : 1) : unknown;
    const asked = yes && type !== 6 && type !== 8;
    return { type, response, indefinite: asked ? (rng.chance(0.7) ? 1 : 0) : null };
  });
}

/** Gives a person a disabling condition (for permanent supportive housing eligibility). */
export function ensureDisabled(person: Person): void {
  const mental = person.disabilities.find((d) => d.type === 9);
  if (mental && !isDisabling(person)) {
    mental.response = 1;
    mental.indefinite = 1;
  }
}

/** HUD's 3.08 derived from the disability responses. */
export function isDisabling(person: Person): boolean {
  return person.disabilities.some(
    (d) => d.response !== 0 && d.response < 8 && (d.indefinite === 1 || d.type === 6 || d.type === 8),
  );
}

export const isAdult = (person: Person, on: string): boolean => ageOn(person.dob, on) >= 18;
