// Native addons (better-sqlite3) build with node-gyp, which otherwise downloads Node's headers.
// Point it at the headers installed with the running Node, when they are there, so that an
// install works offline (pnpm passes only this extra environment to build scripts).
const fs = require('node:fs');
const path = require('node:path');

const prefix = path.resolve(path.dirname(process.execPath), '..');
const hasHeaders = fs.existsSync(path.join(prefix, 'include', 'node', 'node_version.h'));

module.exports = {
  hooks: {
    updateConfig(config) {
      if (!hasHeaders || process.env.npm_config_nodedir) return config;
      return { ...config, extraEnv: { ...config.extraEnv, npm_config_nodedir: prefix } };
    },
  },
};
