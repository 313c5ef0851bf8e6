import { Logger } from '@nestjs/common';
import { JsonLogger } from '../../src/common/logging/json-logger.js';
import { keepLogLine } from './run-record.js';

/** Log lines captured from every app a test file starts, for assertions about what is logged. */
export const capturedLogs: string[] = [];

export const captureLogger = new JsonLogger('debug', (line) => {
  capturedLogs.push(line);
  keepLogLine(line);
});

export function captureNestLogs(): void {
  Logger.overrideLogger(captureLogger);
}

export function parsedLogs(): Record<string, unknown>[] {
  return capturedLogs.map((line) => JSON.parse(line) as Record<string, unknown>);
}
