/**
 * Link-resolution answers (App V1 `extract_share_info`, `get_user_id_and_xsec_token`): `{note_id|user_id,
 * xsec_token}` in `data.data` or directly in `data` (the usage guide's example reads `data.user_id`).
 */
import type { ResolvedLink } from "../../model/types.js";
import type { NormalizedPage } from "../types.js";
import { page } from "./envelope.js";
import type { Answer } from "./normalizer.js";
import { keys, type Obj, pickId, pickNonEmpty } from "./pick.js";

const ID = { note: keys("note_id", "noteId"), user: keys("user_id", "userid") };
const XSEC_TOKEN = keys("xsec_token");
const URL_KEYS = keys("url", "long_url", "redirect_url", "share_url");

export function resolveLink(answer: Answer, kind: ResolvedLink["kind"]): NormalizedPage {
  const key = kind === "note" ? "note_id" : "user_id";
  const payload = answer.object(answer.payload, "data.data");
  const candidates: (Obj | undefined)[] = [payload, answer.wrapper];
  const source = candidates.find((c) => pickId(c, ID[kind]) !== null);
  if (!source) {
    answer.drift(`data.data.${key}`);
    return page([], null, null);
  }
  const resolvedId = pickId(source, ID[kind]) as string;
  const link: ResolvedLink = {
    kind,
    id: resolvedId,
    xsecToken: pickId(source, XSEC_TOKEN),
    url: pickNonEmpty(source, URL_KEYS),
  };
  return page([link], null, null);
}
