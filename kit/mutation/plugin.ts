/**
 * The kit's Stryker plugins, loaded by Stryker from this file (kit/mutation/run.ts names it in `plugins`): the
 * test runner "grading" (kit/mutation/runner.ts) and the checker "tsc" (kit/mutation/checker.ts).
 */
import { declareClassPlugin, PluginKind } from "@stryker-mutator/api/plugin";
import { TscChecker } from "./checker.ts";
import { GradingTestRunner, gradingOptionsSchema } from "./runner.ts";

export const strykerPlugins = [
  declareClassPlugin(PluginKind.TestRunner, "grading", GradingTestRunner),
  declareClassPlugin(PluginKind.Checker, "tsc", TscChecker),
];

export const strykerValidationSchema = gradingOptionsSchema;
