/**
 * Generates the TypeScript and Verilog views of fpga/protocol/protocol.json (the single source of the wire
 * protocol and register map). Run: node --import tsx fpga/protocol/generate.ts [--check]
 * With --check it exits 1 when a generated file differs from what it would write.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Named {
  name: string;
  value: number;
}
interface Spec {
  version: number;
  framing: { delimiter: number; max_payload: number; default_baud: number };
  opcodes: Named[];
  response_flag: number;
  error_opcode: number;
  status: Named[];
  registers: { name: string; addr: number; doc: string }[];
  id_value: number;
}

const here = dirname(fileURLToPath(import.meta.url));

export function renderProtocol(spec: Spec): { ts: string; vh: string } {
  const head = 'Generated from fpga/protocol/protocol.json by fpga/protocol/generate.ts. Do not edit.';
  const ts = [
    `// ${head}`,
    `export const PROTO_VERSION = ${spec.version};`,
    `export const FRAME_DELIMITER = ${spec.framing.delimiter};`,
    `export const MAX_PAYLOAD = ${spec.framing.max_payload};`,
    `export const DEFAULT_BAUD = ${spec.framing.default_baud};`,
    `export const RESPONSE_FLAG = ${spec.response_flag};`,
    `export const ERROR_OPCODE = ${spec.error_opcode};`,
    `export const ID_VALUE = ${spec.id_value};`,
    `export const Opcode = {`,
    ...spec.opcodes.map((o) => `  ${o.name}: ${o.value},`),
    `} as const;`,
    `export const Status = {`,
    ...spec.status.map((o) => `  ${o.name}: ${o.value},`),
    `} as const;`,
    `export const Reg = {`,
    ...spec.registers.map((r) => `  /** ${r.doc.replace(/\*\//g, '')} */\n  ${r.name}: ${r.addr},`),
    `} as const;`,
    '',
  ].join('\n');
  const vh = [
    `// ${head}`,
    `\`define AJN_PROTO_VERSION ${spec.version}`,
    `\`define AJN_MAX_PAYLOAD ${spec.framing.max_payload}`,
    `\`define AJN_RESPONSE_FLAG 8'h${spec.response_flag.toString(16)}`,
    `\`define AJN_ERROR_OPCODE 8'h${spec.error_opcode.toString(16)}`,
    `\`define AJN_ID_VALUE 32'h${spec.id_value.toString(16)}`,
    ...spec.opcodes.map((o) => `\`define AJN_OP_${o.name} 8'h${o.value.toString(16).padStart(2, '0')}`),
    ...spec.status.map((o) => `\`define AJN_ST_${o.name} 8'h${o.value.toString(16).padStart(2, '0')}`),
    ...spec.registers.map(
      (r) => `\`define AJN_REG_${r.name} 16'h${r.addr.toString(16).padStart(4, '0')} // ${r.doc}`,
    ),
    '',
  ].join('\n');
  return { ts, vh };
}

export const generatedPaths = { ts: join(here, 'generated.ts'), vh: join(here, '..', 'rtl', 'protocol.vh') };

export function generateProtocol(check: boolean): boolean {
  const spec = JSON.parse(readFileSync(join(here, 'protocol.json'), 'utf8')) as Spec;
  const out = renderProtocol(spec);
  if (check) {
    const read = (p: string): string => {
      try {
        return readFileSync(p, 'utf8');
      } catch {
        return '';
      }
    };
    return read(generatedPaths.ts) === out.ts && read(generatedPaths.vh) === out.vh;
  }
  writeFileSync(generatedPaths.ts, out.ts);
  writeFileSync(generatedPaths.vh, out.vh);
  return true;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const ok = generateProtocol(process.argv.includes('--check'));
  if (!ok) {
    console.error('fpga/protocol generated files are stale: run node --import tsx fpga/protocol/generate.ts');
    process.exit(1);
  }
}
