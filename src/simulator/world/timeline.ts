/**
 * The world moving in time (issue #14): with a clock, new notes appear (for the keywords and accounts that
 * already post, in the same proportions), counts grow along curves (most notes nearly flat, a few take off
 * on a logistic curve), and a few notes are deleted. Everything is a function of the seed and the elapsed
 * world time, so two simulators with the same seed and the same clock reading answer the same; with the
 * clock not moved, nothing changes and the world is exactly the static one.
 *
 * New top-level comments arrive with the likes (3 for every 100 likes added), each at the time the curve
 * reached it: the note's `commentsL1` grows and `lateCommentTimes` says when each arrived (comments.ts gives
 * them indexes after the generated ones, so earlier comments keep their ids). They have no replies.
 */
import type { Clock } from "../../core/types.js";
import { byTimeDesc, shortCodeOf, type WorldData, xsecTokenOf } from "./generate.js";
import { DAY, GUIDE, WORLD_NOW } from "./guide.js";
import { Rng, unit } from "./random.js";
import type { WorldNote, WorldSize } from "./types.js";

export interface WorldTimeOptions {
  /** The clock the world follows. */
  clock: Clock;
  /** Clock time (ms) at which the world is at WORLD_NOW; default: the clock's reading when the world is made. */
  startMs?: number;
}

const HOUR = 3600;
/** World time moves in whole minutes: answers (and the simulator's caches) change at most once a minute. */
const STEP = 60;
/** Share of notes that take off after the world starts moving. */
const TAKE_OFF_SHARE = 0.03;
/** Share of live notes deleted within two weeks of world time. */
const DELETE_SHARE = 0.004;

/** How a note's counts grow after the world starts moving (added to its counts at WORLD_NOW). */
export interface GrowthCurve {
  kind: "flat" | "take_off";
  /** Flat: likes per hour (under 1). */
  perHour: number;
  /** Take-off: extra likes in the end, the midpoint (seconds after the note's start) and the width (seconds). */
  peak: number;
  midpoint: number;
  width: number;
}

export function growthCurve(seed: number, noteId: string): GrowthCurve {
  const pick = unit(seed, "curve", noteId);
  if (pick < TAKE_OFF_SHARE) {
    return {
      kind: "take_off",
      perHour: 0,
      peak: 5_000 + Math.floor(unit(seed, "curve-peak", noteId) * 45_000),
      midpoint: Math.floor((6 + unit(seed, "curve-mid", noteId) * 90) * HOUR),
      width: Math.floor((2 + unit(seed, "curve-width", noteId) * 4) * HOUR),
    };
  }
  return { kind: "flat", perHour: unit(seed, "curve-rate", noteId) * 0.8, peak: 0, midpoint: 0, width: 1 };
}

/** Likes added `seconds` after the note's start (its creation, or WORLD_NOW for older notes). */
export function likesAdded(curve: GrowthCurve, seconds: number): number {
  if (seconds <= 0) return 0;
  if (curve.kind === "flat") return Math.floor((curve.perHour * seconds) / HOUR);
  const s = (x: number) => 1 / (1 + Math.exp(-(x - curve.midpoint) / curve.width));
  return Math.floor(curve.peak * (s(seconds) - s(0)));
}

interface BaseCounts {
  likes: number;
  collects: number;
  shares: number;
  views: number;
  commentsL1: number;
  commentsTotal: number;
}

/** Top-level comments that arrive per like added. */
const COMMENTS_PER_LIKE = 0.03;

/** Comments arrived `seconds` after the note's start. */
function commentsAdded(curve: GrowthCurve, seconds: number): number {
  return Math.floor(likesAdded(curve, seconds) * COMMENTS_PER_LIKE);
}

/** The first whole minute after the start at which the `n`-th comment (1-based) has arrived (≤ `upTo`). */
function arrivalOf(curve: GrowthCurve, n: number, upTo: number): number {
  let lo = 0;
  let hi = Math.ceil(upTo / STEP);
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (commentsAdded(curve, mid * STEP) >= n) hi = mid;
    else lo = mid + 1;
  }
  return lo * STEP;
}

export class WorldTimeline {
  private readonly startMs: number;
  private appliedAt = WORLD_NOW;
  private readonly base = new Map<string, BaseCounts>();
  private readonly templates: WorldNote[];
  private readonly born: WorldNote[] = [];
  /** Days of new notes generated so far. */
  private daysMade = 0;

  constructor(
    private readonly seed: number,
    private readonly size: WorldSize,
    private readonly data: WorldData,
    private readonly options: WorldTimeOptions,
  ) {
    this.startMs = options.startMs ?? options.clock.now();
    this.templates = data.noteList.filter((n) => !n.deleted && !isGuideNote(n.id));
  }

  /** The world's now (Unix seconds): WORLD_NOW plus the clock's elapsed time, in whole minutes. */
  now(): number {
    const elapsed = Math.max(0, Math.floor((this.options.clock.now() - this.startMs) / 1000));
    return WORLD_NOW + elapsed - (elapsed % STEP);
  }

