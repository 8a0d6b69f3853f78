import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadLedger } from './ledger.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('decidedBy', () => {
  it('names a scenario file that exists and a test of that name in it', () => {
    const problems: string[] = [];
    for (const guide of loadLedger())
      for (const claim of guide.claims) {
        if (!claim.decidedBy) continue;
        const [file, ...rest] = claim.decidedBy.split(' > ');
        const name = rest.join(' > ');
        if (!file || !name || !existsSync(`${ROOT}${file}`)) {
          problems.push(`${claim.id}: no scenario file ${file}`);
          continue;
        }
        if (!readFileSync(`${ROOT}${file}`, 'utf8').includes(name))
          problems.push(`${claim.id}: no test "${name}" in ${file}`);
      }
    expect(problems).toEqual([]);
  });
});
