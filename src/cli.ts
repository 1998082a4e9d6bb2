import { serve } from '@hono/node-server';
import { createApp } from './api/app.ts';

const USAGE = 'usage: hearth serve';

function main(argv: string[]): void {
  const [command] = argv;
  if (command === 'serve') {
    const port = Number(process.env.PORT ?? 8080);
    serve({ fetch: createApp().fetch, port }, (info) => {
      console.log(`hearth listening on :${info.port}`);
    });
    return;
  }
  console.error(command ? `unknown command: ${command}\n${USAGE}` : USAGE);
  process.exitCode = 2;
}

main(process.argv.slice(2));
