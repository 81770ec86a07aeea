import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Read with CRLF as LF, so that a Windows checkout of the same kit has the same identity. */
const normalised = (path: string): Buffer => Buffer.from(readFileSync(path, "utf8").replaceAll("\r\n", "\n"), "utf8");

function filesUnder(root: string, dir: string, skip: ReadonlySet<string>): string[] {
  const path = join(root, dir);
  if (!existsSync(path)) return [];
  return readdirSync(path, { withFileTypes: true })
    .filter((entry) => !entry.name.startsWith(".") && entry.name !== "node_modules" && !skip.has(`${dir}/${entry.name}`))
    .flatMap((entry) => {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) return filesUnder(root, rel, skip);
      return entry.isFile() ? [rel] : [];
    });
}

/**
 * The identity of the kit that grades: the SHA-256 of kit/checksums.json, which lists the digest of every file
 * that decides a grade. Without that manifest (a working copy of the kit), the SHA-256 of graders/, runtime/ and
 * the kit's own code, path by path: the scoring lives in kit/ as much as the tests live in graders/.
 * Two runs with the same identity grade the same way, so their results can be reused and merged.
 */
export function kitIdentity(kitRoot: string): string {
  const manifest = join(kitRoot, "kit", "checksums.json");
  const hash = createHash("sha256");
  if (existsSync(manifest)) return hash.update(normalised(manifest)).digest("hex");
  const skip = new Set(["runtime/test", "kit/test"]);
  const files = ["graders", "runtime", "kit"].flatMap((dir) => filesUnder(kitRoot, dir, skip)).sort();
  for (const file of files) {
    const bytes = normalised(join(kitRoot, file));
    hash.update(`${file}\0${bytes.length}\0`);
    hash.update(bytes);
  }
  return hash.digest("hex");
}
