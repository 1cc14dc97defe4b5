// Generated from fpga/protocol/protocol.json by fpga/protocol/generate.ts. Do not edit.
`define AJN_PROTO_VERSION 1
`define AJN_MAX_PAYLOAD 2100
`define AJN_RESPONSE_FLAG 8'h80
`define AJN_ERROR_OPCODE 8'hff
`define AJN_ID_VALUE 32'h314e4a41
`define AJN_OP_PING 8'h01
`define AJN_OP_INFO 8'h02
`define AJN_OP_INFER 8'h03
`define AJN_OP_READ_REG 8'h04
`define AJN_ST_OK 8'h00
`define AJN_ST_BAD_CRC 8'h01
`define AJN_ST_BAD_LENGTH 8'h02
`define AJN_ST_BAD_OPCODE 8'h03
`define AJN_ST_BAD_REG 8'h04
`define AJN_REG_ID 16'h0000 // 0x314E4A41 = "AJN1" little-endian
`define AJN_REG_PROTO_VERSION 16'h0004 // wire protocol version
`define AJN_REG_LANES 16'h0008 // MAC lanes of the core
`define AJN_REG_HIDDEN 16'h000c // hidden units H
`define AJN_REG_INPUT_DIM 16'h0010 // input bytes per INFER (2080)
`define AJN_REG_LAST_CYCLES 16'h0014 // core cycles of the last inference (device cycle counter)
`define AJN_REG_INFER_COUNT 16'h0018 // inferences since reset
`define AJN_REG_CRC_ERRORS 16'h001c // frames dropped for a bad CRC since reset
`define AJN_REG_CLOCK_KHZ 16'h0020 // core clock in kHz as built
