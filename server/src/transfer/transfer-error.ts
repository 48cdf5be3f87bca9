/** An export or import that cannot go on; the message says why and what to do, without a stack. */
export class TransferError extends Error {}
