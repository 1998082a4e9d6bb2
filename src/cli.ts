/**
 * `hearth <command>`: the command table is the CLI's single list of what it can do. Errors end up
 * in one place with one exit-code policy (see cli/usage.ts).
 */
import { exportCommand, exportUsage } from './cli/export-command.ts';
import { fhirCommand, fhirUsage } from './cli/fhir-command.ts';
import { importCommand, importUsage, validateUsage } from './cli/import-command.ts';
import { queryCommand, queryUsage } from './cli/query-command.ts';
import { ListenError, serveCommand, serveUsage } from './cli/serve-command.ts';
import { ExitCode, UsageError } from './cli/usage.ts';
import { usersCommand, usersUsage } from './cli/users-command.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { ExportError } from './export/csv-export.ts';
import { ExportWriteError } from './export/whole-file.ts';
import { StructuralError } from './ingest/csv-table.ts';
import { ImportSourceError } from './ingest/sources.ts';
import { SparqlEngineError } from './query/errors.ts';
import { StoreLockedError } from './store/lock.ts';
import { CapacityError } from './store/record-store.ts';
import { LogWriteError } from './store/whole-appends.ts';
import { XmlInputError } from './xml/reader.ts';

interface Command {
  readonly usage: string;
  run(args: string[], config: Config): Promise<number>;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  serve: { usage: serveUsage, run: serveCommand },
  import: { usage: importUsage, run: (args, config) => importCommand(args, config) },
  validate: { usage: validateUsage, run: (args, config) => importCommand(args, config, true) },
  export: { usage: exportUsage, run: exportCommand },
  query: { usage: queryUsage, run: queryCommand },
  users: { usage: usersUsage, run: usersCommand },
  fhir: { usage: fhirUsage, run: fhirCommand },
};

const usage = () =>
  `usage:\n${Object.values(COMMANDS)
    .map((c) => `  ${c.usage}`)
    .join('\n')}`;

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    console.error(name && name !== '--help' ? `unknown command: ${name}\n${usage()}` : usage());
    return name === '--help' ? ExitCode.Ok : ExitCode.Usage;
  }
  try {
    return await command.run(args, loadConfig());
  } catch (error) {
    return reportFailure(error);
  }
}

function reportFailure(error: unknown): number {
  const message = error instanceof Error ? error.message : String(error);
  if (
    error instanceof UsageError ||
    error instanceof SparqlEngineError ||
    error instanceof ConfigError ||
    (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
  ) {
    console.error(`hearth: ${message}`);
    return ExitCode.Usage;
  }
  if (
    error instanceof StructuralError ||
    error instanceof ImportSourceError ||
    error instanceof StoreLockedError ||
    error instanceof CapacityError ||
    error instanceof LogWriteError ||
    error instanceof ListenError ||
    error instanceof ExportError ||
    error instanceof ExportWriteError ||
    error instanceof XmlInputError
  ) {
    console.error(`hearth: ${message}`);
    return ExitCode.Unusable;
  }
  throw error;
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
