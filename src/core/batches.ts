/**
 * Groups a stream into arrays of `size` (the last may be shorter), adding each group's length to
 * `count.records` as it passes: exports write a chunk per group, not per row, and report how many went out.
 */
export async function* inBatches<T>(
  items: AsyncIterable<T>,
  size: number,
  count: { records: number },
): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const item of items) {
    batch.push(item);
    if (batch.length >= size) {
      count.records += batch.length;
      yield batch;
      batch = [];
    }
  }
  count.records += batch.length;
  if (batch.length > 0) yield batch;
}
