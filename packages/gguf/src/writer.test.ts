import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGgufFileInfo } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GgufError } from './errors';
import { fromHalfBits, toHalfBits } from './half';
import { readGgufHeader } from './reader';
import type { TensorSpec } from './tensor-data';
import { tensorByteSize } from './tensor-types';
import { type GgufKeyValue, gguf } from './values';
import { writeGguf } from './writer';

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'gguf-writer-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

const everyType: GgufKeyValue[] = [
  { key: 'general.alignment', value: gguf.u32(32) },
  { key: 'test.u8', value: gguf.u8(255) },
  { key: 'test.i8', value: gguf.i8(-128) },
  { key: 'test.u16', value: gguf.u16(65_535) },
  { key: 'test.i16', value: gguf.i16(-32_768) },
  { key: 'test.u32', value: gguf.u32(4_294_967_295) },
  { key: 'test.i32', value: gguf.i32(-2_147_483_648) },
  { key: 'test.f32', value: gguf.f32(0.5) },
  { key: 'test.f64', value: gguf.f64(Math.PI) },
  { key: 'test.u64', value: gguf.u64(18_446_744_073_709_551_615n) },
  { key: 'test.i64', value: gguf.i64(-9_223_372_036_854_775_808n) },
  { key: 'test.bool', value: gguf.bool(true) },
  { key: 'test.string', value: gguf.string('héllo ▁ 😀 日本語') },
  { key: 'test.strings', value: gguf.strings(['', 'a', '<tool_call>', '日本']) },
  { key: 'test.i32s', value: gguf.numbers('i32', [1, -2, 3]) },
  { key: 'test.f32s', value: gguf.numbers('f32', [0.25, -1.5]) },
  { key: 'test.u8s', value: gguf.numbers('u8', [0, 7, 255]) },
  { key: 'test.u64s', value: gguf.bigints('u64', [1n, 2n ** 40n]) },
  { key: 'test.bools', value: gguf.bools([true, false, true]) },
];

const tensors: TensorSpec[] = [
  { name: 'a.f32', shape: [3], type: 'f32', fill: { kind: 'constant', value: 1 } },
  { name: 'b.f16', shape: [5, 3], type: 'f16', fill: { kind: 'random', scale: 0.5, seed: 1 } },
  { name: 'c.q8_0', shape: [64, 3], type: 'q8_0', fill: { kind: 'random', scale: 0.1, seed: 2 } },
];

