import { EventEmitter } from 'node:events';
import { type Event, TswatchError, watchSpec, type WatchSelection } from '../src/index.js';
import { recipeEntry, resolveAction } from './action-registry.js';
import { LocalSource } from './local-source.js';
import type { QueuedJournal, TakenEvents } from './queued-journal.js';
import { type StreamInput, StreamSource } from './stream-source.js';
import type { UnitSource } from './unit-source.js';
import { type UnitIO, type UnitStatus, WatchUnit } from './watch-unit.js';

/** One watch of a config file (or of `tswatch exec`): what to watch and which action to run. */
export interface WatchDefinition {
  name: string;
  /** Absent for a recipe that watches by itself (backup, alert: their options name the paths). */
  selection?: WatchSelection | undefined;
  /**
   * Take the events from a fleet stream instead of watching locally: `selection` then filters them
   * (its paths are prefixes of the remote paths; '/' when absent), and nothing is watched here.
   */
  stream?: StreamInput | undefined;
  action: { recipe: string; options: Record<string, unknown> };
  /** false: the events are not published to the daemon's sinks (UnitIO.publish). */
  publish?: boolean | undefined;
}

export interface ApplyResult {
  started: string[];
  stopped: string[];
  kept: string[];
  /** Watches that could not be started, with why; `running`: its previous definition runs on. */
  failed: Array<{ name: string; error: TswatchError; running: boolean }>;
}

interface Running {
  key: string;
  def: WatchDefinition;
  unit: WatchUnit;
}

/** A recipe that watches by itself (backup, alert): two of them at once would do the work twice. */
const watchesItself = (def: WatchDefinition): boolean => recipeEntry(def.action.recipe)?.watchesItself ?? false;

/**
 * The running set of watches. `apply` moves it to a new definition list (a config reload): unchanged
 * watches keep running untouched, so they lose no event; changed ones are replaced make-before-break
 * (the new watch is armed on the old one's event stream and takes over at a cut, see SharedWatch; what
 * the old one still had queued runs in the new one); removed ones are drained and stopped. A watch
 * whose new definition cannot start keeps its running one, and is listed as failed until a reload fixes it.
 *
 * Events: `fatal` (name, exitCode, why): a watch's action gave up (a restart command crashing in a
 * loop), or every path it watched is gone.
 */
export class AutomationEngine extends EventEmitter {
  private readonly units = new Map<string, Running>();
  /** Watches whose definition could not start (at start or on reload): what they are, why. */
  private readonly failures = new Map<string, { def: WatchDefinition; error: TswatchError }>();
  /** What to do with queued events whose drain timed out: keep (the new unit, or the journal, runs them) or drop (counted). */
  onDrainTimeout: 'keep' | 'drop' = 'keep';
  /** Events read back from the journal at a start: they leave the disk once the watch's commands have run them. */
  private readonly journaled = new Map<string, TakenEvents>();

  constructor(
    private readonly io: UnitIO,
    private readonly baseDir: string,
    /** How long a stopping watch may take to finish its work before its commands are signalled. */
    public drainTimeoutMs = 10_000,
    /** Where queued events past the drain timeout are kept for the next start; without one they are dropped (counted). */
    private readonly journal?: QueuedJournal,
  ) {
    super();
  }

  get size(): number {
    return this.units.size;
  }

  get(name: string): WatchUnit | undefined {
    return this.units.get(name)?.unit;
  }

  names(): string[] {
    return [...this.units.keys()];
  }

  status(): UnitStatus[] {
    const rows = new Map<string, UnitStatus>();
    for (const [name, { unit, def }] of this.units) rows.set(name, { ...unit.status(), recipe: def.action.recipe });
    for (const [name, { def, error }] of this.failures) {
      const running = rows.get(name);
      const why = error.describe();
      rows.set(
        name,
        running ? { ...running, state: 'failed', error: `reload failed, the previous definition runs on: ${why}` } : failedStatus(def, why),
      );
    }
    return [...rows.values()];
  }

