/**
 * Child process of consent-crash.test.ts: appends consents to the book in `dir` forever, printing
 * each id once save() has resolved (acknowledged), until the parent SIGKILLs it. With `limited`
 * (run under a small `ulimit -f`): a small consent, one too long for the limit (prints `refused
 * NAME`), another small one, then it exits.
 */
import { type Consent, ConsentBook } from '../../src/security/consent.ts';

const [dir = '', prefix = 'k', mode = 'forever'] = process.argv.slice(2);
const book = new ConsentBook(dir);
const consent = (consentId: string, i: number, organizations: number): Consent => ({
  consentId,
  source: 'crash',
  clientId: `C${i % 7}`,
  submitterId: 'crash-test',
  organizationIds: Array.from({ length: organizations }, (_, n) => `ORG-${n}`),
  cocIds: ['XX-500'],
  fields: { firstName: 0, ssn: i % 2 === 0 ? 0 : 1 },
  approvalStatus: 1,
  dateCreated: '2026-01-01 00:00:00',
  dateUpdated: '2026-01-01 00:00:00',
  dateProcessed: '2026-01-01 00:00:00',
  dateDeleted: null,
});
if (mode === 'limited') {
  await book.save(consent(`${prefix}-small`, 0, 5));
  process.stdout.write(`${prefix}-small\n`);
  try {
    await book.save(consent(`${prefix}-long`, 1, 400));
    process.stdout.write(`${prefix}-long\n`);
  } catch (error) {
    process.stdout.write(`refused ${(error as Error).name}\n`);
  }
  await book.save(consent(`${prefix}-after`, 2, 5));
  process.stdout.write(`${prefix}-after\n`);
  process.exit(0);
}
for (let i = 0; ; i++) {
  const consentId = `${prefix}-${i}`;
  // Long enough that a kill often lands inside a write.
  await book.save(consent(consentId, i, 40));
  process.stdout.write(`${consentId}\n`);
}
