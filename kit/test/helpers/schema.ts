/**
 * A small validator for the subset of JSON Schema the output formats need (type, enum, const, required,
 * properties, additionalProperties, items, minimum, boolean). Returns the list of problems, empty when valid.
 */
export type Schema =
  | {
      readonly type: "object";
      readonly required?: readonly string[];
      readonly properties: Readonly<Record<string, Schema>>;
      readonly additionalProperties?: boolean;
    }
  | { readonly type: "array"; readonly items: Schema }
  | { readonly type: "string"; readonly enum?: readonly string[] }
  | { readonly type: "boolean" }
  | { readonly type: "number" | "integer"; readonly minimum?: number; readonly const?: number };

export function validate(value: unknown, schema: Schema, path = "$"): string[] {
  switch (schema.type) {
    case "object": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) return [`${path}: expected an object`];
      const record = value as Record<string, unknown>;
      const problems = (schema.required ?? []).filter((key) => !(key in record)).map((key) => `${path}.${key}: missing`);
      for (const [key, item] of Object.entries(record)) {
        const inner = schema.properties[key];
        if (inner === undefined) {
          if (schema.additionalProperties === false) problems.push(`${path}.${key}: not allowed`);
        } else problems.push(...validate(item, inner, `${path}.${key}`));
      }
      return problems;
    }
    case "array":
      if (!Array.isArray(value)) return [`${path}: expected an array`];
      return value.flatMap((item, i) => validate(item, schema.items, `${path}[${i}]`));
    case "string":
      if (typeof value !== "string") return [`${path}: expected a string`];
      return schema.enum !== undefined && !schema.enum.includes(value) ? [`${path}: ${value} not in ${schema.enum.join("|")}`] : [];
    case "boolean":
      return typeof value === "boolean" ? [] : [`${path}: expected a boolean`];
    case "number":
    case "integer": {
      if (typeof value !== "number" || !Number.isFinite(value)) return [`${path}: expected a finite number, got ${String(value)}`];
      if (schema.type === "integer" && !Number.isInteger(value)) return [`${path}: expected an integer`];
      if (schema.const !== undefined && value !== schema.const) return [`${path}: expected ${schema.const}`];
      return schema.minimum !== undefined && value < schema.minimum ? [`${path}: below ${schema.minimum}`] : [];
    }
  }
}

const status = { type: "string", enum: ["pass", "fail", "error"] } as const;

/** Exercism's results.json v3 (exercism/docs building/tooling/test-runners/interface.md), with the kit's extensions. */
export const exercismSchema: Schema = {
  type: "object",
  required: ["version", "status", "tests"],
  additionalProperties: false,
  properties: {
    version: { type: "integer", const: 3 },
    status,
    message: { type: "string" },
    tests: {
      type: "array",
      items: {
        type: "object",
        required: ["name", "status", "test_code", "task_id", "points", "score"],
        additionalProperties: false,
        properties: {
          name: { type: "string" },
          status,
          message: { type: "string" },
          output: { type: "string" },
          test_code: { type: "string" },
          task_id: { type: "integer", minimum: 1 },
          exercise: { type: "string" },
          points: { type: "integer", minimum: 0 },
          score: { type: "integer", minimum: 0 },
        },
      },
    },
    totals: {
      type: "object",
      required: ["score", "max_score", "exercises"],
      properties: {
        score: { type: "integer", minimum: 0 },
        max_score: { type: "integer", minimum: 0 },
        exercises: {
          type: "array",
          items: {
            type: "object",
            required: ["id", "status", "score", "max_score"],
            properties: {
              id: { type: "string" },
              status,
              score: { type: "integer", minimum: 0 },
              max_score: { type: "integer", minimum: 0 },
            },
          },
        },
      },
    },
    seed: { type: "integer", minimum: 0 },
    kit: {
      type: "object",
      required: ["digest", "matches", "changed"],
      additionalProperties: false,
      properties: {
        digest: { type: "string" },
        matches: { type: "boolean" },
        changed: {
          type: "array",
          items: {
            type: "object",
            required: ["path", "kind"],
            additionalProperties: false,
            properties: { path: { type: "string" }, kind: { type: "string", enum: ["modified", "added", "missing"] } },
          },
        },
      },
    },
  },
};

/** The JSON the GitHub Classroom grading reporter reads (classroom-resources/autograding-grading-reporter). */
export const classroomSchema: Schema = {
  type: "object",
  required: ["version", "status", "max_score", "tests"],
  additionalProperties: false,
  properties: {
    version: { type: "integer", const: 1 },
    status,
    max_score: { type: "number", minimum: 0 },
    tests: {
      type: "array",
      items: {
        type: "object",
        required: ["name", "status", "score", "message", "test_code", "filename", "line_no", "duration"],
        additionalProperties: false,
        properties: {
          name: { type: "string" },
          status,
          score: { type: "number", minimum: 0 },
          message: { type: "string" },
          test_code: { type: "string" },
          filename: { type: "string" },
          line_no: { type: "integer", minimum: 0 },
          duration: { type: "number", minimum: 0 },
        },
      },
    },
  },
};
