export { commandOutput, commandSucceeds } from './command-output.js';
export { freePort } from './free-port.js';
export { isCi, requireTool, type Tool, type ToolContext } from './require-tool.js';
export {
  collectOutput,
  type Printed,
  type ProcessRun,
  type RunOptions,
  runProcess,
} from './run-process.js';
export {
  createdTicket,
  createTestClock,
  createTestDesk,
  TEST_NOW,
  type TestClock,
  type TestDesk,
  type TestDeskOptions,
} from './test-desk.js';
export {
  CHROMIUM,
  chromiumLaunchOptions,
  requireChromium,
  requireFaketime,
  requireNpmRegistry,
} from './tools.js';
