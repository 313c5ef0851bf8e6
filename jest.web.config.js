/**
 * Browser tests (npm run test:web): the real service, the built web app, and headless Chromium
 * (Debian's `chromium` at /usr/bin/chromium, or CHROMIUM_PATH) driven by playwright-core.
 * Kept out of `npm test`, which must pass with nothing but Node and npm.
 */
import base from './jest.config.js';

export default {
  ...base,
  testMatch: ['**/web/**/*.e2e.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 120000,
};
