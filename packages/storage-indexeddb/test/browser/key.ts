/** A case's key, unique across the suite: its group and name. */
export const caseKey = (c: { readonly name: string; readonly group?: string }): string =>
  c.group === undefined ? c.name : `${c.group} > ${c.name}`
