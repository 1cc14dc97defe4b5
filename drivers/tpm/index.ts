/** TPM 2.0 drivers: transports (swtpm TCP / unix socket, /dev/tpmrm0), the typed client and the command flows. */
export { Tpm2 } from './tpm2.js';
export { openTpmTransport, parseTpmLocation, controlTarget, type TpmLocation } from './open.js';
export { SocketTransport, type SocketTarget } from './socket-transport.js';
export { DeviceTransport } from './device-transport.js';
export { swtpmInit, swtpmShutdown, swtpmCapabilities } from './swtpm-ctrl.js';
export { sealSeeds, unsealSeeds, SEEDS_LENGTH, DEFAULT_SEAL_PCRS, POLICY_FAIL_HINT } from './sealed-seeds.js';
export { parseSealedBlob, marshalSealedBlob, type SealedBlob } from './sealed-blob.js';
export { createAk, makeQuote, quoteWithAk, type AkAlgorithm, type LoadedAk } from './quote-flow.js';
export { probeTpm, type TpmProbe } from './probe.js';
export { createEk, activateCredential, type LoadedEk } from './credential-flow.js';
export { readEkCertificate } from './ek-cert-flow.js';
export { collectTpmEvidence, type TpmEvidence } from './evidence.js';
