import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import type { AppConfig } from './config';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

export function createLogger(config: Pick<AppConfig, 'LOG_FORMAT' | 'LOG_LEVEL'>, service: string): ConsoleLogger {
  const upTo = LEVELS.indexOf(config.LOG_LEVEL);
  return new ConsoleLogger(service, {
    json: config.LOG_FORMAT === 'json',
    logLevels: LEVELS.slice(0, upTo + 1),
    prefix: 'docsession',
  });
}
