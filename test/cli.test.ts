/** The real CLI, as users run it: `node bin/hearth.mjs …` in child processes. */
import { type ChildProcess, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isRunning } from '../src/store/lock.ts';
import { removeTempDirs, tempDir } from './helpers/exports.ts';
import { startServing } from './helpers/serving.ts';

/** Each `hearth` child process starts tsx (about a second on a busy 2-core machine). */
const SPAWNS = 60_000;

const BIN = new URL('../bin/hearth.mjs', import.meta.url).pathname;
const DEMO = new URL('../demo/fy2026', import.meta.url).pathname;
const servers: ChildProcess[] = [];

afterEach(() => {
  for (const server of servers.splice(0)) server.kill('SIGKILL');
  removeTempDirs();
});

function hearth(args: string[], dataDir: string, env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    env: { ...process.env, HEARTH_DATA_DIR: dataDir, CI: '1', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('hearth CLI', () => {
  it('imports, validates and exports with HEARTH_DATA_DIR', { timeout: SPAWNS }, () => {
    const data = tempDir();
    const imported = hearth(['import', DEMO], data);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/source xx-500 \(full refresh\): applied as transaction 1/);
    expect(imported.stdout).toMatch(/Client\.csv\s+80 rows\s+80 applied/);
    expect(fs.existsSync(path.join(data, 'wal.jsonl'))).toBe(true);

    const out = path.join(tempDir(), 'out');
    const exported = hearth(['export', '--format', 'csv', '--out', out], data);
    expect(exported.code).toBe(0);
    for (const file of fs.readdirSync(DEMO)) {
      expect(fs.readFileSync(path.join(out, file), 'utf8'), file).toBe(
        fs.readFileSync(path.join(DEMO, file), 'utf8'),
      );
    }
    const validated = hearth(['validate', out], data);
    expect(validated.code).toBe(0);
    expect(validated.stdout).toMatch(/NOTHING APPLIED/); // validate never commits
  });

  it('writes a JSON report and exits 1 when rows are invalid', { timeout: SPAWNS }, () => {
    const exportDir = tempDir();
    fs.cpSync(DEMO, exportDir, { recursive: true });
    const clients = path.join(exportDir, 'Client.csv');
    const lines = fs.readFileSync(clients, 'utf8').split('\n');
    lines[1] = (lines[1] ?? '').replace(
      /^([^,]*),[^,]*,/,
      `$1,${'<script>alert(1)</script>'.padEnd(80, 'x')},`,
    );
    fs.writeFileSync(clients, lines.join('\n'));
    const reportFile = path.join(tempDir(), 'report.json');
    const result = hearth(['import', exportDir, '--report', reportFile], tempDir());
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/NOTHING APPLIED/);
    const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
    expect(report.errors[0]).toMatchObject({
      file: 'Client.csv',
      row: 2,
      column: 'FirstName',
      value: '[redacted]',
    });
    expect(result.stdout).not.toContain('<script>');
  });

  it('explains usage, unknown commands, bad paths and bad options', { timeout: SPAWNS }, () => {
    const data = tempDir();
    expect(hearth([], data).code).toBe(2);
    expect(hearth(['frobnicate'], data).stderr).toMatch(/unknown command: frobnicate/);
    expect(hearth(['import'], data).code).toBe(2);
    expect(hearth(['import', DEMO, '--bogus'], data).code).toBe(2);
    const missing = hearth(['import', '/no/such/export.zip'], data);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/does not exist/);
    const noData = hearth(['export', '--out', path.join(data, 'x')], tempDir());
    expect(noData.stderr).toMatch(/holds no data/);
    expect(hearth(['export', '--format', 'pdf', '--out', 'x'], data).stderr).toMatch(
      /--format pdf is not supported/,
    );
  });

  it('serves on PORT, loads the demo data into an empty store, and refuses a second writer', async () => {
    const data = tempDir();
    const port = 20000 + Math.floor(Math.random() * 20000);
    const serving = await startServing(process.execPath, [BIN, 'serve'], {
      env: { ...process.env, HEARTH_DATA_DIR: data, PORT: String(port), CI: '1' },
    });
    const server = serving.child;
    servers.push(server);
    expect(serving.output()).toMatch(/loaded the synthetic demo data set/);
    const health = await (await fetch(`http://localhost:${port}/healthz`)).json();
    expect(health).toMatchObject({ status: 'ok', transaction: 1 });
    expect(['building', 'ready']).toContain(health.index);
    expect(health.records).toBeGreaterThan(1000);

    const second = hearth(['import', DEMO], data);
    expect(second.code).toBe(3);
    expect(second.stderr).toMatch(/in use by another Hearth process \(pid \d+\)/);
    const reader = hearth(['export', '--out', path.join(tempDir(), 'copy.zip')], data);
    expect(reader.code).toBe(0);

    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    expect(fs.existsSync(path.join(data, 'LOCK'))).toBe(false);
  }, 120_000);

  it('says so when PORT is taken, exits 3 and leaves the data directory unlocked', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, resolve));
    try {
      const port = (taken.address() as AddressInfo).port;
      const data = tempDir();
      const refused = hearth(['serve'], data, { PORT: String(port) });
      expect(refused.code).toBe(3); // was 1, with an unhandled 'error' event's stack
      expect(refused.stderr).toContain(`hearth: port ${port} is in use by another program; set PORT`);
      expect(refused.stderr).not.toMatch(/at .*\.ts:\d+/);
      expect(fs.existsSync(path.join(data, 'LOCK'))).toBe(false);
    } finally {
      taken.close();
    }
  }, 120_000);

  it('refuses a weak HEARTH_ADMIN_TOKEN in one line, before touching the data directory', () => {
    const data = path.join(tempDir(), 'data');
    for (const [token, problem] of [
      ['short-token', /at least 32 characters/],
      [`${'x'.repeat(40)} ${'y'.repeat(4)}`, /may contain only letters/],
    ] as const) {
      const refused = hearth(['serve'], data, { PORT: '0', HEARTH_ADMIN_TOKEN: token });
      expect(refused.code).toBe(2); // was 1, a stack trace, after loading the demo into the store
      expect(refused.stderr).toMatch(/^hearth: HEARTH_ADMIN_TOKEN [^\n]*\n$/);
      expect(refused.stderr).toMatch(problem);
      expect(refused.stderr).not.toContain(token);
      expect(fs.existsSync(data)).toBe(false);
    }
  }, 120_000);

  it('stops, releasing the data directory, when `npm start` is sent SIGTERM', async () => {
    // A service manager or `kill %1` signals npm alone. Before `exec` in the start script, a shell
    // between npm and node took the signal and the server ran on, orphaned, holding port and lock.
    const data = tempDir();
    const port = 20000 + Math.floor(Math.random() * 20000);
    const { child: npm } = await startServing('npm', ['start'], {
      cwd: new URL('..', import.meta.url).pathname,
      env: { ...process.env, HEARTH_DATA_DIR: data, PORT: String(port), CI: '1' },
    });
    servers.push(npm);
    const serverPid = Number.parseInt(fs.readFileSync(path.join(data, 'LOCK'), 'utf8'), 10);
    const running = () => isRunning(serverPid);
    npm.kill('SIGTERM');
    try {
      for (const stop = Date.now() + 20_000; running() && Date.now() < stop; )
        await new Promise((r) => setTimeout(r, 100));
      expect(running()).toBe(false);
      expect(fs.existsSync(path.join(data, 'LOCK'))).toBe(false);
    } finally {
      if (running()) process.kill(serverPid, 'SIGKILL');
    }
  }, 120_000);
});

