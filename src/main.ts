import { loadConfig } from './config.ts';
import { serve } from './server.ts';

/** `npm start`: validate the environment, serve, and shut down gracefully on SIGTERM / SIGINT. */
const loaded = loadConfig(process.env);
if (!loaded.ok) {
  console.error(loaded.message);
  process.exit(2);
}
const server = await serve(loaded.config);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    server.close().then(() => process.exit(0), (err: unknown) => {
      console.error('shutdown failed:', err);
      process.exit(1);
    });
  });
}
