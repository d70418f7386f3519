/**
 * What a list knows about its subject when a first page comes back empty or voted "not found": whether an
 * empty answer may count toward "the list is empty", how many must agree, and the subject's own record
 * (askHasItems, askExists), each asked at most once.
 */

import { isXhsError, type UpstreamError, type XhsError } from "../core/errors.js";
import type { NormalizedItem } from "../series/types.js";
import { EmptyPageAnswer, mayBeHiddenNotGone } from "./answer-verdicts.js";
import type { ListDefinition } from "./list-definition.js";

export class SubjectEvidence<T extends NormalizedItem> {
  /** What `askExists` answered (undefined: not asked). */
  private askedExists: boolean | null | undefined;
  /** What `askHasItems` answered (undefined: not asked); true makes every empty first page a fault. */
  private askedHasItems: boolean | null | undefined;

  constructor(private readonly def: ListDefinition<T>) {}

  /**
   * How many empty first answers must agree before the list is empty. Where a genuine empty answer names its
   * subject (comments), a fault that passed that test is rare: two. Elsewhere (search, a user's notes) an
   * empty-payload fault looks exactly like a genuine empty list, and two series failing silently in the same
   * way happen (about 1 list in 400 at 5 % empty payloads): every eligible series must agree, at least two
   * answers (the only series is asked twice). A third series costs one call, and only for a list that is
   * really empty. A list that can ask its subject's record (askHasItems) asks it after two instead, and
   * needs every series only when the record could not tell.
   */
  emptiesNeeded(): number {
    if (this.def.emptyNamesSubject === true) return 2;
    if (this.def.askHasItems && this.askedHasItems !== null) return 2;
    return Math.max(2, new Set(this.def.routes.map((r) => r.series)).size);
  }

  /**
   * Whether one empty answer is enough: the client already knew the subject had no items, and the answer
   * itself positively looks genuine (names its subject, or reports a count of 0). A bare empty payload
   * never is: it may be a fault, and the count the client saw may be stale.
   */
  confirmsKnownEmptiness(empty: UpstreamError): boolean {
    if (this.def.expectsNone?.() !== true || !(empty instanceof EmptyPageAnswer)) return false;
    const { namesSubject, reportedCount } = empty.evidence;
    return namesSubject === true || reportedCount === 0;
  }

  /** Whether an empty first page may count toward "the list is empty" (see emptiesNeeded). */
  countsTowardEmpty(empty: UpstreamError): boolean {
    if (this.def.expectsItems?.() === true || this.askedHasItems === true) return false;
    if (empty instanceof EmptyPageAnswer) {
      const { reportedCount, namesSubject } = empty.evidence;
      if (reportedCount !== null && reportedCount > 0) return false;
      if (this.def.emptyNamesSubject === true && namesSubject === false) return false;
    }
    return true;
  }

  /** Asks `askHasItems` once; true when the subject has items. A failure to tell (not fatal) is "cannot tell". */
  async saysItems(signal?: AbortSignal): Promise<boolean> {
    if (!this.def.askHasItems) return false;
    if (this.askedHasItems === undefined) {
      try {
        this.askedHasItems = await this.def.askHasItems(signal);
      } catch (error) {
        if (isXhsError(error) && error.fatal) throw error;
        this.askedHasItems = null;
      }
    }
    return this.askedHasItems === true;
  }

  /**
   * Whether the subject was shown to exist although every not-found vote (`votes`: each voter's last error)
   * was one that a live thing hidden from the web also gets ("当前笔记暂时无法浏览"): `askExists`, asked once.
   * False when there is no such check, another kind of vote, or no answer (a failure to tell leaves the vote
   * standing).
   */
  async stillExists(votes: readonly (XhsError | undefined)[], signal?: AbortSignal): Promise<boolean> {
    if (!this.def.askExists) return false;
    if (votes.length === 0 || !votes.every(mayBeHiddenNotGone)) return false;
    if (this.askedExists === undefined) {
      try {
        this.askedExists = await this.def.askExists(signal);
      } catch (error) {
        if (isXhsError(error) && error.fatal) throw error;
        this.askedExists = null;
      }
    }
    return this.askedExists === true;
  }
}
