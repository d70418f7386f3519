/**
 * Text shown on a terminal comes from strangers (titles, nicknames, comments): a crafted one could
 * set the window title, clear the screen or reorder a line. `terminalText` removes every escape
 * sequence (CSI, OSC, DCS, SOS, PM, APC, in 7-bit and 8-bit form), every other C0/C1 control
 * character and DEL, and the bidirectional overrides and isolates; line breaks and tabs become
 * spaces. Only for what is drawn on a terminal: JSON, JSON lines, CSV and stored data keep the text
 * as it came.
 */

const ESCAPE_SEQUENCES = new RegExp(
  [
    // CSI: ESC [ or 0x9B, parameters, intermediates, a final byte.
    "(?:\\x1b\\[|\\x9b)[0-?]*[ -/]*[@-~]?",
    // OSC, DCS, SOS, PM, APC: up to BEL or ST (ESC \ or 0x9C), or to the end of the text when unterminated.
    "(?:\\x1b[\\]PX^_]|[\\x90\\x98\\x9d\\x9e\\x9f])[^\\x07\\x1b\\x9c]*(?:\\x07|\\x1b\\\\|\\x9c)?",
    // Any other escape: ESC, intermediates, a final byte.
    "\\x1b[ -/]*[0-~]?",
  ].join("|"),
  "g",
);
const LINE_BREAKS = /[\t\n\v\f\r\x85\u2028\u2029]/g;
const CONTROLS = /[\x00-\x1f\x7f-\x9f]/g;
/** LRM, RLM, ALM, the embeddings and overrides (U+202A–202E) and the isolates (U+2066–2069). */
const BIDI = /[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/g;

export function terminalText(text: string): string {
  return text.replace(ESCAPE_SEQUENCES, "").replace(LINE_BREAKS, " ").replace(CONTROLS, "").replace(BIDI, "");
}

/** `terminalText` line by line: multi-line text (a report) keeps its line breaks. */
export function terminalLines(text: string): string {
  return text.split("\n").map(terminalText).join("\n");
}
