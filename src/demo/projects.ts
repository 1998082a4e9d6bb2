/**
 * The project side of the demo export: Export, Organization, User, Project, Funder, ProjectCoC,
 * Inventory, Affiliation, HMISParticipation and CEParticipation. Every name, address and ID is
 * made up; the CoC is `XX-500`, the placeholder code HUD uses in its own samples.
 */
import {
  AFFILIATIONS,
  type DemoProject,
  type DemoProjects,
  INVENTORY,
  ORGANIZATIONS,
  PROJECTS,
  type ProjectKind,
  SITES,
  USERS,
} from './catalog.ts';
import { addDays, addYears, maxDate, type Random } from './random.ts';
import type { DemoTables } from './rows.ts';

export type { DemoProject, DemoProjects, ProjectKind } from './catalog.ts';

export const DEMO_COC = 'XX-500';
export const SOFTWARE_NAME = 'Hearth demo';

export function buildExport(t: DemoTables, today: string): void {
  t.add('Export', {
    ExportID: t.exportId,
    SourceType: 1,
    SourceID: DEMO_COC,
    SourceName: 'Hearth demo CoC',
    SourceContactFirst: 'Demo',
    SourceContactLast: 'Administrator',
    SourceContactPhone: '5555550100',
    SourceContactEmail: 'demo-admin@example.org',
    ExportDate: `${today} 21:00:00`,
    ExportStartDate: addYears(today, -3),
    ExportEndDate: today,
    SoftwareName: SOFTWARE_NAME,
    SoftwareVersion: '0.1.0',
    CSVVersion: 'FY2026',
    ExportPeriodType: 3,
    ExportDirective: 2,
    HashStatus: 1,
    ImplementationID: 'HEARTH-DEMO',
  });
}

export function buildProjects(t: DemoTables, rng: Random, today: string): DemoProjects {
  const founded = addYears(today, -15);
  for (const user of USERS) {
    const created = rng.timestamp(addDays(founded, rng.int(0, 60)));
    t.add(
      'User',
      {
        UserID: user.id,
        UserFirstName: user.first,
        UserLastName: user.last,
        UserPhone: user.phone,
        UserEmail: `${user.first}.${user.last}@example.org`.toLowerCase(),
      },
      { created, user: user.id },
    );
  }
  const admin = (date: string) => ({ created: rng.timestamp(date), user: 'demo-admin' });
  for (const org of ORGANIZATIONS) {
    t.add(
      'Organization',
      {
        OrganizationID: org.id,
        OrganizationName: org.name,
        VictimServiceProvider: 0,
        OrganizationCommonName: org.common,
      },
      admin(addDays(founded, rng.int(61, 120))),
    );
  }
  const projects = {} as Record<ProjectKind, DemoProject>;
  PROJECTS.forEach((plan, index) => {
    const start = addDays(addYears(today, -plan.yearsOpen), rng.int(0, 200));
    const user = `demo-user-${plan.org}`;
    const stamp = admin(start);
    t.add(
      'Project',
      {
        ProjectID: plan.id,
        OrganizationID: `ORG-${plan.org}`,
        ProjectName: plan.name,
        OperatingStartDate: start,
        ContinuumProject: 1,
        ProjectType: plan.type,
        HousingType: plan.housingType,
        RRHSubType: plan.rrhSubType,
        ResidentialAffiliation: plan.residentialAffiliation,
        TargetPopulation: 4,
        HOPWAMedAssistedLivingFac: plan.hopwa ? 0 : 2,
      },
      stamp,
    );
    projects[plan.kind] = { kind: plan.kind, id: plan.id, name: plan.name, type: plan.type, user, start };
    for (const [funder, grant] of plan.funders) {
      t.add(
        'Funder',
        {
          FunderID: t.nextId('FN-', 2),
          ProjectID: plan.id,
          Funder: funder,
          OtherFunder: funder === 46 ? 'City of Exampleton general fund' : null,
          GrantID: grant,
          StartDate: start,
        },
        stamp,
      );
    }
    const site = SITES[index % SITES.length] as (typeof SITES)[number];
    const outdoors = plan.type === 4;
    t.add(
      'ProjectCoC',
      {
        ProjectCoCID: t.nextId('PC-', 2),
        ProjectID: plan.id,
        CoCCode: DEMO_COC,
        Geocode: site.geocode,
        Address1: outdoors ? null : site.address,
        City: site.city,
        State: 'XX',
        ZIP: site.zip,
        GeographyType: site.geography,
      },
      stamp,
    );
    const emergency = plan.type === 0 || plan.type === 1;
    for (const [householdType, units, beds, vetBeds] of INVENTORY[plan.kind] ?? []) {
      t.add(
        'Inventory',
        {
          InventoryID: t.nextId('IN-', 2),
          ProjectID: plan.id,
          CoCCode: DEMO_COC,
          HouseholdType: householdType,
          Availability: emergency ? 1 : null,
          UnitInventory: units,
          BedInventory: beds,
          CHVetBedInventory: 0,
          YouthVetBedInventory: 0,
          VetBedInventory: vetBeds,
          CHYouthBedInventory: 0,
          YouthBedInventory: plan.kind === 'th' ? beds : 0,
          CHBedInventory: 0,
          OtherBedInventory: plan.kind === 'th' ? 0 : beds - vetBeds,
          ESBedType: emergency ? 1 : null,
          InventoryStartDate: start,
        },
        stamp,
      );
    }
    t.add(
      'HMISParticipation',
      {
        HMISParticipationID: t.nextId('HP-', 2),
        ProjectID: plan.id,
        HMISParticipationType: 1,
        HMISParticipationStatusStartDate: start,
      },
      stamp,
    );
  });
  addSeasonalBeds(t, projects.esNightByNight, today);
  for (const [services, residential] of AFFILIATIONS) {
    t.add(
      'Affiliation',
      {
        AffiliationID: t.nextId('AF-', 2),
        ProjectID: projects[services].id,
        ResProjectID: projects[residential].id,
      },
      admin(projects[services].start),
    );
  }
  addCEParticipation(t, projects, admin);
  return projects;
}

