// Server defaults, apart from the server itself so that the CLI can show them without loading it.
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8181;
export const DEFAULT_BODY_LIMIT = 64 * 1024;
