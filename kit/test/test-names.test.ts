import { describe, expect, it } from "vitest";
import { testName, testNameIn } from "#protocol";

describe("testName", () => {
  it("should carry both languages in one title, English first, and give each back", () => {
    const name = testName({ en: "should keep the last price", es: "debería guardar el último precio" });
    expect(name).toBe("should keep the last price [es: debería guardar el último precio]");
    expect(testNameIn("en", name)).toBe("should keep the last price");
    expect(testNameIn("es", name)).toBe("debería guardar el último precio");
  });

  it("should read a title written in one language the same in both", () => {
    for (const name of ["should answer [1, 2]", "should keep a [es: note", "plain"]) {
      expect(testNameIn("es", name)).toBe(name);
      expect(testNameIn("en", name)).toBe(name);
    }
  });
});
