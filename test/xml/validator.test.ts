/** Hearth's own validator on small documents: each rule it checks, and the primary-only switch. */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { versionView } from '../../src/xml/mapping.ts';
import { parseXml } from '../../src/xml/reader.ts';
import { type SchemaIssue, SchemaValidator } from '../../src/xml/validator.ts';
import { compileXPath, type XNode } from '../../src/xml/xpath.ts';

const NS = 'http://www.hudhdx.info/Resources/Vendors/FY2022/HUD_HMIS.xsd';
const META = 'hmis:dateCreated="2020-01-01T00:00:00" hmis:dateUpdated="2020-01-01T00:00:00" hmis:userID="u"';
const organization = `<hmis:Organization ${META}><hmis:OrganizationID>o1</hmis:OrganizationID><hmis:OrganizationName>Org</hmis:OrganizationName><hmis:VictimServiceProvider>0</hmis:VictimServiceProvider></hmis:Organization>`;

function documentWith(records: string): string {
  return `<?xml version="1.0"?>
<hmis:Sources xmlns:hmis="${NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<hmis:Source><hmis:SourceID>s1</hmis:SourceID><hmis:SourceType>1</hmis:SourceType><hmis:SourceName>S</hmis:SourceName><hmis:SoftwareName>T</hmis:SoftwareName>
<hmis:Export><hmis:ExportID>e1</hmis:ExportID><hmis:ExportDate>2020-01-01T00:00:00</hmis:ExportDate>
<hmis:ExportPeriod><hmis:StartDate>2020-01-01</hmis:StartDate><hmis:EndDate>2020-12-31</hmis:EndDate></hmis:ExportPeriod>
<hmis:ExportPeriodType>3</hmis:ExportPeriodType><hmis:ExportDirective>2</hmis:ExportDirective>
${records}
</hmis:Export></hmis:Source></hmis:Sources>`;
}

async function validate(xml: string, assertions = true): Promise<SchemaIssue[]> {
  const validator = new SchemaValidator(versionView('FY2022').schema, { assertions });
  await parseXml(Readable.from([xml]), validator.handler());
  return validator.issues;
}

const rules = (issues: SchemaIssue[]) => issues.map((i) => `${i.rule} ${i.element}: ${i.message}`);

