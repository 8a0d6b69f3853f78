import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseNslookup } from './nslookup.js';

/** Output recorded from busybox 1.35 (Debian busybox-static) in a kind cluster, namespace "rec". */
const recorded = (name: string) =>
  readFileSync(new URL(`./testdata/busybox-1.35-nslookup-${name}.txt`, import.meta.url), 'utf8');

describe('parseNslookup on recorded busybox output', () => {
  it('a pod name: its one address', () => {
    expect(parseNslookup('web-0.web.rec.svc.cluster.local', recorded('pod')).outcome).toEqual({
      kind: 'answer',
      addresses: ['10.244.2.11'],
    });
  });

  it('the headless Service: every ready pod, pods on two nodes', () => {
    expect(parseNslookup('web.rec.svc.cluster.local', recorded('service')).outcome).toEqual({
      kind: 'answer',
      addresses: ['10.244.1.7', '10.244.2.11'],
    });
  });

  it('a pod that does not exist: NXDOMAIN (busybox exits 1)', () => {
    expect(parseNslookup('web-7.web.rec.svc.cluster.local', recorded('nxdomain')).outcome).toEqual({
      kind: 'nxdomain',
    });
  });

  it('without -type=a, A and AAAA are asked; the A answer is still read', () => {
    expect(parseNslookup('web-0.web.rec.svc.cluster.local', recorded('a-and-aaaa')).outcome).toEqual({
      kind: 'answer',
      addresses: ['10.244.2.11'],
    });
  });

  it('a short name with a dot is not expanded with search domains: NXDOMAIN, hence fully qualified names', () => {
    expect(parseNslookup('web-0.web', recorded('short-name')).outcome).toEqual({ kind: 'nxdomain' });
  });
});

/** Output recorded from the same busybox, asking one server by IP as `nslookup -type=a NAME SERVER`, namespace "rec-dns-scratch". */
describe('parseNslookup on recorded busybox output, one server asked by IP', () => {
  const SCRATCH = 'rec-dns-scratch';

  it('names the CoreDNS pod that answered, not the cluster DNS Service', () => {
    expect(parseNslookup(`web-1.web.${SCRATCH}.svc.cluster.local`, recorded('server-pod'))).toEqual({
      name: `web-1.web.${SCRATCH}.svc.cluster.local`,
      server: '10.244.0.2',
      outcome: { kind: 'answer', addresses: ['10.244.0.11'] },
    });
  });

  it('the headless Service via one replica: every ready pod, sorted', () => {
    expect(parseNslookup(`web.${SCRATCH}.svc.cluster.local`, recorded('server-service'))).toEqual({
      name: `web.${SCRATCH}.svc.cluster.local`,
      server: '10.244.0.3',
      outcome: { kind: 'answer', addresses: ['10.244.0.8', '10.244.0.11', '10.244.0.13'] },
    });
  });

  it('the control name kubernetes.default: the API server Service', () => {
    expect(parseNslookup('kubernetes.default.svc.cluster.local', recorded('server-control')).outcome).toEqual({
      kind: 'answer',
      addresses: ['10.96.0.1'],
    });
  });

  it('a name without a record: NXDOMAIN from that replica', () => {
    expect(parseNslookup(`web-7.web.${SCRATCH}.svc.cluster.local`, recorded('server-nxdomain'))).toEqual({
      name: `web-7.web.${SCRATCH}.svc.cluster.local`,
      server: '10.244.0.2',
      outcome: { kind: 'nxdomain' },
    });
  });

  it('an IP where no DNS server listens: unreachable after 5 s, on stdout, and no server line', () => {
    expect(parseNslookup(`web-1.web.${SCRATCH}.svc.cluster.local`, recorded('server-unreachable'))).toEqual({
      name: `web-1.web.${SCRATCH}.svc.cluster.local`,
      server: undefined,
      outcome: { kind: 'unreachable' },
    });
  });
});

const NAME = 'web-0.web.sts-dns.svc.cluster.local';

// Synthetic variants of the same shapes, for cases a healthy cluster does not produce on demand.
const answer = `Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\nName:\t${NAME}\nAddress: 10.244.0.7\n\n`;
const twoAddresses =
  'Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\nName:\tweb.sts-dns.svc.cluster.local\nAddress: 10.244.0.9\nName:\tweb.sts-dns.svc.cluster.local\nAddress: 10.244.0.10\nName:\tweb.sts-dns.svc.cluster.local\nAddress: 10.244.0.7\n\n';
const nxdomain = `Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n** server can't find ${NAME}: NXDOMAIN\n\n`;
const noAnswer = `Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n*** Can't find ${NAME}: No answer\n\n`;

describe('parseNslookup', () => {
  it('reads the answer and not the resolver address above it', () => {
    expect(parseNslookup(NAME, answer)).toEqual({
      name: NAME,
      server: '10.96.0.10',
      outcome: { kind: 'answer', addresses: ['10.244.0.7'] },
    });
  });

  it('collects every address of a headless Service, sorted numerically', () => {
    expect(parseNslookup('web', twoAddresses).outcome).toEqual({
      kind: 'answer',
      addresses: ['10.244.0.7', '10.244.0.9', '10.244.0.10'],
    });
  });

  it('tells NXDOMAIN from an empty answer', () => {
    expect(parseNslookup(NAME, nxdomain).outcome).toEqual({ kind: 'nxdomain' });
    expect(parseNslookup(NAME, noAnswer).outcome).toEqual({ kind: 'no-answer' });
  });

  it('reads an answer even when a second query of the same run found nothing (why the exit code is ignored)', () => {
    expect(parseNslookup(NAME, `${answer}*** Can't find ${NAME}: No answer\n`).outcome).toEqual({
      kind: 'answer',
      addresses: ['10.244.0.7'],
    });
  });

  it('recognises an unreachable server, on stdout or stderr', () => {
    expect(parseNslookup(NAME, '', ';; connection timed out; no servers could be reached\n').outcome).toEqual({
      kind: 'unreachable',
    });
  });

  it('keeps output it cannot read, for the failure message', () => {
    expect(parseNslookup(NAME, 'nslookup: applet not found').outcome).toEqual({
      kind: 'unparsed',
      output: 'nslookup: applet not found',
    });
  });
});
