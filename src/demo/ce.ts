/**
 * Coordinated entry for heads of household: a current living situation at entry, crisis and
 * housing needs assessments (with the questions and results of a made-up local tool), and events:
 * diversion, assessment referrals and the referral into the project the household entered next.
 */
import type { Stay } from './enrollments.ts';
import type { ProjectKind } from './projects.ts';
import { addDays, daysBetween, minDate, type Random } from './random.ts';
import type { DemoTables, Values } from './rows.ts';

const LOCATION = 'Sample Access Center, 25 Sample Avenue';

/** Event codes (list 4.20.2) for a referral into a project of each kind. */
const REFERRAL_EVENT: Partial<Record<ProjectKind, number>> = {
  esEntryExit: 10,
  esNightByNight: 10,
  th: 11,
  rrh: 13,
  rrhServices: 13,
  psh: 14,
};

export function addCoordinatedEntry(t: DemoTables, rng: Random, stay: Stay): void {
  if (stay.project.kind !== 'ce' || !stay.head) return;
  const keys = { EnrollmentID: stay.enrollmentId, PersonalID: stay.member.person.id };
  const stamp = (date: string) => ({ created: rng.timestamp(date), user: stay.project.user });
  const day = () => addDays(stay.entry, rng.int(0, daysBetween(stay.entry, stay.lastDay)));

  const situation = rng.weighted([
    [116, 5],
    [101, 4],
    [118, 1],
    [335, 2],
  ]);
  const leaving = situation === 335 ? 1 : null;
  t.add(
    'CurrentLivingSituation',
    {
      CurrentLivingSitID: t.nextId('CLS', 5),
      ...keys,
      InformationDate: stay.entry,
      CurrentLivingSituation: situation,
      VerifiedBy: 'Sample Coordinated Entry staff',
      LeaveSituation14Days: leaving,
      SubsequentResidence: leaving ? 0 : null,
      ResourcesToObtain: leaving ? 0 : null,
      LeaseOwn60Day: leaving ? 0 : null,
      MovedTwoOrMore: leaving ? rng.pick([0, 1]) : null,
    },
    stamp(stay.entry),
  );

  addAssessment(t, rng, keys, stay.entry, 1, stamp(stay.entry));
  if (daysBetween(stay.entry, stay.lastDay) >= 3 && rng.chance(0.7)) {
    const date = addDays(stay.entry, rng.int(1, daysBetween(stay.entry, stay.lastDay)));
    addAssessment(t, rng, keys, date, 2, stamp(date));
  }

  const event = (date: string, values: Values) =>
    t.add('Event', { EventID: t.nextId('EV', 4), ...keys, EventDate: date, ...values }, stamp(date));
  if (rng.chance(0.4)) event(stay.entry, { Event: 2, ProbSolDivRRResult: stay.next ? 0 : rng.pick([0, 1]) });
  if (rng.chance(0.5)) event(stay.entry, { Event: rng.pick([3, 4]) });
  const referral = stay.next ? REFERRAL_EVENT[stay.next.project.kind] : undefined;
  if (stay.next && referral) {
    event(day(), {
      Event: referral,
      LocationCrisisOrPHHousing: stay.next.project.name,
      ReferralResult: 1,
      ResultDate: stay.next.entry,
    });
  } else if (stay.exit && rng.chance(0.5)) {
    const date = day();
    event(date, {
      Event: rng.pick([13, 14]),
      LocationCrisisOrPHHousing: 'Outside Housing Provider (demo)',
      ReferralResult: rng.pick([2, 3]),
      ResultDate: minDate(addDays(date, rng.int(1, 10)), stay.lastDay),
    });
  }
}

/** A made-up local assessment tool: [group, question, possible answers]. */
const QUESTIONS: readonly (readonly [string, string, readonly string[]])[] = [
  ['Housing history', 'Where did you sleep last night?', ['Outside', 'Shelter', 'Car', 'With family']],
  ['Housing history', 'Times homeless in the past three years', ['1', '2', '3', '4 or more']],
  ['Health', 'Do you have a health condition that makes it hard to keep housing?', ['Yes', 'No']],
  ['Safety', 'Do you feel safe where you are staying now?', ['Yes', 'No', 'Prefers not to answer']],
  ['Income', 'Monthly household income', ['None', 'Under $500', '$500 to $1,000', 'Over $1,000']],
];

function addAssessment(
  t: DemoTables,
  rng: Random,
  keys: { EnrollmentID: string; PersonalID: string },
  date: string,
  level: 1 | 2,
  stamp: { created: string; user: string },
): void {
  const assessmentId = t.add(
    'Assessment',
    {
      AssessmentID: t.nextId('AS', 4),
      ...keys,
      AssessmentDate: date,
      AssessmentLocation: LOCATION,
      AssessmentType: rng.weighted([
        [3, 6],
        [1, 3],
        [2, 1],
      ]),
      AssessmentLevel: level,
      PrioritizationStatus: level === 2 ? rng.pick([1, 1, 2]) : 2,
    },
    stamp,
  );
  const parent = { AssessmentID: assessmentId, ...keys };
  QUESTIONS.forEach(([group, question, answers], index) => {
    t.add(
      'AssessmentQuestions',
      {
        AssessmentQuestionID: t.nextId('AQ', 5),
        ...parent,
        AssessmentQuestionGroup: group,
        AssessmentQuestionOrder: index + 1,
        AssessmentQuestion: question,
        AssessmentAnswer: rng.pick(answers),
      },
      stamp,
    );
  });
  const score = rng.int(0, 17);
  t.add(
    'AssessmentResults',
    {
      AssessmentResultID: t.nextId('AR', 4),
      ...parent,
      AssessmentResultType: 'Demo vulnerability score',
      AssessmentResult: String(score),
    },
    stamp,
  );
  if (level === 2) {
    t.add(
      'AssessmentResults',
      {
        AssessmentResultID: t.nextId('AR', 4),
        ...parent,
        AssessmentResultType: 'Recommended intervention',
        AssessmentResult:
          score >= 12 ? 'Permanent supportive housing' : score >= 6 ? 'Rapid re-housing' : 'Diversion',
      },
      stamp,
    );
  }
}
