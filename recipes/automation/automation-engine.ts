import { EventEmitter } from 'node:events';
import { TswatchError, watchSpec, type WatchSelection } from '../../src/index.js';
import { resolveAction } from './action-registry.js';
import { LocalSource } from './local-source.js';
import { type StreamInput, StreamSource } from './stream-source.js';
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
  /** Watches that could not be started, with why. */
  failed: Array<{ name: string; error: TswatchError }>;
}

/**
 * The running set of watches. `apply` moves it to a new definition list (a config reload): unchanged
 * watches keep running untouched, so they lose no event; changed ones are stopped (drained) and started
 * anew; removed ones are drained and stopped.
 *
 * Events: `fatal` (name, exitCode, why): a watch's action gave up (a restart command crashing in a
 * loop), or every path it watched is gone.
 */
export class AutomationEngine extends EventEmitter {
  private readonly units = new Map<string, { key: string; recipe: string; unit: WatchUnit }>();

  constructor(
    private readonly io: UnitIO,
    private readonly baseDir: string,
    /** How long a stopping watch may take to finish its work before its commands are signalled. */
    private readonly drainTimeoutMs = 10_000,
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
    return [...this.units.values()].map(({ unit, recipe }) => ({ ...unit.status(), recipe }));
  }

  /** Start, keep, restart and stop watches so that `definitions` is what runs. */
  async apply(definitions: readonly WatchDefinition[]): Promise<ApplyResult> {
    const result: ApplyResult = { started: [], stopped: [], kept: [], failed: [] };
    const wanted = new Map(definitions.map((def) => [def.name, def]));
    for (const [name, { key, unit }] of [...this.units]) {
      const def = wanted.get(name);
      if (def !== undefined && key === keyOf(def)) {
        result.kept.push(name);
        continue;
      }
      this.units.delete(name);
      await unit.stop(this.drainTimeoutMs);
      if (def === undefined) result.stopped.push(name);
    }
    for (const def of definitions) {
      if (this.units.has(def.name)) continue;
      try {
        const unit = await this.startUnit(def);
        this.units.set(def.name, { key: keyOf(def), recipe: def.action.recipe, unit });
        result.started.push(def.name);
      } catch (err) {
        if (!(err instanceof TswatchError)) throw err;
        result.failed.push({ name: def.name, error: err });
      }
    }
    return result;
  }

  /** Drain and stop every watch, in parallel. False if some did not finish within the drain timeout. */
  async stop(signal?: NodeJS.Signals): Promise<boolean> {
    const units = [...this.units.values()].map(({ unit }) => unit);
    this.units.clear();
    const drained = await Promise.all(units.map((unit) => unit.stop(this.drainTimeoutMs, signal)));
    return drained.every(Boolean);
  }

  private async startUnit(def: WatchDefinition): Promise<WatchUnit> {
    const factory = await resolveAction(def.action.recipe);
    const spec = def.stream === undefined ? def.selection && watchSpec(def.selection) : watchSpec(def.selection ?? { paths: ['/'] });
    const stream = def.stream;
    const source = stream === undefined ? () => new LocalSource(spec) : () => new StreamSource(stream, spec!);
    // A stream's events came from the fleet: published again, they would go round for ever.
    const io = def.publish === false || stream !== undefined ? { ...this.io, publish: undefined } : this.io;
    const unit = await WatchUnit.start(def.name, spec, source, (context) => factory(def.action.options, context), io, this.baseDir);
    void unit.action.finished?.then((code) => {
      if (this.units.get(def.name)?.unit === unit) this.emit('fatal', def.name, code, 'its command gave up');
    });
    void unit.gone.then(() => {
      if (this.units.get(def.name)?.unit === unit) this.emit('fatal', def.name, 1, 'every watched path is gone (deleted or unmounted)');
    });
    return unit;
  }
}

/** Two definitions with the same key run the same way. */
function keyOf(def: WatchDefinition): string {
  return JSON.stringify([def.selection, def.stream, def.action, def.publish]);
}
