/**
 * The OperationDefinitions of Hearth's own operations, served at `OperationDefinition/{id}` so that
 * the CapabilityStatement's `definition` URLs describe their parameters. `$everything` is HL7's.
 */
export const OPERATION_BASE = 'https://w3id.org/hearth/fhir/OperationDefinition';

const parameter = (
  name: string,
  use: 'in' | 'out',
  min: number,
  type: string,
  documentation: string,
  targetProfile?: string,
) => ({
  name,
  use,
  min,
  max: '1',
  documentation,
  type,
  ...(targetProfile ? { targetProfile: [targetProfile] } : {}),
});

export const OPERATION_DEFINITIONS = [
  {
    resourceType: 'OperationDefinition',
    id: 'medicaid-eligibility-bundle',
    url: `${OPERATION_BASE}/medicaid-eligibility-bundle`,
    name: 'MedicaidEligibilityBundle',
    title: 'Medicaid eligibility transaction Bundle (HMIS API scenario 13)',
    status: 'active',
    kind: 'operation',
    description:
      'A transaction Bundle for a payer: the Patient, the episode with billable homelessness evidence ' +
      '(ICD-10-CM Z59.00/Z59.01/Z59.02), that SDOH Condition, its Observations, the Medicaid Coverage (member ID ' +
      'as identifier type MB when known) and the HealthcareService and Organization they name. 422 without evidence.',
    code: 'medicaid-eligibility-bundle',
    system: true,
    type: false,
    instance: false,
    affectsState: false,
    parameter: [
      parameter(
        'patient',
        'in',
        1,
        'Reference',
        'The client',
        'http://hl7.org/fhir/StructureDefinition/Patient',
      ),
      parameter(
        'memberId',
        'in',
        0,
        'string',
        'Medicaid member ID for this bundle (default: the stored one)',
      ),
      parameter('return', 'out', 1, 'Bundle', 'The transaction Bundle'),
    ],
  },
  {
    resourceType: 'OperationDefinition',
    id: 'medicaid-member-id',
    url: `${OPERATION_BASE}/medicaid-member-id`,
    name: 'MedicaidMemberId',
    title: "Store a client's Medicaid member ID",
    status: 'active',
    kind: 'operation',
    description:
      'Stores the member ID (Patient.identifier type MA, and the Medicaid Coverage identifier type MB); without ' +
      'memberId, removes it.',
    code: 'medicaid-member-id',
    resource: ['Patient'],
    system: false,
    type: false,
    instance: true,
    affectsState: true,
    parameter: [
      parameter('memberId', 'in', 0, 'string', '1-32 letters, digits or -'),
      parameter('return', 'out', 1, 'OperationOutcome', 'What was done'),
    ],
  },
] as const;
