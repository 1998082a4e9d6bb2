/** OpenHMIS organizations, projects and their records, users ↔ FY2026 (see resources.ts). */
import { type FieldPair, type ResourceMapping, STAMPS } from './types.ts';

export const ORGANIZATION: ResourceMapping = {
  resource: 'organizations',
  table: 'Organization',
  id: 'organizationId',
  parent: 'none',
  fields: [
    ['organizationId', 'OrganizationID'],
    ['organizationName', 'OrganizationName'],
    ['organizationCommonName', 'OrganizationCommonName'],
    ['victimServiceProvider', 'VictimServiceProvider'],
    ...STAMPS,
  ],
  unsupported: [],
};

export const PROJECT: ResourceMapping = {
  resource: 'projects',
  table: 'Project',
  id: 'projectId',
  parent: 'none',
  fields: [
    ['projectId', 'ProjectID'],
    ['organizationId', 'OrganizationID'],
    ['projectName', 'ProjectName'],
    ['projectCommonName', 'ProjectCommonName'],
    ['operatingStartDate', 'OperatingStartDate'],
    ['operatingEndDate', 'OperatingEndDate'],
    ['continuumProject', 'ContinuumProject'],
    ['projectType', 'ProjectType'],
    ['housingType', 'HousingType'],
    ['residentialAffiliation', 'ResidentialAffiliation'],
    ['targetPopulation', 'TargetPopulation'],
    ['pitCount', 'PITCount'],
    ...STAMPS,
  ],
  unsupported: ['trackingMethod', 'grantee'],
};

const UNDER_PROJECT: readonly FieldPair[] = [['projectId', 'ProjectID'], ...STAMPS];

export const PROJECT_CHILDREN: readonly ResourceMapping[] = [
  {
    resource: 'project-cocs',
    table: 'ProjectCoC',
    id: 'projectCocId',
    parent: 'project',
    fields: [
      ['projectCocId', 'ProjectCoCID'],
      ['cocCode', 'CoCCode'],
      ['geocode', 'Geocode'],
      ['geographyType', 'GeographyType'],
      ...UNDER_PROJECT,
    ],
    unsupported: [],
  },
  {
    // 2014 2.8 Site Information: FY2026 keeps a project's geography on its ProjectCoC rows.
    resource: 'sites',
    table: 'ProjectCoC',
    id: 'siteId',
    parent: 'project',
    fields: [
      ['siteId', 'ProjectCoCID'],
      ['cocCode', 'CoCCode'],
      ['geocode', 'Geocode'],
      ['address', 'Address1'],
      ['address2', 'Address2'],
      ['city', 'City'],
      ['state', 'State'],
      ['zip', 'ZIP'],
      ['geographyType', 'GeographyType'],
      ...UNDER_PROJECT,
    ],
    unsupported: ['principalSite'],
  },
  {
    resource: 'funders',
    table: 'Funder',
    id: 'funderId',
    parent: 'project',
    fields: [
      ['funderId', 'FunderID'],
      ['funderCode', 'Funder'],
      ['otherFunder', 'OtherFunder'],
      ['grantId', 'GrantID'],
      ['startDate', 'StartDate'],
      ['endDate', 'EndDate'],
      ...UNDER_PROJECT,
    ],
    unsupported: [],
  },
  {
    resource: 'inventories',
    table: 'Inventory',
    id: 'inventoryId',
    parent: 'project',
    fields: [
      ['inventoryId', 'InventoryID'],
      ['cocCode', 'CoCCode'],
      ['householdType', 'HouseholdType'],
      ['availability', 'Availability'],
      ['unitInventory', 'UnitInventory'],
      ['bedInventory', 'BedInventory'],
      ['chVetBedInventory', 'CHVetBedInventory'],
      ['youthVetBedInventory', 'YouthVetBedInventory'],
      ['vetBedInventory', 'VetBedInventory'],
      ['chYouthBedInventory', 'CHYouthBedInventory'],
      ['youthBedInventory', 'YouthBedInventory'],
      ['chBedInventory', 'CHBedInventory'],
      ['otherBedInventory', 'OtherBedInventory'],
      ['bedType', 'ESBedType'],
      ['inventoryStartDate', 'InventoryStartDate'],
      ['inventoryEndDate', 'InventoryEndDate'],
      ...UNDER_PROJECT,
    ],
    unsupported: ['hmisParticipatingBeds'],
  },
];

export const USER: ResourceMapping = {
  resource: 'users',
  table: 'User',
  id: 'userId',
  parent: 'none',
  fields: [
    ['userId', 'UserID'],
    ['firstName', 'UserFirstName'],
    ['lastName', 'UserLastName'],
    ['phone', 'UserPhone'],
    ['extension', 'UserExtension'],
    ['email', 'UserEmail'],
    ...STAMPS,
  ],
  unsupported: [],
};
