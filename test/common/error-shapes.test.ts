import { Body, Controller, Get, Post } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Min, ValidateNested } from 'class-validator';
import type { DataSource } from 'typeorm';
import { DomainError } from '../../src/common/errors/domain-error.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { capturedLogs, parsedLogs } from '../support/logs.js';

class NestedDto {
  @IsInt()
  x!: number;
}

class ProbeDto {
  @IsString()
  @Length(1, 20)
  name!: string;

  @IsInt()
  @Min(0)
  count!: number;

  @IsOptional()
  @ValidateNested()
  @Type(() => NestedDto)
  nested?: NestedDto;
}

/** A stand-in feature controller: these tests are about the shared request pipeline. */
@Controller('probe')
class ProbeController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @Post()
  echo(@Body() dto: ProbeDto): ProbeDto {
    return dto;
  }

  @Get('conflict')
  conflict(): never {
    throw new DomainError('CONFLICT', 'That slug is taken');
  }

  @Get('bug')
  bug(): never {
    throw new Error('secret internal detail');
  }

  @Get('bad-uuid')
  async badUuid(): Promise<unknown> {
    return this.dataSource.query('SELECT $1::uuid AS id', ['not-a-uuid']);
  }
}

interface ErrorResponse {
  error: { code: string; message: string; details: { field?: string; message: string }[] };
}

