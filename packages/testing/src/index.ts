export { commandOutput, commandSucceeds } from './command-output.js';
export { isCi, requireTool, type Tool, type ToolContext } from './require-tool.js';
export { CHROMIUM, requireChromium, requireFaketime, requireNpmRegistry } from './tools.js';
