import { captureNestLogs } from './logs.js';

// Every log line of a test file goes to the capture buffer, never to the terminal.
captureNestLogs();