describe('writeGguf and readGgufHeader', () => {
  it('round-trips every metadata type and the tensor infos', async () => {
    const path = join(directory, 'types.gguf');
    const size = await writeGguf(path, { metadata: everyType, tensors });
    const header = await readGgufHeader(path);
    expect(header.version).toBe(3);
    expect(header.metadata).toEqual(everyType);
    expect(header.tensors.map(({ name, shape, type }) => ({ name, shape, type }))).toEqual(
      tensors.map(({ name, shape, type }) => ({ name, shape, type })),
    );
    expect(header.dataOffset % 32).toBe(0);
    for (const tensor of header.tensors) expect(tensor.offset % 32).toBe(0);
    expect((await stat(path)).size).toBe(size);
  });

  it('writes what node-llama-cpp reads: values, tensor shapes and types', async () => {
    const path = join(directory, 'nlc.gguf');
    await writeGguf(path, { metadata: everyType, tensors });
    const info = await readGgufFileInfo(path, { readTensorInfo: true });
    const test = (info.metadata as unknown as { test: Record<string, unknown> }).test;
    expect(test).toMatchObject({
      u8: 255,
      i8: -128,
      i32: -2_147_483_648,
      f32: 0.5,
      f64: Math.PI,
      u64: 18_446_744_073_709_551_615n,
      bool: true,
      string: 'héllo ▁ 😀 日本語',
      strings: ['', 'a', '<tool_call>', '日本'],
      i32s: [1, -2, 3],
      bools: [true, false, true],
    });
    expect(
      info.tensorInfo?.map((tensor) => [tensor.name, tensor.dimensions.map(Number), tensor.ggmlType]),
    ).toEqual([
      ['a.f32', [3], 0],
      ['b.f16', [5, 3], 1],
      ['c.q8_0', [64, 3], 8],
    ]);
  });

  it('writes Q8_0 as 34 bytes (f16 scale + 32 int8) per 32 elements', async () => {
    expect(tensorByteSize('q8_0', [896, 151_936])).toBe((896 * 151_936 * 34) / 32);
    expect(tensorByteSize('f16', [5, 3])).toBe(30);
    expect(() => tensorByteSize('q8_0', [48, 2])).toThrow(GgufError);
    const path = join(directory, 'q8.gguf');
    const spec: TensorSpec = {
      name: 'q',
      shape: [64, 2],
      type: 'q8_0',
      fill: { kind: 'constant', value: 1 },
    };
    await writeGguf(path, { metadata: [], tensors: [spec] });
    const header = await readGgufHeader(path);
    const bytes = await readFile(path);
    expect(bytes.length - header.dataOffset).toBe(4 * 34);
    const block = bytes.subarray(header.dataOffset, header.dataOffset + 34);
    expect(fromHalfBits(block.readUInt16LE(0)) * 127).toBeCloseTo(1, 2);
    expect([...block.subarray(2)]).toEqual(new Array(32).fill(127));
  });

  it('is deterministic: the same options give the same bytes, another seed other bytes', async () => {
    const write = async (name: string, seed: number) => {
      const path = join(directory, name);
      const seeded = tensors.map((tensor) =>
        tensor.fill.kind === 'random' ? { ...tensor, fill: { ...tensor.fill, seed } } : tensor,
      );
      await writeGguf(path, { metadata: everyType, tensors: seeded });
      return readFile(path);
    };
    const first = await write('same-1.gguf', 7);
    const second = await write('same-2.gguf', 7);
    const other = await write('other.gguf', 8);
    expect(first.equals(second)).toBe(true);
    expect(first.equals(other)).toBe(false);
    expect(first.length).toBe(other.length);
  });

  it('leaves no file behind when aborted', async () => {
    const path = join(directory, 'aborted', 'model.gguf');
    await mkdir(join(directory, 'aborted'));
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(
      writeGguf(path, { metadata: everyType, tensors }, { signal: controller.signal }),
    ).rejects.toThrow('stop');
    expect(await readdir(join(directory, 'aborted'))).toEqual([]);
  });

  it('refuses an integer that does not fit its type', async () => {
    const path = join(directory, 'bad.gguf');
    const write = writeGguf(path, { metadata: [{ key: 'x', value: gguf.u8(256) }], tensors: [] });
    await expect(write).rejects.toMatchObject({ code: 'gguf_bad_options' });
  });
});

describe('readGgufHeader on bad input', () => {
  it('says a non-GGUF file is not one', async () => {
    const path = join(directory, 'not.gguf');
    await writeFile(path, 'hello, this is text');
    await expect(readGgufHeader(path)).rejects.toMatchObject({
      code: 'gguf_invalid',
      message: /not a GGUF file/,
    });
  });

  it('says a file cut inside its header is truncated', async () => {
    const path = join(directory, 'cut.gguf');
    await writeGguf(path, { metadata: everyType, tensors });
    const bytes = await readFile(path);
    await writeFile(path, bytes.subarray(0, 200));
    await expect(readGgufHeader(path)).rejects.toMatchObject({ code: 'gguf_invalid', message: /truncated/ });
  });
});

describe('half-precision conversion', () => {
  it('rounds to the nearest half, with subnormals and overflow', () => {
    expect(toHalfBits(1)).toBe(0x3c00);
    expect(toHalfBits(-2)).toBe(0xc000);
    expect(toHalfBits(65_504)).toBe(0x7bff);
    expect(toHalfBits(1e6)).toBe(0x7c00);
    expect(toHalfBits(0.1)).toBe(0x2e66);
    expect(toHalfBits(2 ** -24)).toBe(0x0001);
    expect(toHalfBits(0)).toBe(0);
    for (const value of [0.05 / 127, 0.333, -7.25, 1e-5]) {
      expect(fromHalfBits(toHalfBits(value))).toBeCloseTo(value, 3);
    }
  });
});
