import { describe, expect, it } from 'vitest';
import {
  acknowledgedIds,
  dnsSamples,
  parseProbeLog,
  probeSilences,
  recordKey,
  unloggedProbeRows,
  writeIntervals,
} from './continuity-probes.js';

// What `kubectl logs --timestamps` printed for the probes' two containers (recorded shape).
const WRITER = [
  '2026-11-22T15:00:00.100000000Z write 1a2b3c4d 1 ok upgrade-1a2b3c4d-1',
  '2026-11-22T15:00:00.200000000Z read 1a2b3c4d 1 ok 21',
  '2026-11-22T15:00:01.300000000Z write 1a2b3c4d 2 failed upgrade-1a2b3c4d-2 psql: error: connection to server at "postgres-0.database" (10.244.1.5), port 5432 failed: Connection refused',
  '2026-11-22T15:00:01.400000000Z read 1a2b3c4d 2 failed psql: error: could not translate host name "postgres-1.database" to address: Name or service not known',
  '2026-11-22T15:00:11.500000000Z write 1a2b3c4d 3 ok upgrade-1a2b3c4d-3',
  'bash: line 3: something unexpected',
].join('\n');
const DNS = [
  '2026-11-22T15:00:00.500000000Z dns 99aa00bb 1 web-0.web.ns.svc.cluster.local Server:\t\t10.96.0.10|Address:\t10.96.0.10:53||Name:\tweb-0.web.ns.svc.cluster.local|Address: 10.244.1.7||',
  "2026-11-22T15:00:02.500000000Z dns 99aa00bb 2 web-0.web.ns.svc.cluster.local Server:\t\t10.96.0.10|Address:\t10.96.0.10:53||** server can't find web-0.web.ns.svc.cluster.local: NXDOMAIN||",
].join('\n');
const ORIGIN = Date.parse('2026-11-22T15:00:00Z');

describe('the continuity probes as their logs tell', () => {
  const records = [...parseProbeLog(WRITER), ...parseProbeLog(DNS)];

  it('reads writes, reads and lookups with the runtime time stamps, skipping lines that are not probe lines', () => {
    expect(records.map((record) => `${record.kind} ${record.at - ORIGIN}`)).toEqual([
      'write 100',
      'read 200',
      'write 1300',
      'read 1400',
      'write 11500',
      'dns 500',
      'dns 2500',
    ]);
    expect(records[2]).toMatchObject({ kind: 'write', ok: false, id: 'upgrade-1a2b3c4d-2' });
    expect(records[2]?.kind === 'write' && records[2].detail).toContain('Connection refused');
  });

  it('keys an attempt by container instance and number, so a log read twice counts once', () => {
    const keys = new Set([...parseProbeLog(WRITER), ...parseProbeLog(WRITER)].map(recordKey));
    expect(keys.size).toBe(5);
  });

  it('acknowledged ids are the writes that said ok', () => {
    expect(acknowledgedIds(records)).toEqual(['upgrade-1a2b3c4d-1', 'upgrade-1a2b3c4d-3']);
  });

  it('parses the lookups with the nslookup reader: an answer, then NXDOMAIN', () => {
    expect(dnsSamples(records, ORIGIN)).toEqual([
      { at: 500, name: 'web-0.web.ns.svc.cluster.local', resolved: true },
      { at: 2500, name: 'web-0.web.ns.svc.cluster.local', resolved: false },
    ]);
  });

  it('buckets writes and reads, leaving out buckets in which the probe printed nothing', () => {
    expect(writeIntervals(records, ORIGIN, 10_000)).toEqual([
      { start: 0, end: 10_000, attempted: 2, acknowledged: 1, failed: 1, readsOk: 1, readsFailed: 1 },
      { start: 10_000, end: 20_000, attempted: 1, acknowledged: 1, failed: 0, readsOk: 0, readsFailed: 0 },
    ]);
  });

  it('a stretch without a line longer than the gap is a probe silence', () => {
    expect(probeSilences(records, 'write', { from: ORIGIN, to: ORIGIN + 12_000 }, 5000)).toEqual([
      { from: ORIGIN + 1300, to: ORIGIN + 11_500 },
    ]);
  });
});

describe("rows of the writer that no log read showed (an evicted probe's last lines)", () => {
  it('are the ids of the writer shape that no write record names; other rows are left to the judge', () => {
    const records = parseProbeLog(WRITER);
    expect(
      unloggedProbeRows(
        ['upgrade-1a2b3c4d-1', 'upgrade-1a2b3c4d-4', 'upgrade-99999999-1', 'row-0-abc', 'upgrade-x-1'],
        records,
      ),
    ).toEqual(['upgrade-1a2b3c4d-4', 'upgrade-99999999-1']);
  });
});