  /** Start, keep, replace and stop watches so that `definitions` is what runs. */
  async apply(definitions: readonly WatchDefinition[]): Promise<ApplyResult> {
    const result: ApplyResult = { started: [], stopped: [], kept: [], failed: [] };
    const wanted = new Map(definitions.map((def) => [def.name, def]));
    for (const name of this.failures.keys()) if (!wanted.has(name)) this.failures.delete(name);
    for (const [name, { unit }] of [...this.units]) {
      if (wanted.has(name)) continue;
      this.units.delete(name);
      await this.retire(unit);
      result.stopped.push(name);
    }
    for (const def of definitions) {
      const running = this.units.get(def.name);
      if (running !== undefined && running.key === keyOf(def)) {
        this.failures.delete(def.name);
        result.kept.push(def.name);
        continue;
      }
      try {
        this.units.set(def.name, { key: keyOf(def), def, unit: await this.startUnit(def, running) });
        this.failures.delete(def.name);
        result.started.push(def.name);
      } catch (err) {
        if (!(err instanceof TswatchError)) throw err;
        this.failures.set(def.name, { def, error: err });
        result.failed.push({ name: def.name, error: err, running: this.units.has(def.name) });
      }
    }
    return result;
  }

  /** Drain and stop every watch, in parallel. False if some did not finish within the drain timeout. */
  async stop(signal?: NodeJS.Signals): Promise<boolean> {
    const units = [...this.units.values()].map(({ unit }) => unit);
    this.units.clear();
    const drained = await Promise.all(units.map((unit) => this.retire(unit, signal)));
    return drained.every(Boolean);
  }

  /** Stop a watch for good; its queued events that did not run in time are counted and said. */
  private async retire(unit: WatchUnit, signal?: NodeJS.Signals): Promise<boolean> {
    const { drained, queued } = await unit.stop(this.drainTimeoutMs, signal);
    // What this watch read back from the journal either ran, or is in `queued`, kept again below (or dropped, counted).
    const settle = (): void => this.settled(unit.name);
    if (queued.length === 0) {
      settle();
      return drained;
    }
    const say = (line: string): void =>
      this.io.log(`${unit.name ? `[${unit.name}] ` : ''}drain timeout: ${queued.length} queued events ${line}`);
    if (this.onDrainTimeout === 'keep' && this.journal !== undefined) {
      try {
        this.journal.keep(unit.name, queued);
        say(`kept for the next start (in ${this.journal.dir})`);
        settle();
        return drained;
      } catch (err) {
        this.io.log(
          `cannot keep queued events in ${this.journal.dir}: ${err instanceof TswatchError ? err.describe() : (err as Error).message}`,
        );
      }
    }
    say(`dropped${this.onDrainTimeout === 'drop' ? ' (onDrainTimeout: drop)' : ''}`);
    settle();
    return drained;
  }

  /** The queued events of the unit replaced go to its replacement, unless told to drop them (counted). */
  private handedOn(name: string, queued: Event[]): Event[] {
    if (queued.length === 0) return queued;
    const drop = this.onDrainTimeout === 'drop';
    this.io.log(
      `[${name}] drain timeout: ${queued.length} queued events ${drop ? 'dropped (onDrainTimeout: drop)' : 'handed to the new definition'}`,
    );
    return drop ? [] : queued;
  }

  /** Events kept by the last stop for a watch of this name, to run first (on disk until they have run). */
  private kept(name: string): Event[] {
    const taken = this.journal?.take(name);
    if (taken === undefined || taken.events.length === 0) {
      taken?.done();
      return [];
    }
    this.io.log(`${name ? `[${name}] ` : ''}running ${taken.events.length} queued events kept from the last stop`);
    this.journaled.set(name, taken);
    return taken.events;
  }

