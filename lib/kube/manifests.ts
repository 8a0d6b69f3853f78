import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import { ActionableError } from '../support/errors.js';

/** A Kubernetes object as a fixture states it: plain data, nothing dropped or coerced. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export class InvalidFixtureError extends ActionableError {
  constructor(source: string, problem: string) {
    super(`invalid fixture ${source}: ${problem}`, 'fix the fixture file');
    this.name = 'InvalidFixtureError';
  }
}

/**
 * Parses multi-document YAML into raw objects. Empty documents (a trailing `---`) are skipped;
 * syntax errors, non-objects and objects without apiVersion, kind or metadata.name are errors
 * that name the file and the document.
 */
export function parseManifests(text: string, source: string): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const [index, document] of parseAllDocuments(text).entries()) {
    const where = `${source} (document ${index + 1})`;
    if (document.errors.length > 0)
      throw new InvalidFixtureError(where, document.errors[0]?.message.split('\n')[0] ?? 'YAML error');
    const value = document.toJS({ maxAliasCount: 50 }) as unknown;
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value))
      throw new InvalidFixtureError(where, 'a document must be a mapping');
    const object = value as Partial<KubeObject>;
    for (const field of ['apiVersion', 'kind'] as const) {
      if (typeof object[field] !== 'string' || !object[field]) throw new InvalidFixtureError(where, `missing ${field}`);
    }
    if (typeof object.metadata?.name !== 'string' || !object.metadata.name)
      throw new InvalidFixtureError(where, `${object.kind} without metadata.name`);
    objects.push(object as KubeObject);
  }
  if (objects.length === 0) throw new InvalidFixtureError(source, 'no objects');
  return objects;
}

export async function readManifests(path: string, displayName = path): Promise<KubeObject[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InvalidFixtureError(
      displayName,
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  return parseManifests(text, displayName);
}
