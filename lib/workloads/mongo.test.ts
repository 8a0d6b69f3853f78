import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evalScript, isNotPrimaryRefusal, parseResult, parseShellError, roleFromHello, type Hello } from './mongo.js';

/** Outputs recorded from the FerretDB image by the integration project (STS_RECORD_OUTPUTS=1). */
const recorded = (name: string) => readFileSync(new URL(`./testdata/mongo/${name}`, import.meta.url), 'utf8');

describe('parseResult', () => {
  it("reads the marked EJSON line of a script and FerretDB's hello", () => {
    const { value } = parseResult(recorded('hello.stdout')) as { value: Hello };
    expect(value.isWritablePrimary).toBe(true);
    expect(roleFromHello(value)).toBe('primary');
  });

  it('ignores any other output and takes the last marked line', () => {
    expect(parseResult('(node:1) Warning: something\nSTS_RESULT {"value":1}\n')).toEqual({ value: 1 });
    expect(() => parseResult('no marker here')).toThrow(/no result line/);
  });

  it('returns a server error as data: rs.initiate on FerretDB', () => {
    const { error } = JSON.parse(recorded('rs-initiate.json')) as ReturnType<typeof parseResult>;
    expect(error).toMatchObject({ name: 'MongoServerError', codeName: 'CommandNotFound' });
    expect(isNotPrimaryRefusal(error)).toBe(false);
  });
});

describe('parseShellError', () => {
  it('reads why mongosh could not run the script at all', () => {
    expect(parseShellError(recorded('connect-refused.stderr'))).toMatchObject({ name: 'MongoNetworkError' });
    expect(parseShellError('')).toBeUndefined();
  });
});

describe('roles and refusals', () => {
  it('reads primary, secondary and neither from hello', () => {
    expect(roleFromHello({ isWritablePrimary: false, secondary: true, setName: 'rs0' })).toBe('replica');
    expect(roleFromHello({ isWritablePrimary: false, secondary: false })).toBe('read-only');
  });

  it("counts MongoDB's not-primary codes as refusals of a read-only member (synthetic)", () => {
    expect(
      isNotPrimaryRefusal({
        name: 'MongoServerError',
        code: 10107,
        codeName: 'NotWritablePrimary',
        message: 'not primary',
      }),
    ).toBe(true);
    expect(
      isNotPrimaryRefusal({
        name: 'MongoServerError',
        code: 13,
        codeName: 'Unauthorized',
        message: 'requires authentication',
      }),
    ).toBe(false);
  });

  it('wraps a body so that its value or its error is printed as one marked line', () => {
    const script = evalScript('return 1;');
    expect(script).toContain('try {');
    expect(script).toContain('"STS_RESULT "');
  });
});
