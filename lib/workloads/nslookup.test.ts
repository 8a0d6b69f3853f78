import { describe, expect, it } from 'vitest';
import { parseNslookup } from './nslookup.js';

const NAME = 'web-0.web.sts-dns.svc.cluster.local';

// Output shapes of busybox 1.35's nslookup with -type=a (Debian busybox-static, the suite's image).
const answer = `Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\nName:\t${NAME}\nAddress: 10.244.0.7\n\n`;
const twoAddresses = 'Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\nName:\tweb.sts-dns.svc.cluster.local\nAddress: 10.244.0.9\nName:\tweb.sts-dns.svc.cluster.local\nAddress: 10.244.0.10\nName:\tweb.sts-dns.svc.cluster.local\nAddress: 10.244.0.7\n\n';
const nxdomain = `Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n** server can't find ${NAME}: NXDOMAIN\n\n`;
const noAnswer = `Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n*** Can't find ${NAME}: No answer\n\n`;

describe('parseNslookup', () => {
  it('reads the answer and not the resolver address above it', () => {
    expect(parseNslookup(NAME, answer)).toEqual({ name: NAME, server: '10.96.0.10', outcome: { kind: 'answer', addresses: ['10.244.0.7'] } });
  });

  it('collects every address of a headless Service, sorted numerically', () => {
    expect(parseNslookup('web', twoAddresses).outcome).toEqual({ kind: 'answer', addresses: ['10.244.0.7', '10.244.0.9', '10.244.0.10'] });
  });

  it('tells NXDOMAIN from an empty answer', () => {
    expect(parseNslookup(NAME, nxdomain).outcome).toEqual({ kind: 'nxdomain' });
    expect(parseNslookup(NAME, noAnswer).outcome).toEqual({ kind: 'no-answer' });
  });

  it('reads an answer even when a second query of the same run found nothing (why the exit code is ignored)', () => {
    expect(parseNslookup(NAME, `${answer}*** Can't find ${NAME}: No answer\n`).outcome).toEqual({ kind: 'answer', addresses: ['10.244.0.7'] });
  });

  it('recognises an unreachable server, on stdout or stderr', () => {
    expect(parseNslookup(NAME, '', ';; connection timed out; no servers could be reached\n').outcome).toEqual({ kind: 'unreachable' });
  });

  it('keeps output it cannot read, for the failure message', () => {
    expect(parseNslookup(NAME, 'nslookup: applet not found').outcome).toEqual({ kind: 'unparsed', output: 'nslookup: applet not found' });
  });
});
