/** Starts processes as users do (`hearth serve`, `npm start`), or under limits a test sets. */
import { type ChildProcess, spawn } from 'node:child_process';

export interface Serving {
  readonly child: ChildProcess;
  /** Everything it printed so far, standard output and error. */
  output(): string;
}

/** Spawns `command` and resolves once it prints "listening"; throws if it exits or times out first. */
export async function startServing(
  command: string,
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number },
): Promise<Serving> {
  const child = spawn(command, args, {
    env: options.env,
    ...(options.cwd ? { cwd: options.cwd } : {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (!output.includes('listening')) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`the server did not start: ${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { child, output: () => output };
}

/**
 * `command` as bash runs it under a file size limit (`ulimit -f`, KiB): past it a write is short,
 * then fails with EFBIG, as writes on a nearly full disk are short and then fail with ENOSPC.
 * Node ignores SIGXFSZ, so the process sees the error instead of being killed.
 */
export const underFileSizeLimit = (kib: number, command: readonly string[]): [string, string[]] => [
  'bash',
  ['-c', `ulimit -f ${kib}; exec "$@"`, 'bash', ...command],
];
