import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverScenarios } from './scenarios.js';

describe('discoverScenarios', () => {
  it('names the suite files of this repository by their basename', () => {
    const scenarios = discoverScenarios(new URL('../../suites', import.meta.url).pathname);
    expect([...scenarios.keys()].sort()).toEqual([
      'offline-cluster',
      'ordered-creation',
      'partition',
      'reverse-termination',
      'rolling-update',
      'stable-dns',
      'storage-reattachment',
    ]);
  });

  it('refuses two files with the same name', () => {
    const root = mkdtempSync(join(tmpdir(), 'scenarios-'));
    for (const dir of ['a', 'b']) {
      mkdirSync(join(root, dir));
      writeFileSync(join(root, dir, 'same.test.ts'), '');
    }
    expect(() => discoverScenarios(root)).toThrow(/two scenarios are named same/);
  });
});
