import { ConfigError, DEV_JWT_SECRET, loadConfig } from '../../src/config/config.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, '/srv/app');
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('has working defaults for a fresh clone: port 3000, embedded database under ./.data, CORS closed', () => {
    const config = loadConfig({}, '/srv/app');
    expect(config).toMatchObject({
      nodeEnv: 'development',
      port: 3000,
      databaseUrl: undefined,
      dataDir: '/srv/app/.data',
      jwtSecret: DEV_JWT_SECRET,
      admin: undefined,
      logLevel: 'info',
      corsOrigins: [],
      bodyLimitBytes: 1048576,
    });
  });

  it('reads every variable it documents', () => {
    const config = loadConfig(
      {
        NODE_ENV: 'production',
        PORT: '8080',
        HOST: '127.0.0.1',
        DATABASE_URL: 'postgres://mh:pw@db:5432/meetinghouse',
        DATABASE_POOL_SIZE: '20',
        DATA_DIR: '/var/lib/meetinghouse',
        JWT_SECRET: 'x'.repeat(40),
        ADMIN_EMAIL: 'Admin@Example.org',
        ADMIN_PASSWORD: 'correct horse battery',
        LOG_LEVEL: 'DEBUG',
        CORS_ORIGINS: 'https://a.example.org, https://b.example.org',
        BODY_LIMIT_BYTES: '2048',
        SHUTDOWN_TIMEOUT_MS: '5000',
        TRUST_PROXY: '1',
      },
      '/srv/app',
    );
    expect(config).toEqual({
      nodeEnv: 'production',
      host: '127.0.0.1',
      port: 8080,
      databaseUrl: 'postgres://mh:pw@db:5432/meetinghouse',
      databasePoolSize: 20,
      dataDir: '/var/lib/meetinghouse',
      jwtSecret: 'x'.repeat(40),
      admin: { email: 'admin@example.org', password: 'correct horse battery' },
      logLevel: 'debug',
      corsOrigins: ['https://a.example.org', 'https://b.example.org'],
      trustProxy: 1,
      bodyLimitBytes: 2048,
      importMaxBytes: 5242880,
      importAllowPrivateNetworks: [],
      participants: { issuePerMinute: 10, tokenTtlHours: 72, tokenFailuresPerMinute: 30 },
      rooms: {
        openBeforeMinutes: 15,
        closeAfterMinutes: 15,
        maxMembers: 1000,
        maxRoomsPerSocket: 5,
        socketsPerParticipant: 5,
        socketsPerAddress: 50,
        connectsPerMinute: 600,
        handshakeRefusalsPerMinute: 30,
        messageBurst: 5,
        messagesPerMinute: 30,
      },
      attendanceMinMinutes: 45,
      attendanceSigningKey: undefined,
      publicUrl: undefined,
      shutdownTimeoutMs: 5000,
    });
  });

  it('trusts no proxy by default; TRUST_PROXY takes a number of hops or addresses and ranges', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::1' }).trustProxy).toEqual([
      'loopback',
      '10.0.0.0/8',
      'fd00::1',
    ]);
  });

  it('accepts CORS_ORIGINS=* for public read access', () => {
    expect(loadConfig({ CORS_ORIGINS: '*' }).corsOrigins).toBe('*');
  });

  it.each([
    ['PORT', 'abc', /PORT must be an integer from 0 to 65535 \(got "abc"\)/],
    ['PORT', '70000', /PORT must be an integer/],
    ['PORT', '-1', /PORT must be an integer/],
    ['NODE_ENV', 'staging', /NODE_ENV must be one of development, production, test/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL must be one of error, warn, info, debug/],
    ['DATABASE_URL', 'mysql://root@localhost/db', /DATABASE_URL must use the postgres:\/\//],
    ['DATABASE_URL', 'not a url', /DATABASE_URL must be a URL/],
    [
      'CORS_ORIGINS',
      'https://ok.example.org,javascript:alert(1)',
      /CORS_ORIGINS .*bad entry "javascript:alert\(1\)"/,
    ],
    ['CORS_ORIGINS', 'https://example.org/path', /CORS_ORIGINS/],
    ['BODY_LIMIT_BYTES', '10', /BODY_LIMIT_BYTES must be an integer from 1024/],
    ['DATABASE_POOL_SIZE', '0', /DATABASE_POOL_SIZE/],
    ['JWT_SECRET', 'short', /JWT_SECRET must be at least 16 characters/],
    ['TRUST_PROXY', 'true', /TRUST_PROXY=true would let any client choose its own address/],
    ['TRUST_PROXY', '0', /TRUST_PROXY as a number of proxies must be between 1 and 10/],
    ['TRUST_PROXY', '10.0.0.0/8, proxy.local', /TRUST_PROXY .*bad entry "proxy.local"/],
    ['ROOM_CONNECTS_PER_MINUTE', '0', /ROOM_CONNECTS_PER_MINUTE must be an integer from 1/],
    [
      'ROOM_HANDSHAKE_REFUSALS_PER_MINUTE',
      'many',
      /ROOM_HANDSHAKE_REFUSALS_PER_MINUTE must be an integer from 1/,
    ],
  ])('rejects %s=%s with a message naming the variable', (name, value, message) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  it('reports every bad variable at once', () => {
    const problems = problemsOf({ PORT: 'x', LOG_LEVEL: 'y', NODE_ENV: 'z' });
    expect(problems.map((p) => p.split(' ')[0])).toEqual(['NODE_ENV', 'PORT', 'LOG_LEVEL']);
  });

  it('never echoes a database password or a secret in its messages', () => {
    const problems = problemsOf({
      DATABASE_URL: 'postgres://user:hunter2-secret@',
      JWT_SECRET: 'tiny-secret',
      NODE_ENV: 'test',
    });
    const text = problems.join('\n');
    expect(text).toMatch(/DATABASE_URL/);
    expect(text).toMatch(/JWT_SECRET/);
    expect(text).not.toMatch(/hunter2|tiny-secret/);
  });

  describe('in production', () => {
    it('refuses to start without JWT_SECRET', () => {
      expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
        expect.stringMatching(/JWT_SECRET must be set to your own random secret in production/),
      ]);
    });

    it('refuses the development default secret', () => {
      expect(problemsOf({ NODE_ENV: 'production', JWT_SECRET: DEV_JWT_SECRET })).toEqual([
        expect.stringMatching(/JWT_SECRET must be set to your own random secret/),
      ]);
    });

    it('refuses a short secret', () => {
      expect(problemsOf({ NODE_ENV: 'production', JWT_SECRET: 'a'.repeat(31) })).toEqual([
        expect.stringMatching(/at least 32 characters/),
      ]);
    });

    it('refuses the README’s example admin password, which anyone can read', () => {
      expect(
        problemsOf({
          NODE_ENV: 'production',
          JWT_SECRET: 'b'.repeat(32),
          ADMIN_EMAIL: 'admin@example.org',
          ADMIN_PASSWORD: 'a long passphrase',
        }),
      ).toEqual([
        'ADMIN_PASSWORD must be your own password in production, not the example from the README',
      ]);
      // Trying the service out with the README's command still works.
      expect(
        loadConfig({ ADMIN_EMAIL: 'admin@example.org', ADMIN_PASSWORD: 'a long passphrase' }).admin,
      ).toEqual({ email: 'admin@example.org', password: 'a long passphrase' });
    });

    it('starts with a proper secret', () => {
      expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'b'.repeat(32) }).jwtSecret).toBe(
        'b'.repeat(32),
      );
    });
  });

  it('needs ADMIN_EMAIL and ADMIN_PASSWORD together, well formed', () => {
    expect(problemsOf({ ADMIN_EMAIL: 'admin@example.org' })).toEqual([
      'ADMIN_EMAIL and ADMIN_PASSWORD must be set together',
    ]);
    expect(problemsOf({ ADMIN_EMAIL: 'nobody', ADMIN_PASSWORD: 'long enough password' })).toEqual([
      'ADMIN_EMAIL must be an email address (got "nobody")',
    ]);
    expect(problemsOf({ ADMIN_EMAIL: 'a@example.org', ADMIN_PASSWORD: 'short' })).toEqual([
      'ADMIN_PASSWORD must be at least 12 characters long',
    ]);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '  ' })).toMatchObject({
      port: 3000,
      databaseUrl: undefined,
    });
  });
});
