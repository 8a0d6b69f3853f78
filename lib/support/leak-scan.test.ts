import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { base64Blobs, findLeaks } from './leak-scan.js';

const needles = [
  { value: 'secure-root-password-123', where: 'Secret mysql-secret stringData.root-password' },
  { value: 'p"w\\x12', where: 'Secret odd stringData.quoted' },
];
const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('findLeaks', () => {
  it('finds a value as is and names its origin, not the value', () => {
    const leaks = findLeaks(Buffer.from('login ok with secure-root-password-123\n'), needles);
    expect(leaks).toEqual([{ where: 'Secret mysql-secret stringData.root-password', form: 'as is', offset: 14 }]);
    expect(JSON.stringify(leaks)).not.toContain('secure-root');
  });

  it('finds a value a JSON string escaped', () => {
    const json = Buffer.from(JSON.stringify({ message: 'env: p"w\\x12' }));
    expect(findLeaks(json, needles).map((leak) => leak.form)).toEqual(['JSON-escaped']);
  });

  it('finds a value inside a gzip archive (kind export logs)', () => {
    const archive = gzipSync(Buffer.from('kubelet: started container with secure-root-password-123'));
    expect(findLeaks(archive, needles).map((leak) => leak.form)).toEqual(['gunzipped, as is']);
  });

  it('finds a value inside base64 data, as the single-file report stores attachments, also JSON inside base64', () => {
    const attachment = b64(`pod log line 1\npassword is secure-root-password-123\n`);
    const result = b64(JSON.stringify({ name: 'verdict', parameters: [{ value: 'p"w\\x12' }] }));
    const html = Buffer.from(
      `<script>d("data/attachments/1.txt","${attachment}"),d("data/test-results/2.json","${result}")</script>`,
    );
    const forms = findLeaks(html, needles).map((leak) => leak.form);
    expect(forms).toHaveLength(2);
    expect(forms[0]).toMatch(/^base64 at \d+, as is$/);
    expect(forms[1]).toMatch(/^base64 at \d+, JSON-escaped$/);
  });

  it('finds nothing in clean artifacts', () => {
    const clean = Buffer.from(`timeline ${b64('web-0 created; web-1 created; nothing secret in here at all')}`);
    expect(findLeaks(clean, needles)).toEqual([]);
    expect(findLeaks(gzipSync(clean), needles)).toEqual([]);
  });
});

describe('base64Blobs', () => {
  it("skips the report application's own code and pictures, not its data", () => {
    const code = b64('function f(){return "secure-root-password-123"}'.repeat(2));
    const data = b64('x'.repeat(40));
    const html = `<script src="data:text/javascript;base64,${code}"></script><img src="data:image/png;base64,${code}">d("a","${data}")`;
    expect(base64Blobs(Buffer.from(html)).map((blob) => blob.text)).toEqual([data]);
    expect(findLeaks(Buffer.from(html), needles)).toEqual([]);
  });
});
