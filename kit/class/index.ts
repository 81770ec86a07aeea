/** Grading a whole class: `npm run grade -- --submissions DIR` and `npm run grade -- --merge OUT1 OUT2 …`. */
export { type ClassArgs, type ClassCommand, type ClassParse, classCommand } from "./options.ts";
export { runClass } from "./run-class.ts";
