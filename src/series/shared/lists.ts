/**
 * List readers shared by the series: candidate notes of detail answers, note lists, comment lists and the
 * last raw element (for cursors). Elements must be objects (else ShapeError); records without ids are skipped.
 */
import type { Comment, Note, Topic, User } from "../../model/types.js";
import type { Normalizer } from "../types.js";
import { buildComment } from "./comment-records.js";
import { page } from "./envelope.js";
import { type Answer, defineNormalizer } from "./normalizer.js";
import { type Field, fields, keys, type Obj, pickId, pickValue } from "./pick.js";
import { buildNote, buildUser, type NoteExtras } from "./records.js";

const NOTE_LIST = keys("note_list");
const ITEM_ID = keys("id", "note_id");
const XSEC_TOKEN = keys("xsec_token");
/** Where search and feed items keep their note, in order. */
const INNER_NOTE = fields("note", "note_card");

export interface Located {
  raw: Obj;
  path: string;
  /** The item that wrapped this note (`items[]` of search and feeds), for its id and xsec_token. */
  item?: Obj;
}

/**
 * The notes of a detail answer, in order: `value` is an array (or one object) whose entries are either
 * `{note_list: [note]}` (App image detail, App V1) or notes themselves (App video detail). Every candidate
 * is returned: the layer above matches the requested id.
 */
export function candidateNotes(answer: Answer, value: unknown, path: string): Located[] {
  if (value === undefined || value === null) return [];
  const entries = Array.isArray(value) ? (answer.objects(value, path) ?? []) : [answer.object(value, path) as Obj];
  const out: Located[] = [];
  const entryPath = Array.isArray(value) ? `${path}[]` : path;
  for (const entry of entries) {
    const noteList = pickValue(entry, NOTE_LIST);
    if (noteList !== undefined) {
      for (const raw of answer.objects(noteList, `${entryPath}.note_list`) ?? []) {
        out.push({ raw, path: `${entryPath}.note_list[]` });
      }
    } else {
      out.push({ raw: entry, path: entryPath });
    }
  }
  return out;
}

/** Id and token of the wrapping item, when there is one (web search `items[].id`, `items[].xsec_token`). */
export function wrappingItem(located: Located): NoteExtras {
  return located.item
    ? { fallbackId: pickId(located.item, ITEM_ID), fallbackToken: pickId(located.item, XSEC_TOKEN) }
    : {};
}

/** Builds notes, reporting expected fields missing from each raw note. */
export function buildNotes(
  answer: Answer,
  located: Located[],
  expected: readonly Field[],
  extras: (located: Located) => NoteExtras = wrappingItem,
): Note[] {
  const notes: Note[] = [];
  for (const entry of located) {
    const { raw, path } = entry;
    answer.expect(raw, path, expected);
    const note = buildNote(raw, answer, path, extras(entry));
    if (note) notes.push(note);
  }
  return notes;
}

/** The array at `key` of `source` (objects only), with its JSON path; reports drift when it is missing. */
export function listAt(
  answer: Answer,
  source: unknown,
  candidates: readonly Field[],
  path: string,
): Located[] | undefined {
  for (const field of candidates) {
    const value = pickValue(source, field.keys);
    if (value !== undefined) {
      const listPath = `${path}.${field.name}`;
      return (answer.objects(value, listPath) ?? []).map((raw) => ({ raw, path: `${listPath}[]` }));
    }
  }
  answer.drift(`${path}.${candidates[0]?.name}`);
  return undefined;
}

export function buildComments(
  answer: Answer,
  located: Located[],
  expected: readonly Field[],
  rootId: string | null,
): Comment[] {
  const fallbackNoteId = answer.params.note_id || null;
  const comments: Comment[] = [];
  for (const { raw, path } of located) {
    answer.expect(raw, path, expected);
    const comment = buildComment(raw, answer, path, rootId, fallbackNoteId);
    if (comment) comments.push(comment);
  }
  return comments;
}

