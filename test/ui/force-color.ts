// Imported first by the test files that read SGR: chalk (which Ink draws with) decides its colour
// level when it is first imported, from FORCE_COLOR; a test worker's stdout is no terminal, so
// without this every attribute — the selection's inverse too — is dropped from the frames.
process.env.FORCE_COLOR = '1';
