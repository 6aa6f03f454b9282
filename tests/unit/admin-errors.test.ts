/** The error middleware: input-caused database and parser errors are 4xx problems; only the unknown is a 500. */
import type { Request, Response } from 'express';
import { checkIfMatch, errorMiddleware } from '../../api/http';
import { Prisma } from '../../store/db';

function run(error: unknown) {
  const logged: unknown[] = [];
  const sent: { status?: number; type?: string; body?: any } = {};
  const response = {
    status(code: number) {
      sent.status = code;
      return response;
    },
    type(value: string) {
      sent.type = value;
      return response;
    },
    json(body: unknown) {
      sent.body = body;
      return response;
    },
  } as unknown as Response;
  errorMiddleware((value) => logged.push(value))(error, {} as Request, response, () => undefined);
  return { ...sent, logged };
}

const prismaError = (code: string, meta: Record<string, unknown>) =>
  new Prisma.PrismaClientKnownRequestError('database said no', { code, clientVersion: 'test', meta });

test.each([
  ['P2002', 409],
  ['P2003', 400],
  ['P2025', 404],
])('Prisma %s becomes %i, not a 500', (code, status) => {
  const result = run(prismaError(code, { target: 'key' }));
  expect(result.status).toBe(status);
  expect(result.type).toBe('application/problem+json');
  expect(result.logged).toEqual([]);
});

test('an undecodable path and an oversized body keep their 4xx status', () => {
  expect(run(Object.assign(new URIError('Failed to decode param'), { status: 400 })).status).toBe(400);
  expect(run(Object.assign(new Error('request entity too large'), { status: 413, type: 'entity.too.large' })).status).toBe(413);
});

test('anything else is a logged 500 without details', () => {
  const result = run(new Error('secret internals'));
  expect(result.status).toBe(500);
  expect(JSON.stringify(result.body)).not.toContain('secret internals');
  expect(result.logged).toHaveLength(1);
});

test('If-Match: the current ETag, a list containing it, or * pass; anything else is a 412', () => {
  const updatedAt = new Date('2026-11-24T10:00:00.000Z');
  const request = (ifMatch?: string) => ({ headers: ifMatch === undefined ? {} : { 'if-match': ifMatch } }) as Request;
  expect(() => checkIfMatch(request(), updatedAt, 'x')).not.toThrow();
  expect(() => checkIfMatch(request('*'), updatedAt, 'x')).not.toThrow();
  expect(() => checkIfMatch(request('"old", "2026-11-24T10:00:00.000Z"'), updatedAt, 'x')).not.toThrow();
  let stale: unknown;
  try {
    checkIfMatch(request('"2026-11-24T09:59:59.999Z"'), updatedAt, 'x');
  } catch (error) {
    stale = error;
  }
  expect(run(stale).status).toBe(412);
});
