export { createMcpHttpHandler, type McpHttpOptions } from "./http.js";
export { type StdioSession, serveMcpOverStdio } from "./stdio.js";
export { createMcpServer, toolAnswer, toolError } from "./tools.js";
export { LIST_TEXT_CHARS, OMITTED, trimNotice, trimRecord } from "./trim.js";
