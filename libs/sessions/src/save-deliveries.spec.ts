import { callbackCopyKey, deliveryOfCopyKey } from './save-deliveries';

describe('callback copy keys', () => {
  const id = '6a3e1d62-0d4c-4d7e-9a53-1f1d0c7b7a11';

  it('name a delivery’s copy apart from any document (keys of documents are bare UUIDs)', () => {
    expect(callbackCopyKey(id)).toBe(`cb-${id}`);
    expect(deliveryOfCopyKey(callbackCopyKey(id))).toBe(id);
  });

  it('are told apart from every other blob', () => {
    for (const key of [id, `save-${id}`, `cb-${id}x`, 'cb-', `xcb-${id}`, `cb-${id.toUpperCase()}`]) {
      expect(deliveryOfCopyKey(key)).toBeNull();
    }
  });
});
