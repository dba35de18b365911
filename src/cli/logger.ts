/**
 * Structured logs (pino) for the supervisor and CLI: pretty on a terminal, JSON lines when
 * stderr is piped. Command output goes to stdout; logs never do.
 */
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function createLogger(level: string): Logger {
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new Error(`--log-level ${level}: expected one of ${LOG_LEVELS.join(', ')}`);
  }
  if (process.stderr.isTTY) {
    return pino({ level, base: undefined }, pretty({ destination: 2, colorize: true, sync: true, ignore: 'pid,hostname' }));
  }
  return pino({ level, base: undefined }, pino.destination({ dest: 2, sync: true }));
}
