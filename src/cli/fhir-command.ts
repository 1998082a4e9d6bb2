/**
 * `hearth fhir push --to <base-url> --patient <id>`: builds a client's Medicaid eligibility
 * transaction Bundle (the same one `POST /fhir/$medicaid-eligibility-bundle` answers with) from the
 * data directory, read-only and lock-free so it runs next to a server, and sends it to a payer's
 * FHIR server with fhir-kit-client. Prints one line per entry of the transaction-response.
 */
import { parseArgs } from 'node:util';
import { Client } from 'fhir-kit-client';
import { MEMBER_ID_PATTERN, MemberIdStore } from '../api/fhir/member-ids.ts';
import type { Config } from '../config.ts';
import { parseFhirId } from '../fhir/ids.ts';
import { eligibilityResources, NoEvidenceError, transactionBundle } from '../fhir/medicaid.ts';
import { FhirView } from '../fhir/view.ts';
import { ADMIN_TOKEN_PRINCIPAL } from '../security/authenticate.ts';
import { scopeFor } from '../security/policy.ts';
import { RecordStore } from '../store/record-store.ts';
import { ExitCode, UsageError } from './usage.ts';

export const fhirUsage =
  'hearth fhir push --to <fhir-base-url> --patient <Patient id | PersonalID> [--member-id ID] [--dry-run]\n' +
  '  (HEARTH_FHIR_PUSH_TOKEN: bearer token for the receiving server)';

function pushArgs(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      to: { type: 'string' },
      patient: { type: 'string' },
      'member-id': { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
    },
  });
  if (positionals.length > 0 || !values.patient || (!values.to && !values['dry-run']))
    throw new UsageError(`usage: ${fhirUsage}`);
  if (values.to && !/^https?:\/\/[^\s]+$/.test(values.to))
    throw new UsageError('--to must be an http(s) URL');
  const memberId = values['member-id'];
  if (memberId !== undefined && !MEMBER_ID_PATTERN.test(memberId))
    throw new UsageError('--member-id must be 1-32 letters, digits or -');
  return { to: values.to, patient: values.patient, memberId, dryRun: values['dry-run'] === true };
}

/** A FHIR Patient id, or a bare PersonalID when the store holds one source. */
function resolvePatient(text: string, sources: string[]): { source: string; key: string } {
  const parsed = parseFhirId('Patient', text, sources);
  if (parsed) return parsed;
  if (sources.length === 1 && /^[^\s]{1,32}$/.test(text)) return { source: sources[0] as string, key: text };
  throw new UsageError(`--patient ${text.slice(0, 64)}: not a Patient id of this store`);
}

async function bundleFor(config: Config, patient: string, memberId: string | undefined) {
  const store = await RecordStore.open({ dir: config.dataDir, readOnly: true });
  try {
    const stored = await MemberIdStore.open(config.dataDir, true);
    const { source, key } = resolvePatient(patient, [...store.state.sources.keys()]);
    const lookup = {
      get: (s: string, p: string) => (memberId && s === source && p === key ? memberId : stored.get(s, p)),
    };
    const medicaidSystem = config.fhir?.medicaidSystem ?? `${config.baseIri}/fhir/sid/medicaid-member-id`;
    const options = { ssnIdentifier: config.fhir?.ssnIdentifier ?? false, medicaidSystem };
    const scope = scopeFor(ADMIN_TOKEN_PRINCIPAL, store.state);
    const view = new FhirView(store.state, scope, config.baseIri, options, lookup);
    if (!scope.canSeeClient(source, key))
      throw new UsageError(`--patient ${patient.slice(0, 64)}: no such client`);
    return transactionBundle(eligibilityResources(view, source, key));
  } finally {
    await store.close();
  }
}

type ResponseEntry = { response?: { status?: string; location?: string } };

export async function fhirCommand(args: string[], config: Config): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'push') throw new UsageError(`usage: ${fhirUsage}`);
  const options = pushArgs(rest);
  let bundle: ReturnType<typeof transactionBundle>;
  try {
    bundle = await bundleFor(config, options.patient, options.memberId);
  } catch (error) {
    if (!(error instanceof NoEvidenceError)) throw error;
    console.error(`hearth: ${error.message}`);
    return ExitCode.InvalidData;
  }
  if (options.dryRun || !options.to) {
    console.log(JSON.stringify(bundle, null, 2));
    return ExitCode.Ok;
  }
  const token = process.env.HEARTH_FHIR_PUSH_TOKEN;
  const client = new Client({
    baseUrl: options.to.replace(/\/+$/, ''),
    ...(token ? { bearerToken: token } : {}),
  });
  try {
    const response = (await client.transaction({ body: bundle, options: { keepalive: false } })) as {
      entry?: ResponseEntry[];
    };
    const entries = response.entry ?? [];
    bundle.entry.forEach((sent, i) => {
      const got = entries[i]?.response;
      console.log(
        `${sent.request.url}: ${got?.status ?? 'no response'}${got?.location ? ` ${got.location}` : ''}`,
      );
    });
    return ExitCode.Ok;
  } catch (error) {
    const status = (error as { response?: { status?: number } }).response?.status;
    console.error(
      `hearth: the FHIR server at ${options.to} refused the bundle${status ? ` (HTTP ${status})` : ''}: ${(error as Error).message}`,
    );
    return ExitCode.Unusable;
  }
}
