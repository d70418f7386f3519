import { describe, expect, it } from "vitest";
import { noteUrl, userUrl, xsecTokenFromUrl } from "../../src/model/urls.js";

describe("canonical URLs", () => {
  it("note URL carries the token and pc_feed source only when the token is known", () => {
    expect(noteUrl("65a1b2c3000000001e00aa01", "AB+x/y=")).toBe(
      "https://www.xiaohongshu.com/explore/65a1b2c3000000001e00aa01?xsec_token=AB%2Bx%2Fy%3D&xsec_source=pc_feed",
    );
    expect(noteUrl("65a1b2c3000000001e00aa01")).toBe("https://www.xiaohongshu.com/explore/65a1b2c3000000001e00aa01");
  });
  it("user URL", () => {
    expect(userUrl("5f00aa11000000000100bb22")).toBe(
      "https://www.xiaohongshu.com/user/profile/5f00aa11000000000100bb22",
    );
  });
  it("reads xsec_token from a share link, null for anything else", () => {
    expect(xsecTokenFromUrl("https://www.xiaohongshu.com/discovery/item/abc?xsec_token=AB%3D&type=normal")).toBe("AB=");
    expect(xsecTokenFromUrl("https://www.xiaohongshu.com/discovery/item/abc")).toBeNull();
    expect(xsecTokenFromUrl("<redacted-string>")).toBeNull();
    expect(xsecTokenFromUrl(42)).toBeNull();
  });
});