  /** The journal's events for `name` have run (or are accounted for again): off the disk. */
  private settled(name: string): void {
    this.journaled.get(name)?.done();
    this.journaled.delete(name);
  }

  /** Once `unit` has finished the work it was given first (the journal's events, run first), they leave the disk. */
  private settleWhenRun(unit: WatchUnit): void {
    const taken = this.journaled.get(unit.name);
    if (taken === undefined) return;
    void unit.action.drain(Infinity).then((done) => {
      if (done && !unit.stopped && this.journaled.get(unit.name) === taken) this.settled(unit.name);
    });
  }

  /**
   * Start `def`; replacing `running` if given. A local watch takes over the old one's event stream
   * (make before break); one that cannot (a fleet stream, a recipe watching by itself) starts once the
   * old one has stopped, and if it cannot start, the old definition is started again.
   */
  private async startUnit(def: WatchDefinition, running?: Running, first?: Event[]): Promise<WatchUnit> {
    const factory = await resolveAction(def.action.recipe);
    const spec = def.stream === undefined ? def.selection && watchSpec(def.selection) : watchSpec(def.selection ?? { paths: ['/'] });
    const stream = def.stream;
    const shares =
      running !== undefined &&
      running.unit.source instanceof LocalSource &&
      stream === undefined &&
      !watchesItself(def) &&
      !watchesItself(running.def);
    const source = (replacing?: UnitSource): UnitSource =>
      stream === undefined ? new LocalSource(spec, shares ? (replacing as LocalSource) : undefined) : new StreamSource(stream, spec!);
    // A stream's events came from the fleet: published again, they would go round for ever.
    const io = def.publish === false || stream !== undefined ? { ...this.io, publish: undefined } : this.io;
    const start = (replacing: { unit?: WatchUnit; handOver: () => Promise<Event[]> }): Promise<WatchUnit> =>
      WatchUnit.start(def.name, spec, source, (context) => factory(def.action.options, context), io, this.baseDir, replacing);
    let unit: WatchUnit;
    if (running === undefined) unit = await start({ handOver: async () => first ?? this.kept(def.name) });
    else if (shares)
      unit = await start({
        unit: running.unit,
        handOver: async () => this.handedOn(def.name, (await running.unit.stop(this.drainTimeoutMs)).queued),
      });
    else {
      this.units.delete(def.name);
      const queued = this.handedOn(def.name, (await running.unit.stop(this.drainTimeoutMs)).queued);
      try {
        unit = await start({ unit: running.unit, handOver: async () => queued });
      } catch (err) {
        // Never leave the watch without a definition: the one that ran before starts again, with its queue.
        const again = await this.startUnit(running.def, undefined, queued).catch(() => undefined);
        if (again !== undefined) this.units.set(def.name, { ...running, unit: again });
        throw err;
      }
    }
    this.settleWhenRun(unit);
    void unit.action.finished?.then((code) => {
      if (this.units.get(def.name)?.unit === unit) this.emit('fatal', def.name, code, 'its command gave up');
    });
    void unit.gone.then(() => {
      if (this.units.get(def.name)?.unit === unit) this.emit('fatal', def.name, 1, 'every watched path is gone (deleted or unmounted)');
    });
    return unit;
  }
}

/** The status row of a watch that is not running: it could not start. */
function failedStatus(def: WatchDefinition, error: string): UnitStatus {
  return {
    name: def.name,
    recipe: def.action.recipe,
    paths: def.selection?.paths.map(String) ?? [],
    backend: '-',
    watches: 0,
    events: 0,
    errors: 0,
    overflows: 0,
    ignored: 0,
    paused: false,
    lastEvent: undefined,
    lastError: error,
    action: { running: [], state: 'failed' },
    state: 'failed',
    error,
  };
}

/** Two definitions with the same key run the same way. */
function keyOf(def: WatchDefinition): string {
  return JSON.stringify([def.selection, def.stream, def.action, def.publish]);
}
