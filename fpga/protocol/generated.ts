// Generated from fpga/protocol/protocol.json by fpga/protocol/generate.ts. Do not edit.
export const PROTO_VERSION = 1;
export const FRAME_DELIMITER = 0;
export const MAX_PAYLOAD = 2100;
export const DEFAULT_BAUD = 3000000;
export const RESPONSE_FLAG = 128;
export const ERROR_OPCODE = 255;
export const ID_VALUE = 827214401;
export const Opcode = {
  PING: 1,
  INFO: 2,
  INFER: 3,
  READ_REG: 4,
} as const;
export const Status = {
  OK: 0,
  BAD_CRC: 1,
  BAD_LENGTH: 2,
  BAD_OPCODE: 3,
  BAD_REG: 4,
} as const;
export const Reg = {
  /** 0x314E4A41 = "AJN1" little-endian */
  ID: 0,
  /** wire protocol version */
  PROTO_VERSION: 4,
  /** MAC lanes of the core */
  LANES: 8,
  /** hidden units H */
  HIDDEN: 12,
  /** input bytes per INFER (2080) */
  INPUT_DIM: 16,
  /** core cycles of the last inference (device cycle counter) */
  LAST_CYCLES: 20,
  /** inferences since reset */
  INFER_COUNT: 24,
  /** frames dropped for a bad CRC since reset */
  CRC_ERRORS: 28,
  /** core clock in kHz as built */
  CLOCK_KHZ: 32,
} as const;
