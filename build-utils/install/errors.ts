import { WfkitError, type ResolvableBy } from "../../src/index.js";

/** A workflow package that cannot be installed into a worker's install root: the package or spec given is the problem. */
export class InstallError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "user";
}

/** npm failed to pack or install the package (registry unreachable, no such version, a failing script…); its output is in the message. */
export class InstallNpmError extends InstallError {
  static override readonly resolvableBy: ResolvableBy = "external";
}

/** The install root (`--root`, WF_INSTALL_ROOT) cannot be created or written; nothing was installed. */
export class InstallRootError extends InstallError {
  static override readonly resolvableBy: ResolvableBy = "config";
}
