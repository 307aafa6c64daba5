import * as z from "zod";

/**
 * Who can resolve a failure: `user` (the workflow's code or its input), `config` (wfkit's
 * settings), `platform` (the engine, the deployment, wfkit itself) or `external` (a service
 * outside wfkit).
 */
export const ResolvableBySchema = z.enum(["user", "config", "platform", "external"]);

/** Who can resolve a failure; see {@link ResolvableBySchema}. */
export type ResolvableBy = z.infer<typeof ResolvableBySchema>;

/**
 * One line per classification, for failure reports: what the class of failure covers and what
 * to do about it. They follow the error's own message, which names the offending thing.
 */
export const RESOLVABLE_BY_DESCRIPTIONS: Readonly<Record<ResolvableBy, string>> = Object.freeze({
  user: "the workflow's code or the input it was given (params, command line, workflow files): fix the task or the input and run again",
  config: "wfkit's configuration (WF_* variables, options, folders it was told to use): fix the setting the message names and run again",
  platform: "the engine or the deployment (Airflow worker, installed versions, wfkit itself): tell whoever runs the platform",
  external: "a service outside wfkit (network, database, message bus, package registry) failed: check that it is up and reachable, then retry",
});