// ----------------------------------------------------------------- records with no identifying content
// A detail answer names its record by the id the request gave (profiles and topic pages do not repeat it);
// a payload with nothing of its own (`data.data: {}`, an empty `note_card`) would then become a record of
// nulls. Such an answer is an empty payload, the same as `data.data: []`: failed over, never handed over.

/** A non-blank string. */
function filled(value: string | null): boolean {
  return value !== null && value.trim() !== "";
}

/** Whether a profile says who the user is: a nickname or a red id. */
export function identifiesUser(user: User): boolean {
  return filled(user.nickname) || filled(user.redId);
}

/** Whether a note says anything beyond its id: an author, a title, a text, images, a video or a time. */
export function identifiesNote(note: Note): boolean {
  return (
    note.author !== null ||
    filled(note.title) ||
    filled(note.text) ||
    note.images.length > 0 ||
    note.video !== null ||
    note.publishedAt !== null
  );
}

/** Whether a topic answer names its topic (the id is the requested one). */
export function identifiesTopic(topic: Topic): boolean {
  return filled(topic.name);
}

/**
 * The notes of a detail answer that say something beyond their id (see `identifiesNote`): a candidate built
 * from an id alone (`{id}`, an empty `note_card`) is not a note, so such an answer is an empty page.
 */
export function detailNotes(notes: Note[]): Note[] {
  return notes.filter(identifiesNote);
}

/** Users of a search answer. */
export function buildUsers(answer: Answer, located: Located[], expected: readonly Field[]): User[] {
  const users: User[] = [];
  for (const { raw, path } of located) {
    answer.expect(raw, path, expected);
    const user = buildUser(raw, answer, null, path, true);
    if (user) users.push(user);
  }
  return users;
}

/**
 * Drops notes of a user's own list whose author is someone else (a known TikHub glitch: another user's notes
 * in the answer). Notes without an author id are kept.
 */
export function onlyAuthoredBy(notes: Note[], userId: string | undefined): Note[] {
  if (!userId) return notes;
  return notes.filter((note) => note.author === null || note.author.id === userId);
}

/** The root comment id a replies request asked for (`comment_id` App, `root_comment_id` Web V3). */
export function requestedRoot(answer: Answer): string | null {
  const root = answer.params.comment_id || answer.params.root_comment_id || null;
  if (root === null) answer.drift("params.comment_id");
  return root;
}

/** The last raw element of a list, for cursors. */
export function last(located: Located[] | undefined): Obj | undefined {
  return located && located.length > 0 ? located[located.length - 1]?.raw : undefined;
}

/** The inner note of a search or feed item (`note`, `note_card`), or the item itself when it is flat. */
export function innerNote(answer: Answer, item: Located, flatWhen: (raw: Obj) => boolean): Located | null {
  for (const field of INNER_NOTE) {
    const value = pickValue(item.raw, field.keys);
    if (value !== undefined) {
      const path = `${item.path}.${field.name}`;
      const inner = answer.object(value, path);
      return inner ? { raw: inner, path, item: item.raw } : null;
    }
  }
  return flatWhen(item.raw) ? item : null;
}

/**
 * A user-profile answer: `data.data` is the profile (every series; the fields differ, `buildUser` reads them
 * all tolerantly) and the id is the requested one. `expected` are the fields whose absence counts as drift.
 * A profile with no identifying content (`{}`: nothing but the id the request gave) is an empty page.
 */
export function profileNormalizer(expected: readonly Field[]): Normalizer {
  return defineNormalizer((a) => {
    const profile = a.object(a.payload, "data.data");
    if (!profile) {
      a.drift("data.data");
      return page([], null, null);
    }
    a.expect(profile, "data.data", expected);
    const user = buildUser(profile, a, a.params.user_id || null, "data.data");
    return page(user && identifiesUser(user) ? [user] : [], null, null);
  });
}
