import { ConsoleLogger, type LoggerService, type LogLevel } from '@nestjs/common';
import pino, { type Logger } from 'pino';
import type { AppConfig } from './config';
import { currentRequestId } from './request-context';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
/** Nest's level names as pino's. */
const PINO_LEVEL: Record<LogLevel, pino.Level> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/**
 * The service's logger. `text`: Nest's console lines. `json` (LOG_FORMAT): pino, one JSON
 * object per line with `service`, `level`, `time` (ISO-8601), `msg`, `context` (the class that
 * logged) and `request_id` when the line is part of a request (request-context.ts; pino's
 * mixin reads it per line, so a request costs nothing until something is logged).
 */
export function createLogger(config: Pick<AppConfig, 'LOG_FORMAT' | 'LOG_LEVEL'>, service: string): LoggerService {
  if (config.LOG_FORMAT === 'text') {
    return new ConsoleLogger(service, {
      logLevels: LEVELS.slice(0, LEVELS.indexOf(config.LOG_LEVEL) + 1),
      prefix: 'docsession',
    });
  }
  return new JsonLogger(
    pino({
      level: PINO_LEVEL[config.LOG_LEVEL],
      base: { service },
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const requestId = currentRequestId();
        return requestId ? { request_id: requestId } : {};
      },
    }),
  );
}

/** Nest's LoggerService over pino: the last string argument is Nest's context, an error's second its stack. */
class JsonLogger implements LoggerService {
  constructor(private readonly pino: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    // Nest passes (message, stack, context) for errors.
    const [stack, ...more] = rest.length > 1 ? rest : [undefined, ...rest];
    this.write('error', message, more, typeof stack === 'string' ? { stack } : {});
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(level: pino.Level, message: unknown, rest: unknown[], extra: object = {}): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const context = typeof rest[rest.length - 1] === 'string' ? rest[rest.length - 1] : undefined;
    const fields = { ...extra, ...(context ? { context } : {}) };
    if (message instanceof Error) this.pino[level]({ ...fields, stack: message.stack }, message.message);
    else if (typeof message === 'object' && message !== null) this.pino[level]({ ...fields, ...message });
    else this.pino[level](fields, String(message));
  }
}
