import { WfkitError } from "../../src/index.js";

/** A workflow package that cannot be installed into a worker's install root. */
export class InstallError extends WfkitError {}
