import { describe, expect, it } from 'vitest';
import { kindsOf } from './verdict.js';
import {
  changedClaims,
  claimsStable,
  dnsFigures,
  duplicatedIdentities,
  filesKept,
  identitiesUnique,
  maxUnavailability,
  namesResolveAgain,
  writeFigures,
} from './continuity.js';

const sighting = (at: number, ordinal: number, uid: string, alive = true) => ({ at, set: 'web', ordinal, uid, alive });

describe('no identity has two pods at once', () => {
  it('holds when a replacement is first seen alive after its predecessor was last seen', () => {
    const seen = [sighting(0, 0, 'a'), sighting(1000, 0, 'a'), sighting(2000, 0, 'a', false), sighting(3000, 0, 'b')];
    expect(identitiesUnique(seen).outcome).toBe('holds');
    expect(duplicatedIdentities(seen)).toBe(0);
  });

  it('overlapping alive windows of two UIDs of one ordinal are identity-duplicated', () => {
    const seen = [sighting(0, 1, 'a'), sighting(1000, 1, 'b'), sighting(2000, 1, 'a'), sighting(2000, 0, 'c')];
    expect(kindsOf(identitiesUnique(seen))).toEqual(['identity-duplicated']);
    expect(duplicatedIdentities(seen)).toBe(1);
  });

  it('no pod seen alive is inconclusive', () => {
    expect(identitiesUnique([sighting(0, 0, 'a', false)]).outcome).toBe('inconclusive');
  });
});

describe('no claim changes UID', () => {
  it('holds for one UID per claim, claim-changed for two', () => {
    const stable = [
      { at: 0, claim: 'data-pg-0', uid: 'u1' },
      { at: 5, claim: 'data-pg-0', uid: 'u1' },
    ];
    expect(claimsStable(stable).outcome).toBe('holds');
    const changed = [...stable, { at: 9, claim: 'data-pg-0', uid: 'u2' }];
    expect(kindsOf(claimsStable(changed))).toEqual(['claim-changed']);
    expect(changedClaims(changed)).toBe(1);
    expect(claimsStable([]).outcome).toBe('inconclusive');
  });
});

describe('figures', () => {
  it('sums the write intervals and measures the longest stretch without an acknowledged write', () => {
    const interval = (start: number, acknowledged: number, failed: number) => ({
      start,
      end: start + 1000,
      attempted: acknowledged + failed,
      acknowledged,
      failed,
      readsOk: acknowledged,
      readsFailed: failed,
    });
    const figures = writeFigures([interval(0, 5, 0), interval(1000, 0, 3), interval(2000, 0, 2), interval(3000, 4, 1)]);
    expect(figures).toMatchObject({
      attempted: 15,
      acknowledged: 9,
      failed: 6,
      readsOk: 9,
      longestWriteOutageMs: 2000,
    });
    expect(figures.acknowledgedRatio).toBeCloseTo(0.6);
    expect(writeFigures([]).acknowledgedRatio).toBeUndefined();
  });

  it('max unavailability per set and names that do not resolve at the end', () => {
    expect(
      maxUnavailability([
        { at: 0, set: 'web', replicas: 2, ready: 2 },
        { at: 1, set: 'web', replicas: 2, ready: 1 },
        { at: 1, set: 'pg', replicas: 1, ready: 0 },
      ]),
    ).toEqual({ web: 1, pg: 1 });
    expect(
      dnsFigures([
        { at: 0, name: 'web-0', resolved: true },
        { at: 1, name: 'web-0', resolved: false },
        { at: 2, name: 'web-0', resolved: true },
        { at: 2, name: 'web-1', resolved: false },
      ]),
    ).toEqual({ lookups: 4, resolved: 2, unresolvedAtEnd: ['web-1'] });
  });
});

describe('every DNS name resolves again after the upgrade', () => {
  const lookup = (at: number, name: string, resolved: boolean) => ({ at, name, resolved });

  it('holds when failures in the middle end in a resolved lookup', () => {
    const samples = [lookup(0, 'web-0', true), lookup(1000, 'web-0', false), lookup(2000, 'web-0', true)];
    expect(namesResolveAgain(samples).outcome).toBe('holds');
  });

  it('a name whose last lookup failed is name-unresolved-after, naming only that name', () => {
    const samples = [lookup(0, 'web-0', true), lookup(0, 'web-1', true), lookup(2000, 'web-1', false)];
    const verdict = namesResolveAgain(samples);
    expect(kindsOf(verdict)).toEqual(['name-unresolved-after']);
    expect(verdict.violations.map((violation) => violation.message.split(':')[0])).toEqual(['web-1']);
  });

  it('no lookup at all is inconclusive', () => {
    expect(namesResolveAgain([]).outcome).toBe('inconclusive');
  });
});

describe("each pod's file on its claim survives", () => {
  it('holds when every file reads back as written', () => {
    expect(filesKept({ 'web-0': 'a', 'web-1': 'b' }, { 'web-0': 'a', 'web-1': 'b' }).outcome).toBe('holds');
  });

  it('a file read back different or missing is data-lost', () => {
    const verdict = filesKept({ 'web-0': 'a', 'web-1': 'b' }, { 'web-0': 'a', 'web-1': undefined });
    expect(kindsOf(verdict)).toEqual(['data-lost']);
    expect(verdict.violations[0]?.message).toContain('web-1');
  });

  it('nothing written is inconclusive', () => {
    expect(filesKept({}, {}).outcome).toBe('inconclusive');
  });
});
