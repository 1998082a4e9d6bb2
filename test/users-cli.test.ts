/** `hearth users …` as operators run it: `node bin/hearth.mjs users …` in child processes. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UserDirectory } from '../src/security/users.ts';
import { removeTempDirs, tempDir } from './helpers/exports.ts';

const BIN = new URL('../bin/hearth.mjs', import.meta.url).pathname;

afterEach(() => removeTempDirs());

function users(args: string[], dataDir: string) {
  const result = spawnSync(process.execPath, [BIN, 'users', ...args], {
    env: { ...process.env, HEARTH_DATA_DIR: dataDir },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('hearth users', () => {
  it('adds a user and prints its token once, as one JSON object with --json', () => {
    const data = tempDir();
    const added = users(
      ['add', 'alice', '--role', 'caseworker', '--projects', 'A, xx-502/B', '--json'],
      data,
    );
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout.trim().split('\n')).toHaveLength(1);
    const output = JSON.parse(added.stdout);
    expect(output).toEqual({
      name: 'alice',
      role: 'caseworker',
      projects: ['A', 'xx-502/B'],
      orgs: [],
      token: expect.stringMatching(/^hth_/),
    });
    expect(new UserDirectory(data).authenticate(output.token)?.name).toBe('alice');
    expect(fs.readFileSync(path.join(data, 'users.json'), 'utf8')).not.toContain(output.token);
  });

  it('prints the token in plain text without --json', () => {
    const added = users(['add', 'bob', '--role', 'integrator'], tempDir());
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/created user bob \(integrator, all projects\)\ntoken: hth_\S{43}\n/);
    expect(added.stderr).toMatch(/cannot show it again/);
  });

  it('refuses a duplicate name and an unknown role with a clear message and exit code 2', () => {
    const data = tempDir();
    expect(users(['add', 'carol', '--role', 'admin'], data).code).toBe(0);
    const duplicate = users(['add', 'carol', '--role', 'integrator'], data);
    expect(duplicate.code).toBe(2);
    expect(duplicate.stderr).toMatch(/a user named "carol" already exists/);
    const badRole = users(['add', 'dave', '--role', 'superuser'], data);
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toMatch(/unknown role "superuser": use one of admin, caseworker, integrator/);
    const noRole = users(['add', 'dave'], data);
    expect(noRole.code).toBe(2);
    expect(noRole.stderr).toMatch(/--role is required/);
    expect(users([], data).code).toBe(2);
  });

  it('lists users without tokens and removes them', () => {
    const data = tempDir();
    const { token } = JSON.parse(
      users(['add', 'erin', '--role', 'caseworker', '--orgs', 'O1', '--json'], data).stdout,
    );
    const listed = users(['list'], data);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^erin\s+caseworker\s+orgs O1 {2}created \d{4}-/);
    expect(listed.stdout).not.toContain(token);
    const json = users(['list', '--json'], data);
    expect(JSON.parse(json.stdout)).toEqual([
      { name: 'erin', role: 'caseworker', projects: [], orgs: ['O1'], created: expect.any(String) },
    ]);
    expect(json.stdout).not.toMatch(/token|hash/i);

    const removed = users(['remove', 'erin'], data);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toMatch(/removed user erin/);
    expect(users(['list', '--json'], data).stdout.trim()).toBe('[]');
    expect(new UserDirectory(data).authenticate(token)).toBeUndefined();
    const again = users(['remove', 'erin'], data);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/no user named "erin"/);
  });

  it('exits 3 when users.json is unusable', () => {
    const data = tempDir();
    fs.writeFileSync(path.join(data, 'users.json'), 'not json');
    const listed = users(['list'], data);
    expect(listed.code).toBe(3);
    expect(listed.stderr).toMatch(/users\.json is not valid JSON/);
  });
});
