/**
 * Virtuoso Open Source for tests and benchmarks: a fresh database in a temp directory, started on
 * free loopback ports (`virtuoso-t +foreground`), SPARQL UPDATE granted over HTTP (isql-vt, loopback
 * only), stopped and removed by `stop()`. Needs virtuoso-opensource-7-bin (installed by .ci/run).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Virtuoso {
  /** The SPARQL endpoint, e.g. http://127.0.0.1:PORT/sparql */
  readonly sparql: string;
  /** HEARTH_STORE for this server. */
  readonly store: string;
  stop(): Promise<void>;
}

export const virtuosoInstalled = (): boolean =>
  ['/usr/bin/virtuoso-t', '/usr/bin/isql-vt'].every((file) => fs.existsSync(file));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function ini(dir: string, port: number, httpPort: number): string {
  const file = (name: string) => path.join(dir, name);
  return `[Database]
DatabaseFile = ${file('db.db')}
ErrorLogFile = ${file('db.log')}
LockFile = ${file('db.lck')}
TransactionFile = ${file('db.trx')}
xa_persistent_file = ${file('db.pxa')}
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = ${file('temp.db')}
TransactionFile = ${file('temp.trx')}
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:${port}
ServerThreads = 10
CheckpointInterval = 60
NumberOfBuffers = 170000
MaxDirtyBuffers = 130000
; one commit of a whole import (HUD's sample: 3.7 M quads) is one transaction
TransactionAfterImageLimit = 1500000000
DirsAllowed = ., ${dir}
VADInstallDir = ${dir}

[HTTPServer]
ServerPort = 127.0.0.1:${httpPort}
ServerRoot = ${dir}
ServerThreads = 10
MaxClientConnections = 10
EnabledDavVSP = 0

[SPARQL]
ResultSetMaxRows = 5000000
MaxQueryExecutionTime = 300
MaxQueryCostEstimationTime = 0
MaxSortedTopRows = 10000000
`;
}

async function waitForHttp(url: string, child: ChildProcess, deadline: number): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`virtuoso-t exited with ${child.exitCode}`);
    try {
      const response = await fetch(`${url}?query=${encodeURIComponent('ASK {}')}`);
      if (response.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error('Virtuoso did not start within 60 s');
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function startVirtuoso(): Promise<Virtuoso> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-virtuoso-'));
  const [port, httpPort] = [await freePort(), await freePort()];
  const config = path.join(dir, 'virtuoso.ini');
  fs.writeFileSync(config, ini(dir, port, httpPort));
  const child = spawn('virtuoso-t', ['+configfile', config, '+foreground'], { cwd: dir, stdio: 'ignore' });
  const sparql = `http://127.0.0.1:${httpPort}/sparql`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForHttp(sparql, child, Date.now() + 60_000);
    await run('isql-vt', [`127.0.0.1:${port}`, 'dba', 'dba', `exec=grant SPARQL_UPDATE to "SPARQL";`]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { sparql, store: `sparql+${sparql}`, stop };
}
