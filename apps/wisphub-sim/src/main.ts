import { readSimConfig } from './sim-config.js';
import { createWispHubSimulator } from './wisphub-simulator.js';

// Starts the simulator from WISPHUB_SIM_* variables; stops on SIGINT or SIGTERM.
const config = readSimConfig(process.env);
if (config.isErr()) {
  console.error(`wisphub-sim: ${config.error}`);
  process.exit(1);
}
const { port, ...options } = config.value;
const simulator = createWispHubSimulator(options);
const { url } = await simulator.start(port);
console.log(
  `wisphub-sim: listening on ${url} (API key ${options.apiKey}, ${options.clients} clients, ${options.zones} zones)`,
);

const stop = (signal: NodeJS.Signals) => {
  console.log(`wisphub-sim: ${signal} received, stopping`);
  void simulator.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
