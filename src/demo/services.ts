/**
 * Services.csv (bed nights, PATH, HOPWA, SSVF and Moving On records, each RecordType with its own
 * TypeProvided list) and the street outreach contacts in CurrentLivingSituation.csv.
 */
import { codeList } from '../model/index.ts';
import type { Stay } from './enrollments.ts';
import { addDays, daysBetween, minDate, money, type Random } from './random.ts';
import type { DemoTables, Values } from './rows.ts';

/** The highest bed-night count for one stay (night-by-night stays are short anyway). */
const MAX_BED_NIGHTS = 30;

export function addServices(t: DemoTables, rng: Random, stay: Stay): void {
  const kind = stay.project.kind;
  if (kind === 'esNightByNight') addBedNights(t, rng, stay);
  if (!stay.head) return;
  if (kind === 'so') {
    addOutreachContacts(t, rng, stay);
    if (stay.adult) addPathServices(t, rng, stay);
  }
  if (kind === 'psh') addHopwa(t, rng, stay);
  // Moving On assistance (300, list C2.2) for tenants getting ready to leave supportive housing.
  if (kind === 'psh' && rng.chance(stay.exit ? 0.7 : 0.3)) {
    service(t, rng, stay, stay.exit ?? dayIn(rng, stay), {
      RecordType: 300,
      TypeProvided: rng.pick([1, 2, 3, 4]),
    });
  }
  if (kind === 'rrh' && stay.member.person.veteran) addSsvf(t, rng, stay);
}

/** A day between entry and the stay's last day. */
function dayIn(rng: Random, stay: Stay): string {
  return addDays(stay.entry, rng.int(0, daysBetween(stay.entry, stay.lastDay)));
}

function service(t: DemoTables, rng: Random, stay: Stay, date: string, values: Values): void {
  t.add(
    'Services',
    {
      ServicesID: t.nextId('SV', 6),
      EnrollmentID: stay.enrollmentId,
      PersonalID: stay.member.person.id,
      DateProvided: date,
      ...values,
    },
    { created: rng.timestamp(date), user: stay.project.user },
  );
}

/** Night-by-night shelter: a bed night for each night from entry to the night before exit. */
function addBedNights(t: DemoTables, rng: Random, stay: Stay): void {
  const nights = Math.min(MAX_BED_NIGHTS, Math.max(1, daysBetween(stay.entry, stay.lastDay)));
  for (let night = 0; night < nights; night++) {
    if (night > 0 && rng.chance(0.15)) continue;
    service(t, rng, stay, addDays(stay.entry, night), { RecordType: 200, TypeProvided: 200 });
  }
}

const CONTACT_PLACES = [
  'Under the Example Avenue overpass',
  'Sample Park, near the east gate',
  'Parked car behind the Demo Mart',
  'Riverbank camp south of Placeholder Bridge',
  'Bus shelter at 3rd and Sample',
];

/** Street outreach contacts (4.12), the first on the entry date. */
function addOutreachContacts(t: DemoTables, rng: Random, stay: Stay): void {
  const contacts = rng.int(1, 4);
  for (let i = 0; i < contacts; i++) {
    const date = i === 0 ? stay.entry : dayIn(rng, stay);
    const situation = rng.weighted([
      [116, 12],
      [101, 2],
      [118, 1],
      [336, 1],
    ]);
    const housed = situation === 336;
    const leaving = housed ? rng.pick([0, 1]) : null;
    t.add(
      'CurrentLivingSituation',
      {
        CurrentLivingSitID: t.nextId('CLS', 5),
        EnrollmentID: stay.enrollmentId,
        PersonalID: stay.member.person.id,
        InformationDate: date,
        CurrentLivingSituation: situation,
        LeaveSituation14Days: leaving,
        SubsequentResidence: leaving === 1 ? 0 : null,
        ResourcesToObtain: leaving === 1 ? 0 : null,
        LeaseOwn60Day: leaving === 1 ? 0 : null,
        MovedTwoOrMore: leaving === 1 ? rng.pick([0, 1]) : null,
        LocationDetails: situation === 116 ? rng.pick(CONTACT_PLACES) : null,
      },
      { created: rng.timestamp(date), user: stay.project.user },
    );
  }
}

/** PATH services (141, list P1.2) and referrals (161, list P2.2, with an outcome). */
function addPathServices(t: DemoTables, rng: Random, stay: Stay): void {
  for (let i = rng.int(1, 3); i > 0; i--) {
    service(t, rng, stay, dayIn(rng, stay), { RecordType: 141, TypeProvided: rng.pick([1, 2, 4, 6, 14]) });
  }
  if (rng.chance(0.5)) {
    service(t, rng, stay, dayIn(rng, stay), {
      RecordType: 161,
      TypeProvided: rng.pick([1, 2, 3, 6, 7, 8]),
      ReferralOutcome: rng.pick([1, 2, 3]),
    });
  }
}

/** HOPWA services (143, list W1.2) and financial assistance (151, list W2.2, with an amount). */
function addHopwa(t: DemoTables, rng: Random, stay: Stay): void {
  for (let i = rng.int(1, 3); i > 0; i--) {
    service(t, rng, stay, dayIn(rng, stay), { RecordType: 143, TypeProvided: rng.pick([2, 7, 8, 10, 13]) });
  }
  if (rng.chance(0.5)) {
    const type = rng.pick([1, 2, 3, 4]);
    const amount = type === 1 ? rng.int(400, 1200) : rng.int(50, 400) + rng.int(0, 99) / 100;
    service(t, rng, stay, dayIn(rng, stay), { RecordType: 151, TypeProvided: type, FAAmount: money(amount) });
  }
}

/** SSVF services (144, list V2.2; sub-types V2.A–C for 3–5) and financial assistance (152, list V3.4). */
function addSsvf(t: DemoTables, rng: Random, stay: Stay): void {
  const subTypeLists: Record<number, string> = { 3: 'V2.A', 4: 'V2.B', 5: 'V2.C' };
  for (let i = rng.int(2, 4); i > 0; i--) {
    const type = rng.pick([1, 2, 3, 4, 5, 10]);
    const list = subTypeLists[type];
    service(t, rng, stay, dayIn(rng, stay), {
      RecordType: 144,
      TypeProvided: type,
      SubTypeProvided: list ? rng.pick(codeList(list).codes).code : null,
    });
  }
  for (let i = rng.int(1, 3); i > 0; i--) {
    const date = dayIn(rng, stay);
    const type = rng.pick([1, 1, 2, 3, 5, 8]);
    const rent = type === 1;
    service(t, rng, stay, date, {
      RecordType: 152,
      TypeProvided: type,
      FAAmount: money(rent ? rng.int(6, 14) * 100 : rng.int(25, 600) + rng.int(0, 99) / 100),
      FAStartDate: rent ? date : null,
      FAEndDate: rent ? minDate(addDays(date, 29), stay.lastDay) : null,
    });
  }
}
