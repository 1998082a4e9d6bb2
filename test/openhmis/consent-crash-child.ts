/**
 * Child process of consent-crash.test.ts: appends consents to the book in `dir` forever, printing
 * each id once save() has resolved (acknowledged), until the parent SIGKILLs it.
 */
import { ConsentBook } from '../../src/security/consent.ts';

const [dir = '', prefix = 'k'] = process.argv.slice(2);
const book = new ConsentBook(dir);
for (let i = 0; ; i++) {
  const consentId = `${prefix}-${i}`;
  await book.save({
    consentId,
    source: 'crash',
    clientId: `C${i % 7}`,
    submitterId: 'crash-test',
    // Long enough that a kill often lands inside a write.
    organizationIds: Array.from({ length: 40 }, (_, n) => `ORG-${n}`),
    cocIds: ['XX-500'],
    fields: { firstName: 0, ssn: i % 2 === 0 ? 0 : 1 },
    approvalStatus: 1,
    dateCreated: '2026-01-01 00:00:00',
    dateUpdated: '2026-01-01 00:00:00',
    dateProcessed: '2026-01-01 00:00:00',
    dateDeleted: null,
  });
  process.stdout.write(`${consentId}\n`);
}
