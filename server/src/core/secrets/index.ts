// Public API of secret detection: detectors, placeholder filter, masking and the .env parser.
export { scanValue, scanServiceAccountJson, classifyCredentialName, shannonEntropy, DETECTOR_IDS } from './detectors';
export type { SecretMatch, ScanContext } from './detectors';
export { isPlaceholder, isDocumentationKey } from './placeholders';
export { maskSecret, describeSecret } from './mask';
export { parseDotenv, dotenvValuePosition } from './dotenv';
export type { DotenvEntry } from './dotenv';
export { githubChecksumValid } from './checksum';
