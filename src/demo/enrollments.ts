/**
 * Each demo household's path through the projects (e.g. coordinated entry → shelter → rapid
 * re-housing), as Enrollment and Exit rows. A step's exit destination is where the household goes
 * next; the last step of a path is left open when it would end after `today` (and sometimes
 * anyway), so about half of all enrollments are exited.
 */
import { codeList } from '../model/index.ts';
import { ensureDisabled, type Household, isAdult, isDisabling, type Member } from './clients.ts';
import { exitDestination, firstSituation, PATHS, SITUATION_AFTER, timeline } from './paths.ts';
import { DEMO_COC, type DemoProject, type DemoProjects, type ProjectKind } from './projects.ts';
import { addDays, type Random } from './random.ts';
import type { DemoTables, Values } from './rows.ts';

/** One person's enrollment, as the other demo modules need it. */
export interface Stay {
  readonly enrollmentId: string;
  readonly member: Member;
  readonly household: Household;
  readonly project: DemoProject;
  readonly entry: string;
  /** Null while the enrollment is open. */
  readonly exit: string | null;
  /** The last day with data: the exit date, or `today` for an open enrollment. */
  readonly lastDay: string;
  /** Where the household went next, if the demo has it enrolled there. */
  readonly next: { readonly project: DemoProject; readonly entry: string } | null;
  readonly adult: boolean;
  readonly head: boolean;
}

const HOMELESS = [116, 101, 118];
const INSTITUTIONAL = [215, 206, 207, 225, 204, 205];

export function buildEnrollments(
  t: DemoTables,
  rng: Random,
  households: readonly Household[],
  projects: DemoProjects,
  today: string,
): Stay[] {
  const stays: Stay[] = [];
  for (const household of households) {
    const path = rng.weighted(PATHS[household.kind]);
    const head = household.members[0] as Member;
    if (path.includes('psh')) ensureDisabled(head.person);
    const steps = timeline(rng, path, household.start, today);
    let situation = firstSituation(rng, household);
    steps.forEach((step, index) => {
      const project = projects[step.kind];
      const following = steps[index + 1];
      const next = following ? { project: projects[following.kind], entry: following.entry } : null;
      const destination = step.exit ? exitDestination(rng, step.kind, following?.kind) : null;
      const history = homelessHistory(rng, project.type, situation, step.entry);
      const householdId = t.nextId('HH', 5);
      const moveIn = moveInDate(rng, step.kind, step.entry, step.exit ?? today);
      const engaged = engagementDate(rng, step.kind, step.entry, step.exit ?? today);
      for (const member of household.members) {
        const adult = isAdult(member.person, step.entry);
        const headOrAdult = member.relationship === 1 || adult;
        const stamp = { created: rng.timestamp(step.entry), user: project.user };
        const enrollmentId = t.add(
          'Enrollment',
          {
            EnrollmentID: t.nextId('EN', 5),
            PersonalID: member.person.id,
            ProjectID: project.id,
            EntryDate: step.entry,
            HouseholdID: householdId,
            RelationshipToHoH: member.relationship,
            EnrollmentCoC: DEMO_COC,
            ...(headOrAdult ? { LivingSituation: situation, ...history } : {}),
            DisablingCondition: isDisabling(member.person) ? 1 : 0,
            DateOfEngagement: headOrAdult ? engaged : null,
            MoveInDate: moveIn,
            ...(headOrAdult && engaged && step.kind === 'so' ? pathStatus(rng, engaged) : {}),
            ...(member.relationship === 1 && member.person.veteran && step.kind === 'rrh' ? ssvf(rng) : {}),
          },
          step.exit ? { ...stamp, updated: rng.timestamp(step.exit) } : stamp,
        );
        if (step.exit && destination) {
          t.add(
            'Exit',
            {
              ExitID: t.nextId('EX', 5),
              EnrollmentID: enrollmentId,
              PersonalID: member.person.id,
              ExitDate: step.exit,
              ...destination,
            },
            { created: rng.timestamp(step.exit), user: project.user },
          );
        }
        stays.push({
          enrollmentId,
          member,
          household,
          project,
          entry: step.entry,
          exit: step.exit,
          lastDay: step.exit ?? today,
          next,
          adult,
          head: member.relationship === 1,
        });
      }
      situation = SITUATION_AFTER[step.kind] ?? situation;
    });
  }
  return stays;
}

/** HUD's 3.917 (prior living situation and homeless history) for a head of household or adult. */
function homelessHistory(rng: Random, projectType: number, situation: number, entry: string): Values {
  const homeless = HOMELESS.includes(situation);
  const institutional = INSTITUTIONAL.includes(situation);
  const lengthOfStay = homeless
    ? rng.pick([2, 3, 4, 5])
    : rng.weighted([
        [10, 2],
        [11, 3],
        [2, 3],
        [3, 3],
        [4, 2],
        [5, 2],
      ]);
  const days = rng.int(7, 900);
  const history = {
    DateToStreetESSH: addDays(entry, -days),
    TimesHomelessPastThreeYears: rng.weighted([
      [1, 60],
      [2, 20],
      [3, 10],
      [4, 10],
    ]),
    MonthsHomelessPastThreeYears: days > 365 ? 113 : 100 + Math.max(1, Math.ceil(days / 30.5)),
  };
  const base: Values = { RentalSubsidyType: situation === 435 ? 431 : null, LengthOfStay: lengthOfStay };
  // 3.917A (street outreach, emergency shelter, safe haven): the history is always asked.
  if ([0, 1, 4, 8].includes(projectType) || homeless) return { ...base, ...history };
  // 3.917B: only when the stay was short (under 90 days in an institution, under 7 elsewhere).
  const short = institutional ? [10, 11, 2, 3].includes(lengthOfStay) : [10, 11].includes(lengthOfStay);
  if (!short) return { ...base, LOSUnderThreshold: 0 };
  const previous = rng.chance(0.7) ? 1 : 0;
  return { ...base, LOSUnderThreshold: 1, PreviousStreetESSH: previous, ...(previous ? history : {}) };
}

/** 3.20 for permanent housing that houses people (PSH, RRH housing). */
function moveInDate(rng: Random, kind: ProjectKind, entry: string, lastDay: string): string | null {
  if (kind !== 'psh' && kind !== 'rrh') return null;
  const moveIn = addDays(entry, kind === 'psh' ? rng.int(0, 20) : rng.int(5, 70));
  return moveIn <= lastDay ? moveIn : null;
}

/** 4.13 for street outreach and night-by-night shelter. */
function engagementDate(rng: Random, kind: ProjectKind, entry: string, lastDay: string): string | null {
  if (kind !== 'so' && kind !== 'esNightByNight') return null;
  if (rng.chance(0.2)) return null;
  const engaged = addDays(entry, rng.int(0, 30));
  return engaged <= lastDay ? engaged : null;
}

/** PATH status (P3) for an engaged adult in the PATH-funded outreach project. */
function pathStatus(rng: Random, engaged: string): Values {
  const enrolled = rng.chance(0.8) ? 1 : 0;
  return {
    DateOfPATHStatus: engaged,
    ClientEnrolledInPATH: enrolled,
    ReasonNotEnrolled: enrolled ? null : rng.pick([1, 2, 3]),
  };
}

/** SSVF elements (V4, V6) for a veteran head of household in the SSVF-funded RRH project. */
function ssvf(rng: Random): Values {
  const stations = codeList('V6.1').codes.slice(0, 12);
  return { PercentAMI: rng.pick([1, 1, 2, 3]), VAMCStation: rng.pick(stations).code };
}
