import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eenV3SpecDir, expectConforms, loadSpec, responseSchema, validate } from '../../support/openapi.js';

// The checker must not be vacuous: it has to reject what the spec forbids.
describe.skipIf(!existsSync(join(eenV3SpecDir, 'media.yaml')))('OpenAPI response checker', () => {
  const camera = { id: '1000a000', accountId: '00001106', name: 'Lobby', bridgeId: '100b2e01', createTimestamp: '2024-01-01T00:00:00.000+00:00', status: { connectionStatus: 'online' } };
  const page = { nextPageToken: '', prevPageToken: null, totalSize: 1, results: [camera] };

  it('accepts a conforming camera page', () => {
    expect(() => expectConforms('devices', '/cameras', 'get', 200, page)).not.toThrow();
  });

  it('reports missing required fields, wrong types, enums and date-times', () => {
    const doc = loadSpec('devices');
    const schema = responseSchema(doc, '/cameras', 'get', '200');
    const { bridgeId: _omit, ...noBridge } = camera;
    expect(validate(doc, schema, { ...page, results: [noBridge] })).toEqual(['$.results[0]: missing required property bridgeId']);
    expect(validate(doc, schema, { ...page, totalSize: '1' })).toEqual(['$.totalSize: expected integer, got string']);
    expect(validate(doc, schema, { ...page, results: [{ ...camera, status: { connectionStatus: 'offline' } }] })[0]).toMatch(/"offline" is not one of/);
    expect(validate(doc, schema, { ...page, results: [{ ...camera, createTimestamp: 'yesterday' }] })[0]).toMatch(/not a date-time/);
    expect(validate(doc, schema, { results: [] })).toEqual(['$: missing required property nextPageToken', '$: missing required property prevPageToken', '$: missing required property totalSize']);
  });

  it('follows oneOf discriminators (jobs by state)', () => {
    const job = {
      id: 'a1b2c3d4-0000-4000-8000-000000000000', type: 'export.video', namespace: 'export', arguments: {}, userId: 'ca0e1001',
      createTimestamp: '2024-01-01T00:00:00.000+00:00', updateTimestamp: '2024-01-01T00:00:00.000+00:00', expireTimestamp: '2024-01-29T00:00:00.000+00:00',
      state: 'pending', detailedState: null, progress: 0, result: null, error: null,
    };
    expect(() => expectConforms('media', '/jobs/{jobId}', 'get', 200, job)).not.toThrow();
    expect(() => expectConforms('media', '/jobs/{jobId}', 'get', 200, { ...job, progress: 0.5 })).toThrow(/maximum 0/);
    expect(() => expectConforms('media', '/jobs/{jobId}', 'get', 200, { ...job, state: 'started', progress: 0.5, detailedState: {} })).not.toThrow();
  });
});
