// A service started inside the test process through its start function, as its main.ts would, over testServerEnv().
import { createLogger, type Logger } from '@shop/platform';
import { testServerEnv } from './testServerEnv';

export interface InProcessService<Config, Handle> {
  name: string;
  loadConfig(env: NodeJS.ProcessEnv): Config;
  start(config: Config, logger: Logger): Promise<Handle>;
}

/** `env` goes over testServerEnv(); the service logs at TEST_LOG_LEVEL, silent unless set. */
export function startInProcess<Config extends { LOG_LEVEL: string }, Handle>(
  service: InProcessService<Config, Handle>,
  env: Record<string, string> = {},
): Promise<Handle> {
  const config = service.loadConfig({ ...testServerEnv(), LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', ...env });
  return service.start(config, createLogger(service.name, config.LOG_LEVEL));
}
