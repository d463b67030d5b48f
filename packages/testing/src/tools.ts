import { existsSync } from 'node:fs';
import { commandSucceeds } from './command-output.js';
import { requireTool } from './require-tool.js';

/** The browser the end-to-end tests drive: Debian's Chromium. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * How the tests launch it, for playwright-core's `chromium.launch`: headless, without a sandbox,
 * and without the updates and syncing that would reach out of the machine.
 */
export const chromiumLaunchOptions = () => ({
  executablePath: CHROMIUM,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});

/** Whether the browser tests can run: Chromium at `CHROMIUM`. */
export const requireChromium = (): boolean =>
  requireTool({
    name: `Chromium at ${CHROMIUM}`,
    check: () => existsSync(CHROMIUM),
    install: 'apt-get install -y chromium',
  });

/** Whether a test can run a process under a fixed clock: the `faketime` command (libfaketime). */
export const requireFaketime = (): boolean =>
  requireTool({
    name: 'faketime',
    check: () => commandSucceeds('faketime', ['--version']),
    install: 'apt-get install -y faketime',
  });

/** Whether `npm install` can fetch packages: the configured registry answers `npm ping`. */
export const requireNpmRegistry = (): boolean =>
  requireTool({
    name: 'the npm registry',
    check: () =>
      commandSucceeds(
        'npm',
        ['ping', '--loglevel=error', '--fetch-retries=0', '--fetch-timeout=10000'],
        20_000,
      ),
    install: 'a network connection to the registry that `npm config get registry` names',
  });
