import { DomainError } from '@docsession/contracts';
import { ExportSlots } from './export-slots';

describe('ExportSlots', () => {
  it('hands out as many slots as it has, then answers 503', () => {
    const slots = new ExportSlots(2, 1_000);
    const a = slots.acquire();
    slots.acquire();
    expect(() => slots.acquire()).toThrow(DomainError);
    try {
      slots.acquire();
    } catch (err) {
      expect((err as DomainError).code).toBe('unavailable');
    }
    a.release();
    expect(slots.running).toBe(1);
    expect(() => slots.acquire()).not.toThrow();
  });

  it('frees a slot once, however often it is released', () => {
    const slots = new ExportSlots(1, 1_000);
    const slot = slots.acquire();
    slot.release();
    slot.release();
    expect(slots.running).toBe(0);
    slots.acquire();
    expect(slots.running).toBe(1);
  });
});