describe('Hearth’s HMIS XML validator', () => {
  it('accepts a small valid document', async () => {
    expect(await validate(documentWith(organization))).toEqual([]);
  });

  it('reports elements out of order, unknown elements, missing children and empty exports', async () => {
    const swapped = organization.replace(
      '<hmis:OrganizationID>o1</hmis:OrganizationID><hmis:OrganizationName>Org</hmis:OrganizationName>',
      '<hmis:OrganizationName>Org</hmis:OrganizationName><hmis:OrganizationID>o1</hmis:OrganizationID>',
    );
    expect(rules(await validate(documentWith(swapped)))).toContain(
      'structure hmis:OrganizationName: <OrganizationName> is not allowed here in <Organization>; expected <OrganizationID>',
    );
    const unknown = organization.replace(
      '</hmis:Organization>',
      '<hmis:Colour>red</hmis:Colour></hmis:Organization>',
    );
    expect(rules(await validate(documentWith(unknown))).join('\n')).toMatch(/<Colour> is not allowed here/);
    expect(rules(await validate(documentWith('')))).toContain(
      'missing hmis:Export: <Export> lacks <Affiliation> or <Assessment> or <AssessmentQuestions> or <AssessmentResults> or <Client> or <ClientVeteranInfo> or <ConnectionWithSOAR> or <CurrentLivingSituation> or <DateOfEngagement> or <Disabilities> or <DomesticViolence> or <Education> or <Employment> or <Enrollment> or <EnrollmentCoC> or <EntryRHSP> or <EntryRHY> or <EntrySSVF> or <Event> or <Exit> or <ExitHousingAssessment> or <ExitRHY> or <Funder> or <HealthInsurance> or <HealthStatus> or <IncomeAndSources> or <Inventory> or <MedicalAssistance> or <MoveInDate> or <NonCashBenefits> or <Organization> or <PATHStatus> or <Project> or <ProjectCoC> or <RHYAftercare> or <RHYBCPStatus> or <ServiceFAReferral> or <User> or <VASHExitReason> or <Wellbeing> or <YouthEducationStatus>',
    );
  });

  it('skips elements of other namespaces (open content) but not text in element-only content', async () => {
    const extended = organization.replace(
      '</hmis:Organization>',
      '<x:Note xmlns:x="urn:x"><x:Deep>1</x:Deep></x:Note></hmis:Organization>',
    );
    expect(await validate(documentWith(extended))).toEqual([]);
    const mixed = organization.replace('<hmis:OrganizationID>', 'stray text<hmis:OrganizationID>');
    expect(rules(await validate(documentWith(mixed))).join('\n')).toMatch(/holds elements only, not text/);
  });

  it('checks attributes: required metadata, types, and undeclared HUD attributes', async () => {
    const missing = organization.replace(' hmis:userID="u"', '');
    expect(rules(await validate(documentWith(missing)))).toContain(
      'attribute hmis:Organization: the attribute userID is required',
    );
    const badDate = organization.replace(
      'hmis:dateCreated="2020-01-01T00:00:00"',
      'hmis:dateCreated="yesterday"',
    );
    expect(rules(await validate(documentWith(badDate))).join('\n')).toMatch(
      /@dateCreated: "yesterday" is not a date and time/,
    );
    const extra = organization.replace(' hmis:userID="u"', ' hmis:userID="u" hmis:colour="red"');
    expect(rules(await validate(documentWith(extra))).join('\n')).toMatch(/hmis:colour is not allowed/);
  });

  it('checks xs:key uniqueness and xs:keyref targets within the Export', async () => {
    const project = (id: string, org: string) =>
      `<hmis:Project ${META}><hmis:ProjectID>${id}</hmis:ProjectID><hmis:OrganizationID>${org}</hmis:OrganizationID><hmis:ProjectName>P</hmis:ProjectName><hmis:OperatingStartDate>2020-01-01</hmis:OperatingStartDate><hmis:ContinuumProject>0</hmis:ContinuumProject><hmis:HMISParticipatingProject>1</hmis:HMISParticipatingProject></hmis:Project>`;
    const issues = rules(
      await validate(documentWith(organization + organization + project('p1', 'nope')), false),
    );
    expect(issues.join('\n')).toMatch(
      /key hmis:OrganizationID: Organization OrganizationID o1 is not unique \(first on line \d+\)/,
    );
    expect(issues.join('\n')).toMatch(
      /keyref Project\/OrganizationID: Project OrganizationID nope names no Organization/,
    );
  });

  it('evaluates xs:assert rules, and the primary switch leaves them out', async () => {
    const project = `<hmis:Project ${META}><hmis:ProjectID>p1</hmis:ProjectID><hmis:OrganizationID>o1</hmis:OrganizationID><hmis:ProjectName>P</hmis:ProjectName><hmis:OperatingStartDate>2020-01-01</hmis:OperatingStartDate><hmis:ContinuumProject>1</hmis:ContinuumProject><hmis:HMISParticipatingProject>1</hmis:HMISParticipatingProject></hmis:Project>`;
    const full = rules(await validate(documentWith(organization + project)));
    // ContinuumProject 1 needs a ProjectType; a Project needs a Funder and a ProjectCoC.
    expect(full.join('\n')).toContain("if (hmis:ContinuumProject/text()='1') then boolean(hmis:ProjectType)");
    expect(full.join('\n')).toContain('fn:count(hmis:Funder[hmis:ProjectID = $id]) ge 1');
    expect(await validate(documentWith(organization + project), false)).toEqual([]);
  });

  it('evaluates the XPath subset HUD uses, including parent steps and value comparisons', () => {
    const leaf = (local: string, text: string): XNode => ({
      local,
      attributes: new Map(),
      text,
      children: [],
    });
    const enrollment = (id: string, household: string, relationship: string): XNode => {
      const node: XNode = { local: 'Enrollment', attributes: new Map(), text: '', children: [] };
      node.children.push(
        { ...leaf('EnrollmentID', id), parent: node },
        { ...leaf('HouseholdID', household), parent: node },
        { ...leaf('RelationshipToHoH', relationship), parent: node },
      );
      return node;
    };
    const exportNode = (...children: XNode[]): XNode => ({
      local: 'Export',
      attributes: new Map(),
      text: '',
      children,
    });
    const oneHead = compileXPath(
      "every $id in hmis:Enrollment/hmis:HouseholdID satisfies (fn:count(hmis:Enrollment/hmis:RelationshipToHoH[text()= '1'][../hmis:HouseholdID = $id] ) eq 1)",
    );
    expect(oneHead.evaluate(exportNode(enrollment('e1', 'h1', '1'), enrollment('e2', 'h1', '2')))).toBe(true);
    expect(oneHead.evaluate(exportNode(enrollment('e1', 'h1', '1'), enrollment('e2', 'h1', '1')))).toBe(
      false,
    );
    expect(oneHead.evaluate(exportNode(enrollment('e1', 'h1', '2')))).toBe(false);
    // HUD compares text with 'ge' on strings: XPath 2.0 makes that a string comparison.
    const range = compileXPath("if (hmis:X/text()ge'10' and hmis:X/text()le'15') then true() else false()");
    expect(range.evaluate(exportNode(leaf('X', '12')))).toBe(true);
    expect(range.evaluate(exportNode(leaf('X', '9')))).toBe(false);
    expect(compileXPath("hmis:X/text()=('2', '3')").evaluate(exportNode(leaf('X', '3')))).toBe(true);
    expect(() => compileXPath('hmis:X/text() = ')).toThrow(/XPath/);
  });
});
