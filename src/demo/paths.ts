/**
 * Where each kind of demo household goes: its path through the projects, how long each stay
 * lasts, where it slept before the first entry, and the destination of each exit.
 */
import type { Household } from './clients.ts';
import type { ProjectKind } from './projects.ts';
import { addDays, type Random } from './random.ts';
import type { Values } from './rows.ts';

export type Path = readonly ProjectKind[];

export const PATHS: Readonly<Record<Household['kind'], readonly (readonly [Path, number])[]>> = {
  single: [
    [['so', 'esEntryExit'], 3],
    [['ce', 'esNightByNight'], 2],
    [['ce', 'esEntryExit', 'psh'], 2],
    [['ce', 'esEntryExit', 'rrh'], 2],
    [['esNightByNight', 'esEntryExit'], 1],
    [['sso'], 1],
    [['so'], 1],
  ],
  veteran: [
    [['ce', 'esEntryExit', 'rrh'], 3],
    [['so', 'rrh'], 1],
    [['ce', 'psh'], 1],
  ],
  family: [
    [['ce', 'esEntryExit', 'rrh'], 3],
    [['ce', 'th'], 2],
    [['esEntryExit'], 1],
    [['ce', 'psh'], 1],
    [['ce', 'rrhServices'], 1],
  ],
  youth: [
    [['ce', 'th'], 2],
    [['ce', 'rrh'], 1],
    [['so', 'ce', 'th'], 1],
  ],
};

/** Length of a stay in days: [min, max]. */
export const STAY_DAYS: Readonly<Record<ProjectKind, readonly [number, number]>> = {
  ce: [1, 45],
  so: [20, 150],
  esNightByNight: [3, 20],
  esEntryExit: [10, 120],
  th: [60, 500],
  rrh: [60, 400],
  psh: [200, 900],
  sso: [30, 300],
  rrhServices: [60, 300],
};

/** Where someone stayed the night before entering a project after `kind` (3.917.1). */
export const SITUATION_AFTER: Partial<Record<ProjectKind, number>> = {
  so: 116,
  esEntryExit: 101,
  esNightByNight: 101,
  th: 302,
};

/** The destination (3.12.1, with 3.12.A subsidy) of an exit into a project of `kind`. */
export const DESTINATION_INTO: Readonly<Record<ProjectKind, readonly [number, number | null]>> = {
  so: [116, null],
  ce: [116, null],
  sso: [101, null],
  esEntryExit: [101, null],
  esNightByNight: [101, null],
  th: [302, null],
  rrh: [435, 431],
  rrhServices: [435, 431],
  psh: [435, 439],
};

/** Final destinations: [code, weight]; 435 gets a subsidy, 17 a description. */
const FINAL_DESTINATIONS: readonly (readonly [number, number])[] = [
  [410, 20],
  [435, 15],
  [422, 10],
  [423, 8],
  [116, 8],
  [101, 8],
  [314, 5],
  [411, 2],
  [206, 3],
  [17, 4],
  [30, 10],
  [8, 2],
  [99, 5],
];

const OTHER_DESTINATIONS = ['Moved out of state with a relative', 'Cabin at a seasonal work site'];

export interface Step {
  readonly kind: ProjectKind;
  readonly entry: string;
  readonly exit: string | null;
}

export function timeline(rng: Random, path: Path, start: string, today: string): Step[] {
  const steps: Step[] = [];
  let entry = start;
  for (const [index, kind] of path.entries()) {
    const [min, max] = STAY_DAYS[kind];
    let exit: string | null = addDays(entry, rng.int(min, max));
    if (kind === 'esNightByNight') {
      // Night-by-night shelters exit people who stop coming; never leave one open.
      if (exit >= today) exit = addDays(today, -1);
      if (exit <= entry) break;
    } else if (exit >= today || (index === path.length - 1 && rng.chance(0.75))) {
      exit = null;
    }
    steps.push({ kind, entry, exit });
    if (!exit) break;
    entry = addDays(exit, rng.int(0, 3));
    if (entry >= today) break;
  }
  return steps;
}

export function firstSituation(rng: Random, household: Household): number {
  if (household.kind === 'family') {
    return rng.weighted([
      [101, 3],
      [116, 2],
      [335, 3],
      [336, 2],
      [410, 2],
      [314, 1],
    ]);
  }
  return rng.weighted([
    [116, 6],
    [101, 4],
    [118, 1],
    [335, 2],
    [336, 2],
    [206, 1],
    [207, 1],
    [410, 1],
  ]);
}

export function exitDestination(rng: Random, kind: ProjectKind, next: ProjectKind | undefined): Values {
  if (next) {
    const [code, subsidy] = DESTINATION_INTO[next];
    return { Destination: code, DestinationSubsidyType: subsidy };
  }
  const code = kind === 'ce' ? rng.pick([30, 99, 422]) : rng.weighted(FINAL_DESTINATIONS);
  return {
    Destination: code,
    DestinationSubsidyType: code === 435 ? rng.pick([420, 431, 433, 434, 436]) : null,
    OtherDestination: code === 17 ? rng.pick(OTHER_DESTINATIONS) : null,
  };
}
