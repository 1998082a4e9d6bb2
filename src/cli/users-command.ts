/**
 * `hearth users add|list|remove`: manages users.json. Needs no store lock, so it works next to a
 * running server, which picks the change up on its next request.
 */
import { parseArgs } from 'node:util';
import type { Config } from '../config.ts';
import { ROLES } from '../security/principal.ts';
import { UserDirectory, UserDirectoryError, type UserInfo } from '../security/users.ts';
import { ExitCode, UsageError } from './usage.ts';

export const usersUsage =
  `hearth users add NAME --role ${ROLES.join('|')} [--projects P1,src/P2] [--orgs O1] [--json]\n` +
  '  hearth users list [--json]\n' +
  '  hearth users remove NAME';

const list = (value: string | undefined): string[] | undefined =>
  value
    ?.split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

function scopeText(user: Pick<UserInfo, 'projects' | 'orgs'>): string {
  const parts = [
    ...(user.projects.length > 0 ? [`projects ${user.projects.join(',')}`] : []),
    ...(user.orgs.length > 0 ? [`orgs ${user.orgs.join(',')}`] : []),
  ];
  return parts.length > 0 ? parts.join('; ') : 'all projects';
}

async function add(args: string[], directory: UserDirectory): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      role: { type: 'string' },
      projects: { type: 'string' },
      orgs: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const [name, ...extra] = positionals;
  if (!name || extra.length > 0) throw new UsageError(`expected one user name\nusage: ${usersUsage}`);
  if (!values.role) throw new UsageError(`--role is required (one of ${ROLES.join(', ')})`);
  const projects = list(values.projects) ?? [];
  const orgs = list(values.orgs) ?? [];
  const token = await directory.add(name, values.role, { projects, orgs });
  const user = { name, role: values.role, projects, orgs };
  if (values.json) {
    console.log(JSON.stringify({ ...user, token }));
  } else {
    console.log(`created user ${name} (${values.role}, ${scopeText(user)})`);
    console.log(`token: ${token}`);
    console.error('Store the token now: Hearth keeps only its hash and cannot show it again.');
  }
  return ExitCode.Ok;
}

function show(args: string[], directory: UserDirectory): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false } },
  });
  if (positionals.length > 0) throw new UsageError(`users list takes no arguments\nusage: ${usersUsage}`);
  const users = directory.list();
  if (values.json) {
    console.log(JSON.stringify(users));
    return ExitCode.Ok;
  }
  if (users.length === 0) console.log('no users (add one with: hearth users add NAME --role ROLE)');
  for (const user of users) {
    console.log(
      `${user.name.padEnd(20)} ${user.role.padEnd(13)} ${scopeText(user)}  created ${user.created}`,
    );
  }
  return ExitCode.Ok;
}

async function remove(args: string[], directory: UserDirectory): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  const [name, ...extra] = positionals;
  if (!name || extra.length > 0) throw new UsageError(`expected one user name\nusage: ${usersUsage}`);
  await directory.remove(name);
  console.log(`removed user ${name}; its token no longer works`);
  return ExitCode.Ok;
}

export async function usersCommand(args: string[], config: Config): Promise<number> {
  const [sub, ...rest] = args;
  const directory = new UserDirectory(config.dataDir);
  try {
    if (sub === 'add') return await add(rest, directory);
    if (sub === 'list') return show(rest, directory);
    if (sub === 'remove') return await remove(rest, directory);
  } catch (error) {
    if (!(error instanceof UserDirectoryError)) throw error;
    // Refusals (duplicate name, bad role, unknown user) are usage errors: the command was wrong.
    if (error.kind === 'refused') throw new UsageError(error.message);
    console.error(`hearth: ${error.message}`);
    return ExitCode.Unusable;
  }
  throw new UsageError(`usage: ${usersUsage}`);
}
