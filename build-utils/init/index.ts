export { initProject, type InitResult } from "./init-project.js";
export { InitError } from "./errors.js";
