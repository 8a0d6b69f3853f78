import { readdirSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';

/**
 * Scenarios that disrupt the whole cluster (restart its API server) live in suites/disruptive/:
 * a run includes them only when they are named, runs them after every other scenario and one
 * at a time, and only on a kind cluster reached by name.
 */
export const DISRUPTIVE_DIR = 'disruptive';

export function isDisruptive(path: string): boolean {
  return path.split(sep).includes(DISRUPTIVE_DIR);
}

/**
 * Scenario files by name: suites/core/ordered-creation.test.ts is "ordered-creation". A name
 * used twice is an error, so `npm run e2e -- NAME` always means one file.
 */
export function discoverScenarios(dir: string): Map<string, string> {
  const scenarios = new Map<string, string>();
  const walk = (current: string) => {
    for (const entry of readdirSync(current).sort()) {
      const path = join(current, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith('.test.ts')) {
        const name = entry.replace(/\.test\.ts$/, '');
        const known = scenarios.get(name);
        if (known) throw new Error(`two scenarios are named ${name}: ${known} and ${path}`);
        scenarios.set(name, path);
      }
    }
  };
  walk(dir);
  return scenarios;
}