  /** Brings the world to the clock's time; true when anything changed (caches over the world are stale). */
  sync(): boolean {
    const now = this.now();
    if (now <= this.appliedAt) return false;
    this.appliedAt = now;
    this.bearNotes(now);
    for (const note of this.data.noteList) this.grow(note, now);
    this.deleteSome(now);
    return true;
  }

  /** New notes of every day up to `now`; each becomes visible at its own time. */
  private bearNotes(now: number): void {
    const daysNeeded = Math.floor((now - WORLD_NOW) / DAY) + 1;
    for (; this.daysMade < daysNeeded; this.daysMade++) this.makeDay(this.daysMade);
    // In time order, so the lists are the same however the clock got here (one jump or many steps).
    const due = this.born
      .filter((n) => n.time <= now && !this.data.notesById.has(n.id))
      .sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : 1));
    for (const note of due) {
      this.data.noteList.push(note);
      this.data.notesById.set(note.id, note);
      this.data.shortCodes.set(note.shortCode, { kind: "note", id: note.id });
      const byUser = this.data.notesByUser.get(note.userId) ?? [];
      if (byUser.length === 0) this.data.notesByUser.set(note.userId, byUser);
      byUser.push(note);
      byUser.sort(byTimeDesc);
      for (const k of note.keywords) {
        const byKey = this.data.notesByKeyword.get(k) ?? [];
        if (byKey.length === 0) this.data.notesByKeyword.set(k, byKey);
        byKey.push(note);
      }
    }
  }

  /** A day's new notes: copies of existing notes' subject, author and keywords (so the mix stays the same). */
  private makeDay(day: number): void {
    const rng = Rng.from(this.seed, "timeline", day);
    const count = Math.max(4, Math.round(this.size.notes / 100));
    for (let i = 0; i < count; i++) {
      const template = this.templates[rng.int(0, this.templates.length - 1)];
      if (!template) return;
      const time = WORLD_NOW + day * DAY + rng.int(1, DAY - 1);
      let id = `${time.toString(16).padStart(8, "0")}00000000${rng.hex(8)}`;
      while (this.data.notesById.has(id) || this.born.some((n) => n.id === id)) id = `${id.slice(0, 16)}${rng.hex(8)}`;
      this.born.push({
        ...template,
        id,
        time,
        lastUpdateTime: time,
        likes: 0,
        collects: 0,
        shares: 0,
        views: 0,
        commentsL1: 0,
        commentsTotal: 0,
        xsecToken: xsecTokenOf(this.seed, "note", id),
        shortCode: shortCodeOf(this.seed, "note", id),
        deleted: false,
        webRestricted: false,
        hotScore: 0,
      });
    }
  }

  private grow(note: WorldNote, now: number): void {
    let base = this.base.get(note.id);
    if (!base) {
      base = {
        likes: note.likes,
        collects: note.collects,
        shares: note.shares,
        views: note.views,
        commentsL1: note.commentsL1,
        commentsTotal: note.commentsTotal,
      };
      this.base.set(note.id, base);
    }
    const start = Math.max(WORLD_NOW, note.time);
    const since = now - start;
    const curve = growthCurve(this.seed, note.id);
    const added = likesAdded(curve, since);
    note.likes = base.likes + added;
    note.collects = base.collects + Math.floor(added * 0.3);
    note.shares = base.shares + Math.floor(added * 0.05);
    note.views = base.views + added * 12;
    note.commentsTotal = base.commentsTotal + Math.floor(added * 0.04);
    const late = commentsAdded(curve, since);
    if (late > 0) {
      const times = note.lateCommentTimes ?? [];
      for (let n = times.length + 1; n <= late; n++) times.push(start + arrivalOf(curve, n, since));
      note.commentsL1Base = base.commentsL1;
      note.lateCommentTimes = times;
      note.commentsL1 = base.commentsL1 + late;
    }
    const ageDays = (now - note.time) / DAY;
    note.hotScore = Math.round((note.likes + note.collects * 2 + note.commentsTotal * 3) / Math.sqrt(ageDays + 2));
  }

  /** A few notes are deleted, each at its own time in the two weeks after the world starts. */
  private deleteSome(now: number): void {
    for (const note of this.data.noteList) {
      if (note.deleted || isGuideNote(note.id) || unit(this.seed, "delete", note.id) >= DELETE_SHARE) continue;
      const at = Math.max(WORLD_NOW, note.time) + Math.floor(unit(this.seed, "delete-at", note.id) * 14 * DAY);
      if (at > now) continue;
      note.deleted = true;
      remove(this.data.notesByUser.get(note.userId), note);
      for (const k of note.keywords) remove(this.data.notesByKeyword.get(k), note);
    }
  }
}

function remove(list: WorldNote[] | undefined, note: WorldNote): void {
  const i = list ? list.indexOf(note) : -1;
  if (list && i >= 0) list.splice(i, 1);
}

function isGuideNote(id: string): boolean {
  return id === GUIDE.imageNoteId || id === GUIDE.replyNoteId;
}
