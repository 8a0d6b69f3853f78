import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import * as allure from 'allure-js-commons';
import { slug } from '../kube/namespace.js';
import type { Redactor } from '../kube/redact.js';
import { listenToTranscript, transcriptComment, transcriptLine, type TranscriptEntry } from '../support/transcript.js';

/** out/transcripts/<test>/: transcript.json (the entries) and the files its `kubectl apply -f` commands read. */
export const TRANSCRIPTS_DIR = 'transcripts';

export function transcriptDir(outDir: string, testName: string): string {
  return join(outDir, TRANSCRIPTS_DIR, slug(testName, 80));
}

export interface SavedTranscript {
  readonly test: string;
  /** The namespaces the test used, in the order it opened them (the bundle names them $NS, $NS2...). */
  readonly namespaces: readonly string[];
  readonly entries: readonly TranscriptEntry[];
}

/**
 * One test's kubectl transcript: every change the suite made and every wait, as commands, with
 * fixture secrets scrubbed. `live` prints each line before the action runs (npm run repro), with
 * the files its applies read written next to the transcript, so a person can follow along.
 */
export class TestTranscript {
  readonly entries: TranscriptEntry[] = [];
  private readonly stopListening: () => void;
  private readonly dir: string;

  constructor(
    private readonly testName: string,
    outDir: string,
    private readonly redactor: Redactor,
    private readonly live: boolean,
  ) {
    this.dir = transcriptDir(outDir, testName);
    this.stopListening = listenToTranscript((entry) => this.add(entry));
  }

  step(title: string): void {
    transcriptComment(`step: ${title}`);
  }

  private add(entry: TranscriptEntry): void {
    const scrub = (text: string) => this.redactor.scrub(text);
    const scrubbed: TranscriptEntry = {
      argv: entry.argv?.map(scrub),
      comment: entry.comment && scrub(entry.comment),
      shell: entry.shell && scrub(entry.shell),
      files: entry.files && Object.fromEntries(Object.entries(entry.files).map(([name, text]) => [name, scrub(text)])),
    };
    this.entries.push(scrubbed);
    if (!this.live) return;
    mkdirSync(this.dir, { recursive: true });
    for (const [name, text] of Object.entries(scrubbed.files ?? {})) writeFileSync(join(this.dir, name), text);
    const shown = scrubbed.argv?.map((word) =>
      scrubbed.files && word in scrubbed.files ? relative(process.cwd(), join(this.dir, word)) : word,
    );
    // Straight to the terminal: the test runner would put a header above every console line.
    process.stdout.write(
      `${scrubbed.argv ? `$ ${transcriptLine({ argv: shown })}` : `  ${transcriptLine(scrubbed)}`}\n`,
    );
  }

  /** Stops listening, writes transcript.json and the files, and attaches the script to the report. */
  async save(namespaces: readonly string[]): Promise<void> {
    this.stopListening();
    if (this.entries.length === 0) return;
    await mkdir(this.dir, { recursive: true });
    const saved: SavedTranscript = { test: this.testName, namespaces, entries: this.entries };
    await writeFile(join(this.dir, 'transcript.json'), JSON.stringify(saved, null, 2));
    for (const entry of this.entries)
      for (const [name, text] of Object.entries(entry.files ?? {})) await writeFile(join(this.dir, name), text);
    await allure.attachment('kubectl transcript', this.entries.map(transcriptLine).join('\n'), 'text/plain');
  }
}
