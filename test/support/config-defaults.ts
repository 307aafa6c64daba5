/** What `loadConfig({})` returns: every WF_* default, as the tests expect it. */
export const CONFIG_DEFAULTS = {
  WF_HOME: ".wf",
  WF_LOG_LEVEL: "info",
  WF_LOG_FORMAT: "auto",
  WF_LOG_MASK_KEYS: "password,passwd,secret,token,key,credential,authorization",
  WF_LOG_EXCEPTION_FORMATTER: "auto",
  WF_SYSLOG_ENABLED: false,
  WF_SYSLOG_HOST: "localhost",
  WF_SYSLOG_PORT: 514,
  WF_SYSLOG_PROTOCOL: "udp",
  WF_SYSLOG_FACILITY: "user",
  WF_PROGRESS: "auto",
  WF_PROGRESS_LEVELS: "run,tasks,steps",
  WF_PROGRESS_LOG_INTERVAL: 30,
  WF_PROGRESS_NOTEBOOK_INTERVAL: 5,
  WF_CONCURRENCY: 16,
  WF_INSTALL_ROOT: "/opt/wfkit",
} as const;
