import { inWindow, type Timeline, type Window } from './timeline.js';

/**
 * What a person watching `kubectl get pods -w` would have seen of each ordinal: when it was
 * created, how often and for how long it was Ready, and whether it is Ready at the end. The
 * as-documented runs report it beside the guides' "you'll see mysql-0 created first, then
 * mysql-1 only after mysql-0 is Ready": a probe that passes for seconds during a database's
 * initialisation and never again is a very different story from one that passes for good.
 */
export interface OrdinalReadiness {
  readonly ordinal: number;
  readonly pod: string;
  /** Incarnations created in the window. */
  readonly created: number;
  /** Spells of Ready, in order: how long each lasted (ms, by this machine's clock), or undefined while it lasts. */
  readonly readySpells: ReadonlyArray<number | undefined>;
  /** When each spell began (ms since the epoch, this machine's clock when the change arrived). */
  readonly readyFrom: readonly number[];
  readonly readyAtEnd: boolean;
  /** The latest incarnation still exists at the end (not deleted). */
  readonly existsAtEnd: boolean;
}

export function readinessHistory(timeline: Timeline, window: Window): OrdinalReadiness[] {
  const ordinals = [...new Set(timeline.podEvents.map((event) => event.ordinal))].sort((a, b) => a - b);
  return ordinals.map((ordinal) => {
    const events = timeline.podEvents.filter((event) => event.ordinal === ordinal && inWindow(event.at, window));
    const spells: Array<number | undefined> = [];
    const from: number[] = [];
    let since: number | undefined;
    let ready = false;
    let exists = false;
    for (const event of events) {
      if (event.transition === 'created') exists = true;
      if (event.transition === 'deleted') exists = false;
      if (event.transition === 'ready') {
        ready = true;
        since = event.at.receivedAt;
        from.push(since);
      } else if ((event.transition === 'notReady' || event.transition === 'deleted') && ready) {
        ready = false;
        spells.push(since === undefined ? undefined : event.at.receivedAt - since);
        since = undefined;
      }
    }
    if (ready) spells.push(undefined);
    return {
      ordinal,
      pod: `${timeline.statefulSet}-${ordinal}`,
      created: events.filter((event) => event.transition === 'created').length,
      readySpells: spells,
      readyFrom: from,
      readyAtEnd: ready,
      existsAtEnd: exists,
    };
  });
}

/** "mysql-0: created once, Ready once for 6.2 s, not Ready at the end" */
export function describeReadiness(history: OrdinalReadiness): string {
  const times = (count: number) => (count === 1 ? 'once' : `${count} times`);
  const spells =
    history.readySpells.length === 0
      ? 'never Ready'
      : `Ready ${times(history.readySpells.length)} (${history.readySpells
          .map((ms) => (ms === undefined ? 'still Ready' : `${(ms / 1000).toFixed(1)} s`))
          .join(', ')})`;
  const end = !history.existsAtEnd
    ? 'gone at the end'
    : history.readyAtEnd
      ? 'Ready at the end'
      : 'not Ready at the end';
  return `${history.pod}: created ${times(history.created)}, ${spells}, ${end}`;
}
