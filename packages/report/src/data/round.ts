// Rounding for the embedded document: enough digits to read and check a figure, no float noise, fewer bytes.

/** Seconds (or cores) to the millisecond. */
export const r3 = (v: number): number => Math.round(v * 1000) / 1000;

/** A measured value rounded, or null when unmeasured. */
export const n3 = (v: number | undefined): number | null => (v === undefined ? null : r3(v));

/** Bytes (and bytes/s) as whole numbers, or null when unmeasured. */
export const nInt = (v: number | undefined): number | null => (v === undefined ? null : Math.round(v));
