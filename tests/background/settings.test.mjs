// The background reads the person's stored configuration, or falls back to the defaults.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { DEFAULT_CONFIG, storedConfig } from '../../extension/background/settings.js';

test('a stored schema-1 settings value yields its configuration', () => {
  const config = { version: 1, sensitivity: 'high' };
  assert.equal(storedConfig({ schema: 1, config }), config);
});

test('absent, unknown-schema or malformed settings mean the defaults', () => {
  for (const value of [undefined, null, 'x', [], {}, { schema: 2, config: { version: 1 } }, { schema: 1 }, { schema: 1, config: [] }, { schema: 1, config: 'v' }]) {
    assert.equal(storedConfig(value), null, JSON.stringify(value));
  }
  assert.deepEqual(DEFAULT_CONFIG, { version: 1 });
  assert.ok(Object.isFrozen(DEFAULT_CONFIG));
});
