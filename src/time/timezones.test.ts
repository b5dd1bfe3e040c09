import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveTimezone, useEngineTimezones } from './timezones.js';

test('without the engine\'s list: Intl decides, a name that differs only in case gets Intl\'s spelling', () => {
  assert.equal(resolveTimezone('UTC'), 'UTC');
  assert.equal(resolveTimezone('utc'), 'UTC');
  assert.equal(resolveTimezone('europe/paris'), 'Europe/Paris');
  assert.equal(resolveTimezone('Asia/Kolkata'), 'Asia/Kolkata', 'an alias as given');
  assert.equal(resolveTimezone('Mars/Olympus'), undefined);
  assert.equal(resolveTimezone(''), undefined);
  assert.equal(resolveTimezone('A'.repeat(65)), undefined);
  assert.equal(resolveTimezone('+05:00'), undefined);
});

test('with the engine\'s list: known to both, in any case, answered in the engine\'s spelling', () => {
  useEngineTimezones(['UTC', 'Europe/Paris', 'Asia/Kolkata', 'Asia/Calcutta', 'Etc/GMT+12', 'Factory', 'America/New_York']);
  assert.equal(resolveTimezone('utc'), 'UTC');
  assert.equal(resolveTimezone('EUROPE/PARIS'), 'Europe/Paris');
  assert.equal(resolveTimezone('asia/kolkata'), 'Asia/Kolkata');
  assert.equal(resolveTimezone('etc/gmt+12'), 'Etc/GMT+12');
  assert.equal(resolveTimezone('Factory'), undefined, 'the engine knows it, Intl cannot compute with it');
  assert.equal(resolveTimezone('Pacific/Chatham'), undefined, 'Intl knows it, the engine could not load it');
  assert.equal(resolveTimezone('america/new_york'), 'America/New_York');
  assert.equal(resolveTimezone('America/Nowhere'), undefined);
});
