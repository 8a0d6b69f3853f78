import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Decision } from '../claims/ledger.js';

/**
 * A run's decisions on the guides' statements (out/claims.jsonl) and the figures its scenarios
 * measured (out/figures.jsonl): one JSON line each, appended by concurrent test files.
 */
export const DECISIONS_FILE = 'claims.jsonl';
export const FIGURES_FILE = 'figures.jsonl';

export interface Figure {
  readonly test: string;
  readonly name: string;
  readonly value: number;
  readonly unit?: string;
}

async function append(outDir: string, file: string, entry: unknown): Promise<void> {
  await mkdir(outDir, { recursive: true });
  await appendFile(join(outDir, file), `${JSON.stringify(entry)}\n`);
}

async function readLines<T>(outDir: string, file: string): Promise<T[]> {
  const text = await readFile(join(outDir, file), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as T);
}

export const recordDecision = (outDir: string, decision: Decision) => append(outDir, DECISIONS_FILE, decision);
export const recordFigure = (outDir: string, figure: Figure) => append(outDir, FIGURES_FILE, figure);
export const readDecisions = (outDir: string) => readLines<Decision>(outDir, DECISIONS_FILE);
export const readFigures = (outDir: string) => readLines<Figure>(outDir, FIGURES_FILE);
