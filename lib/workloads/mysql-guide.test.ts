import { describe, expect, it } from 'vitest';
import { readyWhileInitialising, temporaryServerWindow } from './mysql-guide.js';

const log = [
  '2026-11-22T07:12:01.101Z 2026-11-22 07:12:01+00:00 [Note] [Entrypoint]: Initializing database files',
  '2026-11-22T07:12:05.310Z 2026-11-22 07:12:05+00:00 [Note] [Entrypoint]: Temporary server started.',
  '2026-11-22T07:12:09.020Z 2026-11-22 07:12:09+00:00 [Note] [Entrypoint]: Creating database appdb',
  '2026-11-22T07:12:14.500Z 2026-11-22 07:12:14+00:00 [Note] [Entrypoint]: Temporary server stopped',
].join('\n');

describe("the mysql entrypoint's temporary server", () => {
  it('is read from the kubelet timestamps of its log', () => {
    expect(temporaryServerWindow(log)).toEqual({
      from: Date.parse('2026-11-22T07:12:05.310Z'),
      to: Date.parse('2026-11-22T07:12:14.500Z'),
    });
    expect(temporaryServerWindow('2026-11-22T07:12:01.101Z mysqld: ready for connections')).toBeUndefined();
  });

  it('tells a Ready spell that began while it ran from one after', () => {
    const window = temporaryServerWindow(log);
    expect(readyWhileInitialising([Date.parse('2026-11-22T07:12:07Z')], window)).toBe(
      Date.parse('2026-11-22T07:12:07Z'),
    );
    expect(readyWhileInitialising([Date.parse('2026-11-22T07:12:30Z')], window)).toBeUndefined();
    expect(readyWhileInitialising([Date.parse('2026-11-22T07:12:07Z')], undefined)).toBeUndefined();
  });
});
