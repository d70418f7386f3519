/**
 * What an id looks like (src/refs/ids.ts), through its public functions: the exact lengths and alphabet per
 * kind, the reasons and messages a user reads, clipping of long values, and what no xsec_token can be.
 * ids-surfaces.test.ts shows the same checks on every surface (library, CLI, server, MCP).
 */
import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../../src/core/errors.js";
import {
  checkId,
  describeId,
  formatProblem,
  idProblem,
  isId,
  MAX_XSEC_TOKEN_LENGTH,
  xsecTokenProblem,
} from "../../src/refs/ids.js";

const HEX24 = "0123456789abcdef01234567";

describe("idProblem and isId: lengths per kind", () => {
  it("takes 24 for notes and comments, 24 to 32 for users and topics, and names the bound otherwise", () => {
    for (const kind of ["note", "comment"] as const) {
      expect(idProblem(kind, HEX24)).toBeNull();
      expect(idProblem(kind, HEX24.slice(1))).toBe("it has 23 characters, not 24");
      expect(idProblem(kind, `${HEX24}a`)).toBe("it has 25 characters, not 24");
    }
    for (const kind of ["user", "topic"] as const) {
      expect(idProblem(kind, HEX24)).toBeNull();
      expect(idProblem(kind, `${HEX24}abcdef01`)).toBeNull(); // 32
      expect(idProblem(kind, HEX24.slice(1))).toBe("it has 23 characters, not 24 to 32");
      expect(idProblem(kind, `${HEX24}abcdef012`)).toBe("it has 33 characters, not 24 to 32");
    }
    expect(idProblem("note", "a")).toBe("it has 1 character, not 24");
    expect(idProblem("note", "")).toBe("it has 0 characters, not 24");
  });

  it("takes exactly 0-9 and a-f: every other character is named as uppercase or as not hex", () => {
    for (const c of "0123456789abcdef") expect(isId("note", `${HEX24.slice(1)}${c}`), c).toBe(true);
    // The characters right outside the ranges (/ : ` g, and @ A F G) are refused.
    for (const c of ["/", ":", "`", "g", "z", " ", "é", "０"]) {
      expect(idProblem("note", `${HEX24.slice(1)}${c}`), c).toBe("it has characters other than 0-9 and a-f");
    }
    for (const c of ["A", "F"]) {
      expect(idProblem("note", `${HEX24.slice(1)}${c}`), c).toBe("it has uppercase letters; ids are lowercase");
    }
    expect(idProblem("note", `${HEX24.slice(1)}G`)).toBe("it has characters other than 0-9 and a-f");
    expect(idProblem("note", `${HEX24.slice(1)}@`)).toBe("it has characters other than 0-9 and a-f");
  });

  it("isId is exact: no trimming, strings only", () => {
    expect(isId("note", HEX24)).toBe(true);
    expect(isId("note", ` ${HEX24}`)).toBe(false);
    expect(isId("note", 123)).toBe(false);
    expect(isId("note", null)).toBe(false);
  });
});

describe("describeId, formatProblem and checkId: what the user reads", () => {
  it("describes a fixed length and a range", () => {
    expect(describeId("note")).toBe("24 lowercase hex characters (0-9, a-f), like 697c0eee000000000a03c308");
    expect(describeId("comment")).toBe("24 lowercase hex characters (0-9, a-f), like 68f599c1000000001b0249a5");
    expect(describeId("user")).toBe("24 to 32 lowercase hex characters (0-9, a-f), like 61b46d790000000010008153");
    expect(describeId("topic")).toBe("24 to 32 lowercase hex characters (0-9, a-f), like 5c1cc866febed9000184b7c1");
  });

  it("names the value, the reason and the form; null when fine", () => {
    expect(formatProblem("note", HEX24)).toBeNull();
    expect(formatProblem("topic", "abc")).toBe(
      `not a topic page id: "abc" (it has 3 characters, not 24 to 32; a topic page id is ${describeId("topic")})`,
    );
    expect(formatProblem("comment", HEX24.toUpperCase())).toBe(
      `not a comment id: "${HEX24.toUpperCase()}" (it has uppercase letters; ids are lowercase; a comment id is ${describeId("comment")})`,
    );
  });

  it("clips a value longer than 60 characters to 57 and an ellipsis, and keeps one of 60 whole", () => {
    const sixty = "x".repeat(60);
    expect(formatProblem("note", sixty)).toContain(`"${sixty}"`);
    const long = `${"y".repeat(57)}${"z".repeat(1000)}`;
    const message = formatProblem("user", long) ?? "";
    expect(message).toContain(`"${"y".repeat(57)}…"`);
    expect(message).not.toContain("z");
    expect(message).toContain("it has 1057 characters");
    const token = `${"t".repeat(57)}${" ".repeat(10)}`;
    expect(formatProblem("xsec_token", token)).toBe(
      `not an xsec_token: "${"t".repeat(57)}…" (it holds spaces, control or non-ASCII characters)`,
    );
  });

  it("checkId trims and returns the id, or throws InvalidInputError with the full complaint", () => {
    expect(checkId("note", `  ${HEX24}\n`)).toBe(HEX24);
    expect(() => checkId("note", "abc")).toThrow(InvalidInputError);
    expect(() => checkId("note", "abc")).toThrow(formatProblem("note", "abc") ?? "");
    expect(() => checkId("user", 42)).toThrow(new InvalidInputError("not a user id: expected a string, got number"));
    expect(() => checkId("topic", undefined)).toThrow("not a topic page id: expected a string, got undefined");
  });
});

describe("xsecTokenProblem: only what no token can be", () => {
  it("takes visible ASCII up to MAX_XSEC_TOKEN_LENGTH characters", () => {
    expect(xsecTokenProblem("CBgL0Y3aQ-_=")).toBeNull();
    expect(xsecTokenProblem("!~")).toBeNull(); // 0x21 and 0x7e, the ends of visible ASCII
    expect(xsecTokenProblem("a".repeat(MAX_XSEC_TOKEN_LENGTH))).toBeNull();
    expect(MAX_XSEC_TOKEN_LENGTH).toBe(1024);
    expect(formatProblem("xsec_token", "AB=")).toBeNull();
  });

  it("refuses empty, too long, spaces, control and non-ASCII characters", () => {
    expect(xsecTokenProblem("")).toBe("it is empty");
    expect(xsecTokenProblem("a".repeat(MAX_XSEC_TOKEN_LENGTH + 1))).toBe("it has 1025 characters, more than 1024");
    for (const c of [" ", "\u007f", "\u0020", "\u0000", "\t", "é", "令"]) {
      expect(xsecTokenProblem(`AB${c}CD`), JSON.stringify(c)).toBe("it holds spaces, control or non-ASCII characters");
    }
  });

  it("refuses characters beyond the BMP and lone surrogates, at the start, inside and at the end", () => {
    for (const c of ["😀", "\ud83d", "\ude00"]) {
      for (const token of [`${c}AB`, `AB${c}CD`, `AB${c}`, c]) {
        expect(xsecTokenProblem(token), JSON.stringify(token)).toBe("it holds spaces, control or non-ASCII characters");
      }
    }
  });
});
