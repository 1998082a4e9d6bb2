/**
 * Imports over HTTP: POST /imports takes an HMIS CSV zip (FY2026) or an HMIS XML document (FY2022,
 * v6.1.2; application/xml) as the body, starts a background
 * job and answers 202 with its id; GET /imports/{id} gives its status, progress and, when done, the
 * validation report (PII values redacted by the importer). One job at a time (the store has one
 * writer); another upload meanwhile is a 409. Jobs live in memory: a restart forgets them, not the
 * data they imported. The upload is kept in the data directory only while its job runs.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StructuralError } from '../../ingest/csv-table.ts';
import { importHmisCsv } from '../../ingest/import.ts';
import type { ImportReport } from '../../ingest/report.ts';
import { ImportSourceError } from '../../ingest/sources.ts';
import { UnsafeArchiveError } from '../../ingest/zip.ts';
import { rolesFor } from '../../security/policy.ts';
import { XmlInputError } from '../../xml/reader.ts';
import { importHmisXml } from '../../xml/xml-import.ts';
import { ApiError, storageError } from '../errors.ts';
import type { ApiServices, RouteRequest, RouteSpec } from '../route-spec.ts';
import { JSON_TYPE } from './representations.ts';

export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;
const FILE_ERRORS = [StructuralError, ImportSourceError, UnsafeArchiveError, XmlInputError];
const XML_TYPES = ['application/xml', 'text/xml'];

interface Job {
  readonly id: string;
  status: 'running' | 'succeeded' | 'failed';
  readonly started: string;
  finished?: string;
  progress: { file: string; rows: number };
  report?: ImportReport;
  error?: string;
}

/** Jobs per store: tests and servers with several stores keep theirs apart. */
const JOBS = new WeakMap<object, Map<string, Job>>();
const jobsOf = (services: ApiServices) => {
  const jobs = JOBS.get(services.store) ?? new Map<string, Job>();
  JOBS.set(services.store, jobs);
  return jobs;
};

const view = (job: Job) => ({ ...job });

async function run(
  job: Job,
  file: string,
  services: ApiServices,
  validation: 'full' | 'primary',
): Promise<void> {
  try {
    const options = {
      onProgress: (name: string, rows: number) => {
        job.progress = { file: name, rows };
      },
    };
    job.report = file.endsWith('.xml')
      ? await importHmisXml(services.store.log, file, { ...options, validation })
      : await importHmisCsv(services.store.log, file, options);
    job.status = job.report.applied ? 'succeeded' : 'failed';
    if (!job.report.applied) job.error = 'the export has errors: nothing was applied (see report.errors)';
  } catch (error) {
    job.status = 'failed';
    // Problems of the file are the uploader's to see (without the upload's path on the server);
    // anything else stays in the server log.
    // So are a store too full for the import and a disk that refused it (nothing was applied).
    const aboutFile = FILE_ERRORS.some((kind) => error instanceof kind);
    const storage = storageError(error);
    job.error = aboutFile
      ? (error as Error).message.split(file).join('the upload')
      : (storage?.message ?? 'the import failed; see the server log');
    if (!aboutFile) console.error(`import ${job.id} failed: ${(error as Error).name}`);
  } finally {
    job.finished = new Date().toISOString();
    fs.rmSync(file, { force: true });
  }
}

export async function startImport(request: RouteRequest, services: ApiServices): Promise<Response> {
  const jobs = jobsOf(services);
  if ([...jobs.values()].some((job) => job.status === 'running'))
    throw new ApiError(409, 'conflict', 'an import is running; wait for it to finish');
  const id = crypto.randomUUID();
  const dir = path.join(services.config.dataDir, 'uploads');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const mediaType = (request.raw.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const file = path.join(dir, `${id}.${XML_TYPES.includes(mediaType) ? 'xml' : 'zip'}`);
  try {
    fs.writeFileSync(file, request.body as Uint8Array, { mode: 0o600 });
  } catch (error) {
    fs.rmSync(file, { force: true }); // what a full disk took of the upload is of no use
    throw error;
  }
  const job: Job = {
    id,
    status: 'running',
    started: new Date().toISOString(),
    progress: { file: '', rows: 0 },
  };
  jobs.set(id, job);
  void run(job, file, services, request.params.validation === 'primary' ? 'primary' : 'full');
  const location = `${new URL(request.raw.url).pathname}/${id}`;
  return Response.json(view(job), { status: 202, headers: { Location: location } });
}

export async function getImport(request: RouteRequest, services: ApiServices): Promise<Response> {
  const job = jobsOf(services).get(request.params.id as string);
  if (!job) throw new ApiError(404, 'not_found', 'no such import');
  return Response.json(view(job));
}

export const IMPORT_ROUTES: readonly RouteSpec[] = [
  {
    method: 'post',
    path: '/imports',
    operationId: 'startImport',
    summary: 'Import an HMIS CSV export (FY2026 zip) or HMIS XML document (FY2022, v6.1.2) in the background',
    action: 'import',
    roles: rolesFor('import'),
    params: [
      {
        name: 'validation',
        in: 'query',
        type: 'string',
        pattern: '^(full|primary)$',
        maxLength: 7,
        description: "HMIS XML only: `full` (default) or `primary` (without HUD's xs:assert rules)",
      },
    ],
    body: {
      description: 'The zip of the 24 FY2026 CSV files, or one HUD HMIS XML document',
      mediaTypes: ['application/zip', 'application/x-zip-compressed', ...XML_TYPES],
      maxBytes: MAX_UPLOAD_BYTES,
    },
    responses: [
      { status: 202, description: 'The job; Location names it', schema: 'ImportJob' },
      { status: 409, description: 'Another import is running' },
    ],
    produces: [JSON_TYPE],
    handle: startImport,
  },
  {
    method: 'get',
    path: '/imports/{id}',
    operationId: 'getImport',
    summary: 'The status, progress and validation report of an import',
    action: 'import',
    roles: rolesFor('import'),
    params: [
      { name: 'id', in: 'path', type: 'string', required: true, maxLength: 36, description: 'The job id' },
    ],
    responses: [
      { status: 200, description: 'The job', schema: 'ImportJob' },
      { status: 404, description: 'No such import' },
    ],
    produces: [JSON_TYPE],
    handle: getImport,
  },
];
