import { Logger } from '@aws-lambda-powertools/logger';

/** Structured JSON logs (Powertools); one logger per process, keys appended per request. */
export const logger = new Logger({
  serviceName: 'jiujinban',
  logLevel: (process.env.LOG_LEVEL as 'INFO' | 'DEBUG' | 'WARN' | 'ERROR' | 'SILENT' | undefined) ?? 'INFO',
});
