/**
 * The made-up organizations, users, projects, sites and inventory of the demo CoC: data only; the
 * rows are built in `projects.ts`.
 */

/** The demo's projects by role; `ProjectType` codes are HUD's list 2.02.6. */
export type ProjectKind =
  | 'esEntryExit'
  | 'esNightByNight'
  | 'th'
  | 'psh'
  | 'so'
  | 'sso'
  | 'rrh'
  | 'rrhServices'
  | 'ce';

export interface DemoProject {
  readonly kind: ProjectKind;
  readonly id: string;
  readonly name: string;
  readonly type: number;
  readonly user: string;
  readonly start: string;
}

export type DemoProjects = Readonly<Record<ProjectKind, DemoProject>>;

export interface ProjectPlan {
  readonly kind: ProjectKind;
  readonly id: string;
  readonly org: number;
  readonly name: string;
  readonly type: number;
  readonly housingType?: number;
  readonly rrhSubType?: number;
  readonly residentialAffiliation?: number;
  /** [HUD funder code (list 2.06.1), grant ID] */
  readonly funders: readonly (readonly [number, string])[];
  readonly hopwa?: boolean;
  readonly yearsOpen: number;
}

export const ORGANIZATIONS = [
  { id: 'ORG-1', name: 'Example Housing Alliance', common: 'EHA' },
  { id: 'ORG-2', name: 'Sample Street Outreach Collective', common: null },
  { id: 'ORG-3', name: 'Demo Family Housing Partners', common: 'DFHP' },
];

/** One fictional case manager per organization, plus the administrator who set projects up. */
export const USERS = [
  { id: 'demo-admin', first: 'Demo', last: 'Administrator', phone: '5555550100' },
  { id: 'demo-user-1', first: 'Casey', last: 'Caseworker', phone: '5555550101' },
  { id: 'demo-user-2', first: 'Jordan', last: 'Fieldworker', phone: '5555550102' },
  { id: 'demo-user-3', first: 'Riley', last: 'Housingworker', phone: '5555550103' },
];

export const PROJECTS: readonly ProjectPlan[] = [
  {
    kind: 'esEntryExit',
    id: 'ES-EE',
    org: 1,
    name: 'Example Emergency Shelter',
    type: 0,
    housingType: 1,
    funders: [[8, 'DEMO-ESG-ES-001']],
    yearsOpen: 12,
  },
  {
    kind: 'esNightByNight',
    id: 'ES-NBN',
    org: 1,
    name: 'Example Night-by-Night Shelter',
    type: 1,
    housingType: 1,
    funders: [[46, 'DEMO-CITY-002']],
    yearsOpen: 9,
  },
  {
    kind: 'th',
    id: 'TH',
    org: 1,
    name: 'Example Transitional Housing for Youth',
    type: 2,
    housingType: 2,
    funders: [[5, 'XX0001L5X000001']],
    yearsOpen: 7,
  },
  {
    kind: 'so',
    id: 'SO',
    org: 2,
    name: 'Sample Street Outreach',
    type: 4,
    funders: [
      [11, 'DEMO-ESG-SO-003'],
      [21, 'DEMO-PATH-004'],
    ],
    yearsOpen: 10,
  },
  {
    kind: 'sso',
    id: 'SSO',
    org: 2,
    name: 'Sample Supportive Services',
    type: 6,
    residentialAffiliation: 1,
    funders: [[4, 'XX0002L5X000002']],
    yearsOpen: 6,
  },
  {
    kind: 'ce',
    id: 'CE',
    org: 2,
    name: 'Sample Coordinated Entry Access Point',
    type: 14,
    funders: [[4, 'XX0003L5X000003']],
    yearsOpen: 8,
  },
  {
    kind: 'psh',
    id: 'PSH',
    org: 3,
    name: 'Demo Permanent Supportive Housing',
    type: 3,
    housingType: 3,
    funders: [
      [2, 'XX0004L5X000004'],
      [15, 'DEMO-HOPWA-005'],
    ],
    hopwa: true,
    yearsOpen: 11,
  },
  {
    kind: 'rrh',
    id: 'RRH',
    org: 3,
    name: 'Demo Rapid Re-Housing',
    type: 13,
    rrhSubType: 2,
    housingType: 3,
    funders: [
      [3, 'XX0005L5X000005'],
      [33, 'DEMO-SSVF-006'],
    ],
    yearsOpen: 8,
  },
  {
    kind: 'rrhServices',
    id: 'RRH-SO',
    org: 3,
    name: 'Demo Rapid Re-Housing Services',
    type: 13,
    rrhSubType: 1,
    residentialAffiliation: 1,
    funders: [[3, 'XX0006L5X000006']],
    yearsOpen: 5,
  },
];

/** Services-only projects serving residents of a residential project (HUD's Affiliation rule). */
export const AFFILIATIONS: readonly (readonly [ProjectKind, ProjectKind])[] = [
  ['sso', 'psh'],
  ['rrhServices', 'rrh'],
];

export const SITES = [
  { address: '100 Example Street', city: 'Exampleton', zip: '00010', geocode: '000510', geography: 1 },
  { address: '25 Sample Avenue', city: 'Sampleville', zip: '00020', geocode: '000520', geography: 2 },
  { address: '7 Placeholder Road', city: 'Demo Springs', zip: '00030', geocode: '000530', geography: 3 },
];

/** [HouseholdType (2.07.4), units, beds, veteran beds] per residential project. */
export const INVENTORY: Partial<Record<ProjectKind, readonly (readonly [number, number, number, number])[]>> =
  {
    esEntryExit: [
      [1, 30, 30, 0],
      [3, 8, 24, 0],
    ],
    esNightByNight: [[1, 40, 40, 0]],
    th: [
      [1, 10, 10, 0],
      [3, 6, 15, 0],
    ],
    psh: [
      [1, 25, 25, 5],
      [3, 5, 15, 0],
    ],
    rrh: [
      [1, 20, 20, 8],
      [3, 10, 30, 0],
    ],
  };