describe('hearth query', () => {
  it('runs SPARQL over the stored records, from the command line or a file', { timeout: SPAWNS }, () => {
    const data = tempDir();
    expect(hearth(['import', DEMO], data).code).toBe(0);
    const select = hearth(
      ['query', 'SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?c a <urn:hud:hmis:owl#Client> } }'],
      data,
    );
    expect(select.stderr).toBe('');
    expect(JSON.parse(select.stdout).results.bindings[0].n.value).toBe('80');
    const file = path.join(tempDir(), 'ask.rq');
    fs.writeFileSync(file, 'ASK { GRAPH ?g { ?p a <urn:hud:hmis:owl#Project> } }');
    expect(JSON.parse(hearth(['query', `@${file}`], data).stdout).boolean).toBe(true);
    const csv = hearth(
      ['query', 'SELECT ?p WHERE { GRAPH ?g { ?p a <urn:hud:hmis:owl#Project> } }', '--accept', 'text/csv'],
      data,
    );
    expect(csv.stdout.split('\r\n')[0]).toBe('p'); // SPARQL CSV results use CRLF
    const broken = hearth(['query', 'SELECT nonsense'], data);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/hearth: malformed SPARQL/);
    // Arithmetic means what it says (Oxigraph alone reads 10 - 3 + 2 as 10 - (3 + 2)).
    const sum = hearth(['query', 'SELECT (10 - 3 + 2 AS ?x) (8 / 2 * 2 AS ?y) {}'], data);
    const [row] = JSON.parse(sum.stdout).results.bindings;
    expect([row.x.value, row.y.value]).toEqual(['9', '8']);
  });
});
