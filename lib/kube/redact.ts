import type { KubeObject } from './manifests.js';

/**
 * Keeps secrets from fixtures out of reports and logs. What counts as a secret is decided once,
 * here (`sensitiveLiterals`), for both the Redactor, which replaces the values in everything a
 * scenario attaches, and the run's leak scan (lib/harness/artifact-scan.ts), which searches every
 * artifact for them afterwards.
 */
const CREDENTIAL_NAME = /pass(word|wd)?|secret|token|credential|private[_-]?key|api[_-]?key/i;
/**
 * A Secret's key that names a credential. A Secret also carries plain settings (a user name
 * "admin", a database "postgres") that occur in every log for other reasons: searching for them
 * would fail every run and scrubbing them would shred every log. They are not credentials unless
 * long enough to be one (LONG_SECRET_VALUE): keyfiles, certificates, generated tokens.
 */
const CREDENTIAL_KEY = /pass|pwd|secret|token|credential|key|auth|cert|salt/i;
const LONG_SECRET_VALUE = 16;
/** Keys that name where a credential is (secretName, secretKeyRef, passwordFile), not the credential. */
const REFERENCE_KEY = /(name|ref|path|file|seconds)$/i;
/**
 * Credentials written inline in a string: `password=...`, `--password ...`, `TOKEN: ...`, SQL's
 * `IDENTIFIED BY '...'`, mysql's `-p...`. Values starting with `$` are references, not literals.
 */
const INLINE_CREDENTIALS: readonly RegExp[] = [
  /(?:pass(?:word|wd)?|secret|token|api[_-]?key)["']?\s*[=:]\s*["']?([^\s"'$;,&|)]{4,})/gi,
  /--pass(?:word)?[= ]["']?([^\s"'$;,&|)]{4,})/gi,
  /identified\s+by\s+'([^'$]{4,})'/gi,
  // Case-sensitive: mysql's -P is the port.
  /\bmysql(?:dump|admin)?\b[^\n]*?\s-p([^\s"'$;,&|)]{4,})/g,
];
/** Very short values ("1", "on") would shred every log; they are not meaningful secrets either. */
export const MIN_SECRET_LENGTH = 4;
const REDACTED = '<redacted>';

/** A secret value and where it comes from, for messages that must never show the value. */
export interface SensitiveLiteral {
  readonly value: string;
  readonly where: string;
}

/** A value in a Secret or a credential slot that is not treated as a secret, and why. */
export interface SkippedValue {
  readonly where: string;
  readonly why: 'shorter than 4 characters' | 'a Secret value under a key that names no credential';
}

interface EnvVar {
  name: string;
  value?: string;
}

/**
 * Every secret in these objects (any YAML documents, not only valid manifests): each credential
 * of a Secret's `data` (as written and decoded) and `stringData` (see CREDENTIAL_KEY); literal
 * values of env vars and of mapping keys whose names say they hold credentials; credentials
 * written inline in any string. What is left out is listed in `skipped`, with why.
 */
export function sensitiveLiterals(
  objects: readonly unknown[],
  source: string,
): { literals: SensitiveLiteral[]; skipped: SkippedValue[] } {
  const literals: SensitiveLiteral[] = [];
  const skipped: SkippedValue[] = [];
  const add = (value: unknown, where: string, secretKey?: string) => {
    if (typeof value !== 'string' || value.length === 0) return;
    const located = `${where} in ${source}`;
    if (value.length < MIN_SECRET_LENGTH) skipped.push({ where: located, why: 'shorter than 4 characters' });
    else if (secretKey !== undefined && !CREDENTIAL_KEY.test(secretKey) && value.length < LONG_SECRET_VALUE)
      skipped.push({ where: located, why: 'a Secret value under a key that names no credential' });
    else literals.push({ value, where: located });
  };
  for (const object of objects.flatMap((document) => embeddedObjects(document))) {
    const metadata = isMapping(object.metadata) ? object.metadata : {};
    const name = `${String(object.kind ?? 'object')} ${String(metadata.name ?? '(unnamed)')}`;
    if (object.kind === 'Secret') {
      for (const [key, value] of Object.entries(isMapping(object.data) ? object.data : {})) {
        if (typeof value !== 'string') continue;
        const decoded = Buffer.from(value, 'base64').toString('utf8');
        // Whether a value is a credential is decided on the decoded value; its encoding goes with it.
        if (CREDENTIAL_KEY.test(key) || decoded.length >= LONG_SECRET_VALUE) add(value, `${name} data.${key}`);
        add(decoded, `${name} data.${key} (decoded)`, key);
      }
      for (const [key, value] of Object.entries(isMapping(object.stringData) ? object.stringData : {}))
        add(value, `${name} stringData.${key}`, key);
    }
    walk(object, '', (path, key, value, parent) => {
      // Objects inside this one (a List's items, a wrapper's objects) are judged on their own.
      if (path.length > 0 && isObject(value)) return 'skip';
      if (typeof value !== 'string') return;
      if (object.kind === 'Secret' && /^\.(data|stringData)\./.test(path)) return;
      if (key === 'value' && typeof parent.name === 'string' && CREDENTIAL_NAME.test(parent.name))
        add(value, `${name} env ${parent.name}`);
      else if (CREDENTIAL_NAME.test(key) && !REFERENCE_KEY.test(key)) add(value, `${name} ${path.slice(1)}`);
      for (const pattern of INLINE_CREDENTIALS)
        for (const match of value.matchAll(pattern)) add(match[1], `${name} ${path.slice(1)} (inline)`);
    });
  }
  return { literals, skipped };
}

/** Credentials written inline in a text file (a script, a SQL file, a config file in fixtures/). */
export function inlineCredentials(text: string, source: string): SensitiveLiteral[] {
  const literals: SensitiveLiteral[] = [];
  for (const pattern of INLINE_CREDENTIALS)
    for (const match of text.matchAll(pattern))
      if ((match[1] ?? '').length >= MIN_SECRET_LENGTH)
        literals.push({ value: match[1] as string, where: `inline credential in ${source}` });
  return literals;
}

export class Redactor {
  private readonly values = new Set<string>();

  /** Remembers every sensitive value in these objects. */
  learn(objects: readonly KubeObject[]): this {
    for (const { value } of sensitiveLiterals(objects, 'fixture').literals) this.values.add(value);
    return this;
  }

  /** Copies of the objects with Secret values replaced and every remembered value scrubbed from every string. */
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
        if (CREDENTIAL_NAME.test(env.name) && env.value !== undefined) env.value = REDACTED;
    }
    return copies.map((object) => scrubStrings(object, (text) => this.scrub(text)) as KubeObject);
  }

  /** Whether there is anything to scrub. */
  get empty(): boolean {
    return this.values.size === 0;
  }

  /** The text with every remembered value replaced. */
  scrub(text: string): string {
    let scrubbed = text;
    for (const value of [...this.values].sort((a, b) => b.length - a.length))
      scrubbed = scrubbed.split(value).join(REDACTED);
    return scrubbed;
  }
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A Kubernetes object: a mapping with a kind. */
function isObject(value: unknown): value is Record<string, unknown> {
  return isMapping(value) && typeof value.kind === 'string';
}

