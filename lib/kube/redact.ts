import type { KubeObject } from './manifests.js';

/**
 * Keeps secrets from fixtures out of reports and logs. A Secret's values, and literal values of
 * environment variables whose names say they are credentials, are replaced in attached
 * manifests; the same values are scrubbed from any text attached next to them (pod logs, events).
 */
const SENSITIVE_ENV_NAME = /pass(word)?|secret|token|credential|private[_-]?key|api[_-]?key/i;
const REDACTED = '<redacted>';

interface EnvVar {
  name: string;
  value?: string;
}

export class Redactor {
  private readonly values = new Set<string>();

  /** Remembers every sensitive value in these objects. */
  learn(objects: readonly KubeObject[]): this {
    for (const object of objects) {
      if (object.kind === 'Secret') {
        for (const value of Object.values((object.data ?? {}) as Record<string, string>)) {
          this.remember(value);
          this.remember(Buffer.from(value, 'base64').toString('utf8'));
        }
        for (const value of Object.values((object.stringData ?? {}) as Record<string, string>)) this.remember(value);
      }
      for (const env of envVars(object)) if (SENSITIVE_ENV_NAME.test(env.name) && env.value) this.remember(env.value);
    }
    return this;
  }

  /** Copies of the objects with Secret values and sensitive env literals replaced. */
  redactObjects(objects: readonly KubeObject[]): KubeObject[] {
    const copies = structuredClone([...objects]);
    for (const object of copies) {
      if (object.kind === 'Secret') {
        for (const field of ['data', 'stringData'] as const) {
          const values = object[field] as Record<string, string> | undefined;
          if (values) for (const key of Object.keys(values)) values[key] = REDACTED;
        }
      }
      for (const env of envVars(object))
        if (SENSITIVE_ENV_NAME.test(env.name) && env.value !== undefined) env.value = REDACTED;
    }
    return copies;
  }

  /** The text with every remembered value replaced. */
  scrub(text: string): string {
    let scrubbed = text;
    for (const value of [...this.values].sort((a, b) => b.length - a.length))
      scrubbed = scrubbed.split(value).join(REDACTED);
    return scrubbed;
  }

  private remember(value: string) {
    // Very short values ("1", "on") would shred every log; they are not meaningful secrets either.
    if (value.length >= 4) this.values.add(value);
  }
}

function envVars(object: KubeObject): EnvVar[] {
  const spec = object.spec as
    | {
        containers?: Array<{ env?: EnvVar[] }>;
        initContainers?: Array<{ env?: EnvVar[] }>;
        template?: { spec?: { containers?: Array<{ env?: EnvVar[] }>; initContainers?: Array<{ env?: EnvVar[] }> } };
      }
    | undefined;
  const podSpec = object.kind === 'Pod' ? spec : spec?.template?.spec;
  return [...(podSpec?.containers ?? []), ...(podSpec?.initContainers ?? [])].flatMap(
    (container) => container.env ?? [],
  );
}