/** Winter overflow beds at the night-by-night shelter: a seasonal inventory with an end date. */
function addSeasonalBeds(t: DemoTables, shelter: DemoProject, today: string): void {
  // The most recent winter (1 November to 31 March) that ended before `today`.
  let start = `${Number(today.slice(0, 4)) - 1}-11-01`;
  if (addDays(start, 150) >= today) start = addYears(start, -1);
  t.add(
    'Inventory',
    {
      InventoryID: t.nextId('IN-', 2),
      ProjectID: shelter.id,
      CoCCode: DEMO_COC,
      HouseholdType: 1,
      Availability: 2,
      UnitInventory: 15,
      BedInventory: 15,
      CHVetBedInventory: 0,
      YouthVetBedInventory: 0,
      VetBedInventory: 0,
      CHYouthBedInventory: 0,
      YouthBedInventory: 0,
      CHBedInventory: 0,
      OtherBedInventory: 15,
      ESBedType: 3,
      InventoryStartDate: start,
      InventoryEndDate: addDays(start, 150),
    },
    { created: `${addDays(start, -10)} 10:00:00`, user: 'demo-admin' },
  );
}

/** The access point and the projects that take referrals from coordinated entry. */
function addCEParticipation(
  t: DemoTables,
  projects: DemoProjects,
  stamp: (date: string) => { created: string; user: string },
): void {
  const accessPoint = projects.ce;
  t.add(
    'CEParticipation',
    {
      CEParticipationID: t.nextId('CP-', 2),
      ProjectID: accessPoint.id,
      AccessPoint: 1,
      PreventionAssessment: 0,
      CrisisAssessment: 1,
      HousingAssessment: 1,
      DirectServices: 0,
      ReceivesReferrals: 0,
      CEParticipationStatusStartDate: accessPoint.start,
    },
    stamp(accessPoint.start),
  );
  for (const kind of ['th', 'psh', 'rrh'] as const) {
    const since = maxDate(accessPoint.start, projects[kind].start);
    t.add(
      'CEParticipation',
      {
        CEParticipationID: t.nextId('CP-', 2),
        ProjectID: projects[kind].id,
        AccessPoint: 0,
        ReceivesReferrals: 1,
        CEParticipationStatusStartDate: since,
      },
      stamp(since),
    );
  }
}
