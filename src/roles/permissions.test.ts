import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mayActOn, mayActOnVerified, permissionsOf, type RoleType } from './permissions.ts';

const set = (...r: RoleType[]) => new Set(r);

describe('admin roles', () => {
  it('gives a super admin every permission and a read-only admin no write', () => {
    assert.ok(permissionsOf(['SUPER_ADMIN']).has('tokens.manage'));
    const ro = permissionsOf(['READ_ONLY_ADMIN']);
    for (const p of ro) assert.ok(p.endsWith('.read'), `${p} is a read permission`);
  });

  it('keeps tokens and role changes to super admins', () => {
    for (const role of ['ORG_ADMIN', 'HELP_DESK_ADMIN', 'READ_ONLY_ADMIN'] as const) {
      assert.equal(permissionsOf([role]).has('tokens.manage'), false);
      assert.equal(permissionsOf([role]).has('roles.manage'), false);
    }
  });

  it('lets a help-desk admin act only on people without an admin role', () => {
    assert.equal(mayActOn(set('HELP_DESK_ADMIN'), set()), true);
    for (const target of ['SUPER_ADMIN', 'ORG_ADMIN', 'HELP_DESK_ADMIN', 'READ_ONLY_ADMIN'] as const) {
      assert.equal(mayActOn(set('HELP_DESK_ADMIN'), set(target)), false, target);
    }
  });

  it('lets only a super admin act on a super admin', () => {
    assert.equal(mayActOn(set('SUPER_ADMIN'), set('SUPER_ADMIN')), true);
    assert.equal(mayActOn(set('ORG_ADMIN'), set('SUPER_ADMIN')), false);
    assert.equal(mayActOn(set('ORG_ADMIN'), set('ORG_ADMIN', 'READ_ONLY_ADMIN')), true);
    assert.equal(mayActOn(set('READ_ONLY_ADMIN'), set()), false);
    assert.equal(mayActOn(set(), set()), false);
  });

  it('lets a verification of the person widen the help desk\'s reach to admins, super admins included, and nobody else\'s', () => {
    for (const target of ['SUPER_ADMIN', 'ORG_ADMIN', 'HELP_DESK_ADMIN', 'READ_ONLY_ADMIN'] as const) {
      assert.equal(mayActOnVerified(set('HELP_DESK_ADMIN'), set(target)), true, target);
    }
    assert.equal(mayActOnVerified(set('ORG_ADMIN'), set('SUPER_ADMIN')), false);
    assert.equal(mayActOnVerified(set('READ_ONLY_ADMIN'), set('READ_ONLY_ADMIN')), false);
    assert.equal(mayActOnVerified(set(), set()), false);
  });
});
