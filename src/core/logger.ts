import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs (pino) to stderr, so `--json` output on stdout stays clean. */
export function createLogger(level: string = 'info'): Logger {
  return pino({ level, base: null, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination(2));
}
