import { gunzipSync } from 'node:zlib';

/**
 * Searches bytes for secret values, in the forms a value takes in a run's artifacts: as is, as
 * a JSON string escapes it, inside gzip files (kind's log archives), and inside base64 blobs
 * (the single-file HTML report stores every result and attachment that way). Pure: the caller
 * reads the files and says what each needle is; a hit names the needle, never its value.
 */
export interface Needle {
  readonly value: string;
  /** Where the value comes from, shown instead of the value. */
  readonly where: string;
}

export interface Leak {
  /** The needle's description, never its value. */
  readonly where: string;
  /** How the value was found: "as is", "JSON-escaped", and the layers around it ("gunzipped", "base64 at 1234"). */
  readonly form: string;
  /** Byte offset in the innermost layer. */
  readonly offset: number;
}

/** Base64 runs shorter than this are words, paths and IDs more often than encoded content. */
const MIN_BASE64_RUN = 32;
/** Data URIs of code, styles, fonts and pictures: the report's own application, not results. */
const APPLICATION_DATA_URI =
  /data:(?:text\/(?:javascript|css)|application\/javascript|font\/[\w.+-]+|image\/(?:png|jpeg|gif|webp|x-icon))[^,;]*;base64,$/;
const MAX_DEPTH = 3;
const GZIP_MAGIC = [0x1f, 0x8b] as const;

export function findLeaks(content: Buffer, needles: readonly Needle[]): Leak[] {
  const patterns = needles.flatMap((needle) => formsOf(needle));
  return search(content, patterns, [], 0);
}

interface Pattern {
  readonly bytes: Buffer;
  readonly where: string;
  readonly form: string;
}

function formsOf(needle: Needle): Pattern[] {
  const forms: Pattern[] = [{ bytes: Buffer.from(needle.value, 'utf8'), where: needle.where, form: 'as is' }];
  const escaped = JSON.stringify(needle.value).slice(1, -1);
  if (escaped !== needle.value)
    forms.push({ bytes: Buffer.from(escaped, 'utf8'), where: needle.where, form: 'JSON-escaped' });
  return forms;
}

function search(content: Buffer, patterns: readonly Pattern[], layers: readonly string[], depth: number): Leak[] {
  if (content[0] === GZIP_MAGIC[0] && content[1] === GZIP_MAGIC[1] && depth < MAX_DEPTH) {
    let inflated: Buffer | undefined;
    try {
      inflated = gunzipSync(content);
    } catch {
      // Not gzip after all: searched as it is below.
    }
    if (inflated) return search(inflated, patterns, [...layers, 'gunzipped'], depth + 1);
  }
  const leaks: Leak[] = [];
  for (const pattern of patterns) {
    for (let at = content.indexOf(pattern.bytes); at >= 0; at = content.indexOf(pattern.bytes, at + 1)) {
      leaks.push({ where: pattern.where, form: [...layers, pattern.form].join(', '), offset: at });
    }
  }
  if (depth >= MAX_DEPTH) return leaks;
  for (const blob of base64Blobs(content)) {
    const decoded = Buffer.from(blob.text, 'base64');
    leaks.push(...search(decoded, patterns, [...layers, `base64 at ${blob.offset}`], depth + 1));
  }
  return leaks;
}

/** Runs of base64 long enough to be encoded content, except the report application's own code and pictures. */
export function base64Blobs(content: Buffer): Array<{ offset: number; text: string }> {
  const text = content.toString('latin1');
  const blobs: Array<{ offset: number; text: string }> = [];
  const run = new RegExp(`[A-Za-z0-9+/]{${MIN_BASE64_RUN},}={0,2}`, 'g');
  for (const match of text.matchAll(run)) {
    const before = text.slice(Math.max(0, match.index - 80), match.index);
    if (APPLICATION_DATA_URI.test(before)) continue;
    blobs.push({ offset: match.index, text: match[0] });
  }
  return blobs;
}
