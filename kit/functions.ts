/**
 * The functions of an exercise's file, by name and lines: its top-level functions (`export function get…`,
 * `const get = (…) => …`) and the methods of its top-level objects and classes (a GenServer module's `init`,
 * `handleCall`…). Which one a compiler error falls in tells which tasks it can cost (kit/judge.ts): a type error in
 * `startLink` need not cost the tasks that never start a linked server. Parsed with Babel's parser, which reads
 * TypeScript and recovers from the errors a learner's file may have.
 */
import { parse } from "@babel/parser";

/** A named function of the file, from its first line to its last (1-based, inclusive). */
export interface FunctionSpan {
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

interface Located {
  readonly type: string;
  readonly loc?: { readonly start: { readonly line: number }; readonly end: { readonly line: number } } | null;
}

type Node = Located & Record<string, unknown>;

const FUNCTION = new Set(["FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression"]);
/** Wrappers a value may come in: `{ … } satisfies GenServerModule<…>`, `(… ) as …`, `<T>…`, `x!`. */
const WRAPPERS = new Set(["TSAsExpression", "TSSatisfiesExpression", "TSTypeAssertion", "TSNonNullExpression", "ParenthesizedExpression"]);

const isNode = (value: unknown): value is Node => typeof value === "object" && value !== null && typeof (value as Node).type === "string";

function unwrap(value: unknown): Node | null {
  let node = isNode(value) ? value : null;
  while (node !== null && WRAPPERS.has(node.type)) node = isNode(node.expression) ? node.expression : null;
  return node;
}

/** A property's or method's name as written: `init`, `"init"`; null for a computed one. */
function keyName(node: Node): string | null {
  if (node.computed === true) return null;
  const key = node.key;
  if (!isNode(key)) return null;
  if (key.type === "Identifier" && typeof key.name === "string") return key.name;
  if (key.type === "StringLiteral" && typeof key.value === "string") return key.value;
  return null;
}

function span(name: string, node: Node): FunctionSpan | null {
  return node.loc == null ? null : { name, start: node.loc.start.line, end: node.loc.end.line };
}

/** The methods (and function-valued properties) of an object literal or a class body. */
function membersOf(container: Node): FunctionSpan[] {
  const members = container.type === "ObjectExpression" ? container.properties : isNode(container.body) ? container.body.body : [];
  const spans: FunctionSpan[] = [];
  for (const member of Array.isArray(members) ? members : []) {
    if (!isNode(member)) continue;
    const name = keyName(member);
    if (name === null) continue;
    const value = member.type === "ObjectProperty" || member.type === "ClassProperty" ? unwrap(member.value) : member;
    if (value !== null && (value.type === "ObjectMethod" || value.type === "ClassMethod" || FUNCTION.has(value.type))) {
      const found = span(name, member);
      if (found !== null) spans.push(found);
    }
  }
  return spans;
}

/** The spans a top-level statement declares. */
function declared(statement: Node): FunctionSpan[] {
  const declaration =
    statement.type === "ExportNamedDeclaration" || statement.type === "ExportDefaultDeclaration" ? statement.declaration : statement;
  if (!isNode(declaration)) return [];
  if (declaration.type === "FunctionDeclaration" || declaration.type === "TSDeclareFunction") {
    const id = declaration.id;
    const found = isNode(id) && typeof id.name === "string" ? span(id.name, declaration) : null;
    return found === null ? [] : [found];
  }
  if (declaration.type === "ClassDeclaration") return membersOf(declaration);
  if (declaration.type !== "VariableDeclaration" || !Array.isArray(declaration.declarations)) return [];
  return declaration.declarations.flatMap((declarator: unknown): FunctionSpan[] => {
    if (!isNode(declarator) || !isNode(declarator.id) || typeof declarator.id.name !== "string") return [];
    const value = unwrap(declarator.init);
    if (value === null) return [];
    if (FUNCTION.has(value.type)) {
      const found = span(declarator.id.name, declarator);
      return found === null ? [] : [found];
    }
    return value.type === "ObjectExpression" || value.type === "ClassExpression" ? membersOf(value) : [];
  });
}

/** The named functions of `source`; null when it cannot be parsed at all. */
export function functionSpans(source: string): FunctionSpan[] | null {
  let program: Node;
  try {
    program = parse(source, { sourceType: "module", plugins: ["typescript"], errorRecovery: true }).program as unknown as Node;
  } catch {
    return null;
  }
  return (Array.isArray(program.body) ? program.body : []).filter(isNode).flatMap(declared);
}

/** The innermost function of `spans` that holds `line`, by name; null when the line is outside all of them. */
export function functionAt(spans: readonly FunctionSpan[], line: number): string | null {
  let found: FunctionSpan | null = null;
  for (const candidate of spans)
    if (candidate.start <= line && line <= candidate.end && (found === null || candidate.start >= found.start)) found = candidate;
  return found?.name ?? null;
}
