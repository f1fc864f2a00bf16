/** Run `job` for indexes 0 … count - 1, `concurrency` at a time, each lane taking the next index. */
export async function inParallel(
  count: number,
  concurrency: number,
  job: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) await job(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}
