/**
 * How a batch of records is kept in one row: its body is, for each record, the record's
 * length (4 bytes, unsigned little-endian) then its bytes. The row also keeps the number of
 * records, so a body that does not split into exactly that many is seen as damaged.
 *
 * @internal
 * @module
 */

/** The largest record a batch can hold (its length must fit in 4 bytes). */
export const MAX_RECORD_LENGTH = 0xffff_ffff

/** The body of a batch: a copy of the records, each after its length. */
export const encode = (records: ReadonlyArray<Uint8Array>): Uint8Array => {
  let length = 0
  for (const r of records) {
    if (r.length > MAX_RECORD_LENGTH) throw new RangeError(`a record of ${r.length} bytes is larger than ${MAX_RECORD_LENGTH}`)
    length += 4 + r.length
  }
  const body = new Uint8Array(length)
  const view = new DataView(body.buffer)
  let at = 0
  for (const r of records) {
    view.setUint32(at, r.length, true)
    body.set(r, at + 4)
    at += 4 + r.length
  }
  return body
}

/**
 * Appends the `count` records of `body` to `out`, as views into `body`; false (and `out`
 * as it was) when the body does not hold exactly `count` records.
 */
export const split = (body: Uint8Array, count: number, out: Array<Uint8Array>): boolean => {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength)
  const first = out.length
  let at = 0
  for (let i = 0; i < count; i++) {
    if (body.length - at < 4) {
      out.length = first
      return false
    }
    const length = view.getUint32(at, true)
    at += 4
    if (body.length - at < length) {
      out.length = first
      return false
    }
    out.push(body.subarray(at, at + length))
    at += length
  }
  if (at !== body.length) {
    out.length = first
    return false
  }
  return true
}
