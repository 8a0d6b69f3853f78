import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { guidesDir } from '../claims/ledger.js';
import { guideFixtureFiles, verbatimProblems } from './guide-fixtures.js';

const guide = ['# A guide', 'kind: Service', 'metadata:', '  name: a', 'prose', 'kind: Pod'].join('\n');
const header = '# Guide: g.txt ("A guide"), section "S", copied verbatim.\n';

describe('guide fixtures', () => {
  it("every fixture in fixtures/guides is its guide's lines, byte for byte, after its header", () => {
    const problems = guideFixtureFiles().flatMap(([path, text]) =>
      verbatimProblems(text, path, (file) => readFileSync(join(guidesDir(), file), 'utf8')),
    );
    expect(problems).toEqual([]);
    expect(guideFixtureFiles().length).toBeGreaterThan(0);
  });

  it('joins several ranges with ---, and names the first line that differs', () => {
    const text = `${header}# verbatim: 2-4, 6-6\nkind: Service\nmetadata:\n  name: a\n---\nkind: Pod\n`;
    expect(verbatimProblems(text, 'f.yaml', () => guide)).toEqual([]);
    const edited = text.replace('name: a', 'name: b');
    expect(verbatimProblems(edited, 'f.yaml', () => guide)).toEqual([
      'f.yaml: body line 3 differs from g.txt (2-4, 6-6): expected "  name: a", found "  name: b"',
    ]);
  });

  it('refuses a fixture without its header', () => {
    expect(() => verbatimProblems('kind: Pod\n', 'f.yaml', () => guide)).toThrow(/# Guide:/);
    expect(() => verbatimProblems(`${header}kind: Pod\n`, 'f.yaml', () => guide)).toThrow(/verbatim/);
  });
});
