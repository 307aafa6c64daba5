/**
 * The parse context for a schema parsed once per process (configuration, options, a run's
 * params). zod compiles an object schema's fast path with `new Function` on its first parse,
 * which pays off over many parses and costs a task start several milliseconds for one.
 */
export const PARSE_ONCE = { jitless: true } as const;
