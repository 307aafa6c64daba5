// Kept apart from the sender so that knowing them does not load node:dgram, node:dns and node:net.

/** Default bound on the lines a sender buffers while syslog is slow or unreachable. */
export const SYSLOG_MAX_BUFFERED_LINES = 1000;

/** Default bound on the bytes a sender buffers while syslog is slow or unreachable (1 MiB). */
export const SYSLOG_MAX_BUFFERED_BYTES = 1024 * 1024;

/**
 * Longest UDP datagram sent, in bytes: a longer message is cut at a UTF-8 character boundary
 * (so a huge structured-data part may arrive malformed). 8 KiB is rsyslog's default
 * maxMessageSize and far below the 64 KiB a datagram can carry; use TCP for longer lines.
 */
export const SYSLOG_UDP_MAX_BYTES = 8192;

/** How long the host lookup and each TCP connection attempt may take before they count as failed. */
export const SYSLOG_CONNECT_TIMEOUT_MS = 10_000;

/** Default time `close()` spends delivering what is buffered. */
export const SYSLOG_CLOSE_TIMEOUT_MS = 1000;
