import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultPasswordSettings, MAX_PASSWORD_LENGTH, passwordRuleProblem, type PasswordSettings } from './password-rules.ts';

const DEFAULTS = defaultPasswordSettings({ attempts: 10, minutes: 60 });
const LOGIN = 'ann.lee@example.com';

function withComplexity(over: Partial<PasswordSettings['complexity']>): PasswordSettings {
  return { ...DEFAULTS, complexity: { ...DEFAULTS.complexity, ...over } };
}

describe('password rules', () => {
  it('accepts a password that meets Okta\'s default rules', () => {
    assert.equal(passwordRuleProblem(DEFAULTS, 'Tangerine-Kite-42', LOGIN), null);
  });

  it('names the first rule broken, in Okta\'s words', () => {
    assert.equal(passwordRuleProblem(DEFAULTS, 'Ab1', LOGIN), 'Password requirements: at least 8 characters.');
    assert.equal(passwordRuleProblem(DEFAULTS, 'x'.repeat(MAX_PASSWORD_LENGTH + 1), LOGIN), `Password requirements: at most ${MAX_PASSWORD_LENGTH} characters.`);
    assert.equal(passwordRuleProblem(DEFAULTS, 'tangerinekite', LOGIN), 'Password requirements: an uppercase letter, a number.');
    assert.equal(passwordRuleProblem(DEFAULTS, 'TANGERINE-42', LOGIN), 'Password requirements: a lowercase letter.');
    assert.equal(passwordRuleProblem(withComplexity({ minSymbol: 1 }), 'Tangerine42', LOGIN), 'Password requirements: a symbol.');
  });

  it('refuses the local part of the username, whatever its case, unless the policy allows it', () => {
    assert.equal(passwordRuleProblem(DEFAULTS, 'My-ANN.LEE-Pass1', LOGIN), 'Password requirements: no parts of your username.');
    assert.equal(passwordRuleProblem(withComplexity({ excludeUsername: false }), 'My-ANN.LEE-Pass1', LOGIN), null);
    // A local part of one or two characters would refuse half the dictionary; it is not checked.
    assert.equal(passwordRuleProblem(DEFAULTS, 'Jo-Tangerine-42', 'jo@example.com'), null);
  });

  it('refuses common passwords without regard to case, unless the policy allows them', () => {
    assert.equal(passwordRuleProblem(DEFAULTS, 'Password1', LOGIN), 'Password requirements: not a commonly used password.');
    assert.equal(passwordRuleProblem(withComplexity({ dictionary: { common: { exclude: false } } }), 'Password1', LOGIN), null);
  });

  it('starts every tenant with the configured lockout and four remembered passwords', () => {
    const s = defaultPasswordSettings({ attempts: 3, minutes: 15 });
    assert.deepEqual(s.lockout, { maxAttempts: 3, autoUnlockMinutes: 15, showLockoutFailures: false });
    assert.equal(s.age.historyCount, 4);
  });
});
