import { ok } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { readSimConfig } from './sim-config.js';

describe('readSimConfig', () => {
  it('answers the defaults for an empty environment', () => {
    expect(readSimConfig({})).toEqual(
      ok({
        port: 8089,
        apiKey: 'sim-api-key-0123456789',
        clients: 1200,
        zones: 12,
        technicians: 8,
        pageSize: 50,
        statusFormat: 'label',
      }),
    );
  });

  it('reads every WISPHUB_SIM_ variable', () => {
    const config = readSimConfig({
      WISPHUB_SIM_PORT: '0',
      WISPHUB_SIM_API_KEY: 'abc',
      WISPHUB_SIM_CLIENTS: '10',
      WISPHUB_SIM_ZONES: '2',
      WISPHUB_SIM_TECHNICIANS: '1',
      WISPHUB_SIM_PAGE_SIZE: '5',
      WISPHUB_SIM_STATUS_FORMAT: 'mixed',
    });
    expect(config).toEqual(
      ok({
        port: 0,
        apiKey: 'abc',
        clients: 10,
        zones: 2,
        technicians: 1,
        pageSize: 5,
        statusFormat: 'mixed',
      }),
    );
  });

  it.each([
    ['WISPHUB_SIM_PORT', '70000'],
    ['WISPHUB_SIM_PORT', 'http'],
    ['WISPHUB_SIM_API_KEY', 'two words'],
    ['WISPHUB_SIM_CLIENTS', '-1'],
    ['WISPHUB_SIM_PAGE_SIZE', '0'],
    ['WISPHUB_SIM_STATUS_FORMAT', 'labels'],
  ])('names %s when it is %j', (name, value) => {
    const config = readSimConfig({ [name]: value });
    expect(config.isErr() && config.error.startsWith(`${name} `)).toBe(true);
  });
});