/**
 * The objects in a YAML document: the document itself, and every object nested in it (a List's
 * items, the `objects` of a fixture correction); a document that is no object counts as one too,
 * for what it holds outside them.
 */
function embeddedObjects(document: unknown): Record<string, unknown>[] {
  if (!isMapping(document) && !Array.isArray(document)) return [];
  const found: Record<string, unknown>[] = isMapping(document) ? [document] : [];
  walk(document, '', (_path, _key, value) => {
    if (isObject(value)) found.push(value);
  });
  return found;
}

/**
 * Calls `visit` for every value under `value`, with its path (`.spec.template...`), its key and
 * the mapping holding it; `visit` returning 'skip' keeps the walk out of that value.
 */
function walk(
  value: unknown,
  path: string,
  visit: (path: string, key: string, value: unknown, parent: Record<string, unknown>) => 'skip' | void,
): void {
  if (Array.isArray(value))
    value.forEach((item, index) => {
      if (visit(`${path}[${index}]`, String(index), item, {}) !== 'skip') walk(item, `${path}[${index}]`, visit);
    });
  else if (isMapping(value))
    for (const [key, child] of Object.entries(value)) {
      if (visit(`${path}.${key}`, key, child, value) !== 'skip') walk(child, `${path}.${key}`, visit);
    }
}

function scrubStrings(value: unknown, scrub: (text: string) => string): unknown {
  if (typeof value === 'string') return scrub(value);
  if (Array.isArray(value)) return value.map((item) => scrubStrings(item, scrub));
  if (isMapping(value))
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, scrubStrings(child, scrub)]));
  return value;
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
