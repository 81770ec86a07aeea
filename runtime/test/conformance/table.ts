/**
 * The expected values of the conformance suite: one table per upstream file, read both by the TypeScript port
 * (`<file>.test.ts`, through `support.ts`) and by `run-beam.ts`, which checks that the BEAM gives the same values
 * for the Elixir snippets of `beam/`. A value is written as JSON because that is what both sides can print.
 */

/** A JSON value: the shape an observation takes on both sides (atoms are strings, tuples are arrays). */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/** The ported cases of one upstream file and the value OTP gives for each. */
export interface CaseTable {
  /** What the tests are named after: `gen_server_test` names `gen_server_test: start/2`. */
  readonly label: string;
  /** The upstream file, e.g. `lib/elixir/test/elixir/gen_server_test.exs` at v1.14.0. */
  readonly upstream: string;
  /** The file under `beam/` whose snippets print these cases. */
  readonly snippets: string;
  /** Each ported case by its upstream name (describe and test, as ExUnit names it), with the value OTP gives. */
  readonly cases: Readonly<Record<string, Json>>;
}

/** The Elixir release the expected values were taken from, and the tag the upstream tests are read at. */
export const ELIXIR_VERSION = "1.14.0";