describe('error shape of the HTTP pipeline', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { BODY_LIMIT_BYTES: '2048' }, controllers: [ProbeController] });
  });

  afterAll(async () => {
    await t.close();
  });

  async function post(
    body: string,
    headers: Record<string, string> = { 'content-type': 'application/json' },
  ) {
    const res = await fetch(`${t.baseUrl}/api/v1/probe`, { method: 'POST', headers, body });
    const text = await res.text();
    return {
      status: res.status,
      json: JSON.parse(text) as ErrorResponse & Record<string, unknown>,
    };
  }

  it('passes a valid body through to the handler', async () => {
    const { status, json } = await post(JSON.stringify({ name: 'ok', count: 1, nested: { x: 2 } }));
    expect(status).toBe(201);
    expect(json).toEqual({ name: 'ok', count: 1, nested: { x: 2 } });
  });

  it.each([
    ['malformed JSON', '{"name": "a", ', /not valid JSON/],
    ['a bare JSON string', '"hello"', /not valid JSON/],
    ['JSON null', 'null', /not valid JSON/],
    ['a JSON number', '42', /not valid JSON/],
  ])('rejects %s with 400 VALIDATION_FAILED', async (_label, body, message) => {
    const { status, json } = await post(body);
    expect(status).toBe(400);
    expect(json.error.code).toBe('VALIDATION_FAILED');
    expect(json.error.message).toMatch(message);
    expect(json.error.details).toEqual([]);
  });

  it('rejects a JSON array where an object is expected', async () => {
    const { status, json } = await post('[1, 2, 3]');
    expect(status).toBe(400);
    expect(json.error.code).toBe('VALIDATION_FAILED');
  });

  it('rejects a missing body (no content type) as invalid, not as a crash', async () => {
    const { status, json } = await post('', {});
    expect(status).toBe(400);
    expect(json.error.code).toBe('VALIDATION_FAILED');
  });

  it('names each field with a wrong type', async () => {
    const { status, json } = await post(
      JSON.stringify({ name: 5, count: '3', nested: { x: 'y' } }),
    );
    expect(status).toBe(400);
    expect(json.error.code).toBe('VALIDATION_FAILED');
    const fields = json.error.details.map((d) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'count', 'nested.x']));
  });

  it('rejects unknown fields instead of dropping them silently', async () => {
    const { status, json } = await post(JSON.stringify({ name: 'a', count: 1, role: 'admin' }));
    expect(status).toBe(400);
    expect(json.error.details).toEqual([
      { field: 'role', message: 'property role should not exist' },
    ]);
  });

  it('rejects a __proto__ key and pollutes nothing', async () => {
    const { status, json } = await post('{"name":"a","count":1,"__proto__":{"polluted":true}}');
    expect(json.error?.message).toMatch(/__proto__/);
    expect(status).toBe(400);
    expect(json.error.code).toBe('VALIDATION_FAILED');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const escaped = await post('{"name":"a","count":1,"\\u005f_proto__":{"polluted":true}}');
    expect(escaped.status).toBe(400);
  });

  it('rejects deeply nested JSON without a 500', async () => {
    const { status, json } = await post('['.repeat(5000) + ']'.repeat(5000));
    expect(status).toBe(413);
    expect(json.error.code).toBe('VALIDATION_FAILED');
    const deepButSmall = await post('{"a":'.repeat(300) + '1' + '}'.repeat(300));
    expect(deepButSmall.status).toBe(400);
  });

  it('rejects an oversized body with 413 VALIDATION_FAILED', async () => {
    const { status, json } = await post(
      JSON.stringify({ name: 'a', count: 1, pad: 'x'.repeat(4096) }),
    );
    expect(status).toBe(413);
    expect(json.error).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'Request body is larger than 2048 bytes',
      details: [],
    });
  });

  it('rejects a body in an unsupported charset with 415', async () => {
    const { status, json } = await post('{"name":"a","count":1}', {
      'content-type': 'application/json; charset=latin1',
    });
    expect(status).toBe(415);
    expect(json.error.code).toBe('VALIDATION_FAILED');
  });

  it('answers unknown routes and methods with 404 NOT_FOUND', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/nowhere'],
      ['DELETE', '/api/v1/probe'],
      ['GET', '/nowhere'],
    ] as const) {
      const res = await fetch(t.baseUrl + path, { method });
      expect(res.status).toBe(404);
      expect(((await res.json()) as ErrorResponse).error.code).toBe('NOT_FOUND');
    }
  });

  it('gives a domain error its own code and status', async () => {
    const res = await fetch(`${t.baseUrl}/api/v1/probe/conflict`);
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({
      error: { code: 'CONFLICT', message: 'That slug is taken', details: [] },
    });
  });

  it('turns a malformed value that reaches the database into 400, not 500', async () => {
    const res = await fetch(`${t.baseUrl}/api/v1/probe/bad-uuid`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorResponse).error.code).toBe('VALIDATION_FAILED');
  });

  it('hides the details of a bug from the caller but logs them with the request id', async () => {
    const res = await fetch(`${t.baseUrl}/api/v1/probe/bug`, {
      headers: { 'x-request-id': 'trace-bug-1' },
    });
    expect(res.status).toBe(500);
    expect(res.headers.get('x-request-id')).toBe('trace-bug-1');
    expect(await res.json()).toEqual({
      error: { code: 'INTERNAL', message: 'Something went wrong on our side', details: [] },
    });
    const logged = parsedLogs().find(
      (l) => l.msg === 'request failed' && l.requestId === 'trace-bug-1',
    );
    expect(logged).toMatchObject({ level: 'error', message: 'secret internal detail' });
  });

  it('returns a fresh request id when the caller sends none or a malformed one', async () => {
    const plain = await fetch(`${t.baseUrl}/health`);
    expect(plain.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const weird = await fetch(`${t.baseUrl}/health`, {
      headers: { 'x-request-id': 'a b<script>' },
    });
    expect(weird.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends security headers and no CORS grant by default', async () => {
    const res = await fetch(`${t.baseUrl}/health`, { headers: { origin: 'https://evil.example' } });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('logs one JSON line per request with its id, and never bodies or client addresses', async () => {
    await post(JSON.stringify({ name: 'body-marker-7731', count: 1 }));
    const lines = parsedLogs().filter((l) => l.msg === 'request completed');
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) {
      expect(line.level).toBe('info');
      expect(typeof line.requestId).toBe('string');
      expect(typeof line.method).toBe('string');
    }
    const all = capturedLogs.join('\n');
    expect(all).not.toContain('body-marker-7731');
    expect(all).not.toContain('127.0.0.1');
  });
});

describe('CORS when CORS_ORIGINS is set', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { CORS_ORIGINS: 'https://intergroup.example.org' } });
  });

  afterAll(async () => {
    await t.close();
  });

  it('grants the listed origin, including preflight, and nobody else', async () => {
    const allowed = await fetch(`${t.baseUrl}/health`, {
      headers: { origin: 'https://intergroup.example.org' },
    });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(
      'https://intergroup.example.org',
    );

    const preflight = await fetch(`${t.baseUrl}/api/v1/meetings`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://intergroup.example.org',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,authorization',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(
      'https://intergroup.example.org',
    );

    const other = await fetch(`${t.baseUrl}/health`, {
      headers: { origin: 'https://evil.example' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
