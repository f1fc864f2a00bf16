import { describe, expect, it } from 'vitest';
import { APPROVAL_ACTION_ID, approvalButton, decodeApprovalAction, encodeApprovalValue } from './approval';

describe('approval codec', () => {
  it('round-trips an approval id with colons and a choice', () => {
    const button = approvalButton({ approvalId: 'task:7:step-2', choice: 'approve' }, 'Approve', 'primary');
    expect(button).toEqual({
      id: APPROVAL_ACTION_ID,
      value: 'task:7:step-2:approve',
      label: 'Approve',
      style: 'primary',
    });
    expect(decodeApprovalAction(button)).toEqual({ approvalId: 'task:7:step-2', choice: 'approve' });
  });

  it('labels a button with its choice unless told otherwise', () => {
    expect(approvalButton({ approvalId: 'ap-1', choice: 'deny' })).toEqual({
      id: 'approval',
      value: 'ap-1:deny',
      label: 'deny',
    });
  });

  it('reads nothing from other buttons or malformed values', () => {
    expect(decodeApprovalAction(undefined)).toBeUndefined();
    expect(decodeApprovalAction({ id: 'cancel', value: 'ap-1:approve' })).toBeUndefined();
    expect(decodeApprovalAction({ id: 'approval', value: 'approve' })).toBeUndefined();
    expect(decodeApprovalAction({ id: 'approval', value: ':approve' })).toBeUndefined();
    expect(decodeApprovalAction({ id: 'approval', value: 'ap-1:' })).toBeUndefined();
  });

  it('refuses a choice it could not read back', () => {
    expect(() => encodeApprovalValue({ approvalId: 'ap-1', choice: 'yes:no' })).toThrow(
      expect.objectContaining({ code: 'invalid_approval_choice' }),
    );
    expect(() => encodeApprovalValue({ approvalId: 'ap-1', choice: '' })).toThrow(
      expect.objectContaining({ code: 'invalid_approval_choice' }),
    );
  });
});
