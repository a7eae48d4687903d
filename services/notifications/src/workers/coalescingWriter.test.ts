import { describe, expect, it } from 'vitest';
import { coalescingWriter } from './coalescingWriter';

function gate() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('the coalescing writer', () => {
  it('writes a lone item at once, without waiting for others', async () => {
    const batches: number[][] = [];
    const writer = coalescingWriter<number>({ writeBatch: async (items) => void batches.push(items), maxBatch: 10 });
    await writer.write(1);
    expect(batches).toEqual([[1]]);
  });

  it('puts the items that arrive while a write is under way together into the next write, up to its limit', async () => {
    const batches: number[][] = [];
    const first = gate();
    const writer = coalescingWriter<number>({
      writeBatch: async (items) => {
        batches.push(items);
        if (batches.length === 1) await first.opened;
      },
      maxBatch: 3,
    });
    const writes = [writer.write(1)];
    await new Promise((resolve) => setTimeout(resolve, 5));
    for (const item of [2, 3, 4, 5]) writes.push(writer.write(item));
    first.open();
    await Promise.all(writes);
    expect(batches).toEqual([[1], [2, 3, 4], [5]]);
  });

  it('fails only the items of the write that failed, and goes on with the next', async () => {
    const first = gate();
    let calls = 0;
    const writer = coalescingWriter<number>({
      writeBatch: async () => {
        if (++calls === 1) {
          await first.opened;
          throw new Error('connection terminated');
        }
      },
      maxBatch: 10,
    });
    const failing = writer.write(1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const next = writer.write(2);
    first.open();
    await expect(failing).rejects.toThrow('connection terminated');
    await expect(next).resolves.toBeUndefined();
  });
});
