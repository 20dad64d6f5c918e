/**
 * The simulated clock. Every component under simulation reads time from `Date` (the poller's
 * deadlines, collectedAt, EMF timestamps, kinesalite's arrival times, the Azure poller's
 * windows, PutMetricData's two-week check), so the clock replaces the global `Date` with one
 * that runs at real speed from a simulated instant and can jump forward. Real work (HTTPS to
 * the fake BMCs, Kinesis, ingest) therefore takes its real duration in simulated time, while
 * the idle time between events is skipped: that is the acceleration.
 *
 * Install it before importing anything that might capture `Date.now` at load time.
 */
const RealDate = Date;
const realNow = RealDate.now.bind(RealDate);

export class SimClock {
  private offset = 0;

  /** Simulated epoch milliseconds. */
  now(): number {
    return realNow() + this.offset;
  }

  /** Moves simulated time to `t`; never backwards (work that overran an event keeps its time). */
  advanceTo(t: number): number {
    const now = this.now();
    if (t > now) this.offset += t - now;
    return this.now();
  }

  advanceBy(ms: number): number {
    return this.advanceTo(this.now() + ms);
  }
}

let installed: SimClock | undefined;

/** Replaces the global Date (no-argument constructor and Date.now) with the simulated clock. */
export function installSimClock(start: number): SimClock {
  if (installed) {
    // One process, one timeline: reuse, but never go back in time.
    installed.advanceTo(start);
    return installed;
  }
  const clock = new SimClock();
  clock.advanceTo(start);
  class SimDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(clock.now());
      else super(...(args as [string | number | Date]));
    }
    static override now(): number {
      return clock.now();
    }
  }
  globalThis.Date = SimDate as DateConstructor;
  installed = clock;
  return clock;
}

/** Real (wall-clock) milliseconds, for measuring how fast the simulation runs. */
export function wallNow(): number {
  return realNow();
}
