/**
 * What every repository plugin needs beside the contract of `@baton/plugin-api`: HTTP failures
 * as the host schedules them, conditional GET, decompression, safe XML and OpenPGP verification.
 *
 * @example
 * ```ts
 * import { cachedGet, decompress, statusFailure } from '@baton/plugin-kit';
 * ```
 */
export { cachedGet, conditionalGet, type CachedBody, type ConditionalAnswer, type Validators } from './conditional-get';
export { decompress, detectCompression, type Compression, type DecompressOptions } from './decompress';
export { networkFailure, statusFailure, type FailureWording } from './http-failures';
export { PublicKey, readPublicKey, verifyClearSigned, verifyDetached, type SignatureNames } from './openpgp-verify';
export { parseSafeXml, xmlAll, xmlAttribute, xmlFirst, xmlText, type SafeXmlLimits, type XmlNode } from './safe-xml';
export { MalformedXmlError, decodeXmlText } from './xml-text';
